/**
 * RFC 6962 / RFC 9162 Merkle tree math: hashing, proof node selection, proof verification and
 * the incremental compact range used by the log writer.
 */
export { HASH_SIZE, EMPTY_ROOT, emptyRoot, hashLeaf, hashChildren } from './hash.js';
export {
  inclusionNodes,
  consistencyNodes,
  rehash,
  inclusionProofLength,
  consistencyProofLength,
  type NodeId,
  type ProofNodes,
} from './proof.js';
export { rootFromInclusionProof, verifyInclusion, rootFromConsistencyProof, verifyConsistency } from './verify.js';
export { CompactRange, compactRangeNodes, type CompletedNode, type NodeVisitor } from './compact.js';
