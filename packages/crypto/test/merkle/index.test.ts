import t from 'tap';
import * as merkle from '../../src/merkle/index.js';

t.test('the merkle entry point re-exports the whole API', async (t) => {
  const names = [
    'HASH_SIZE', 'EMPTY_ROOT', 'emptyRoot', 'hashLeaf', 'hashChildren',
    'inclusionNodes', 'consistencyNodes', 'rehash', 'inclusionProofLength', 'consistencyProofLength',
    'rootFromInclusionProof', 'verifyInclusion', 'rootFromConsistencyProof', 'verifyConsistency',
    'CompactRange', 'compactRangeNodes',
  ];
  t.same(Object.keys(merkle).sort(), [...names].sort());
});
