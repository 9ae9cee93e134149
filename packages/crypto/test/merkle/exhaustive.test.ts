/**
 * Every inclusion proof of every tree size 1..128 and every consistency proof between sizes
 * 1 <= m <= n <= 128, built two ways (the naive RFC 6962 PATH/SUBPROOF, and our node ids rehashed
 * from a naive node-hash oracle), must be equal and must verify. Failures are collected and
 * asserted once per behaviour to keep the run fast.
 */
import t from 'tap';
import { bytesEqual, toHex } from '../../src/encoding.js';
import {
  consistencyNodes,
  consistencyProofLength,
  inclusionNodes,
  inclusionProofLength,
  rehash,
  type NodeId,
  type ProofNodes,
} from '../../src/merkle/proof.js';
import {
  rootFromConsistencyProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../src/merkle/verify.js';
import { ReferenceTree, makeLeafHashes } from './reference-tree.js';

const MAX = 128;
const ref = new ReferenceTree(makeLeafHashes(MAX));
const oracle = (id: NodeId): Uint8Array => ref.nodeHash(id.level, id.index);

function sameList(a: Uint8Array[], b: Uint8Array[]): boolean {
  return a.length === b.length && a.every((h, i) => bytesEqual(h, b[i] as Uint8Array));
}

/** Every id is a perfect subtree inside [0, size); the ephemeral pieces tile ephem ∩ [0, size). */
function structureProblem(nodes: ProofNodes, size: number): string | undefined {
  for (const id of nodes.ids) {
    if (!Number.isInteger(id.level) || !Number.isInteger(id.index) || id.level < 0 || id.index < 0) return 'bad id';
    if ((id.index + 1) * 2 ** id.level > size) return `node ${id.level}/${id.index} not inside size ${size}`;
  }
  if (nodes.begin === nodes.end) return undefined;
  const start = nodes.ephem.index * 2 ** nodes.ephem.level;
  const stop = Math.min(size, start + 2 ** nodes.ephem.level);
  let pos = stop;
  for (let i = nodes.begin; i < nodes.end; i++) {
    const id = nodes.ids[i] as NodeId;
    if ((id.index + 1) * 2 ** id.level !== pos) return 'ephemeral pieces not contiguous';
    pos = id.index * 2 ** id.level;
  }
  return pos === start ? undefined : 'ephemeral pieces do not cover ephem';
}

t.test('inclusion proofs from node ids equal RFC 6962 PATH and verify for every index of sizes 1..128', async (t) => {
  const failures: string[] = [];
  let count = 0;
  for (let n = 1; n <= MAX; n++) {
    const root = ref.root(n);
    for (let m = 0; m < n; m++) {
      count++;
      const nodes = inclusionNodes(m, n);
      const problem = structureProblem(nodes, n);
      if (problem) failures.push(`${m}/${n}: ${problem}`);
      const built = rehash(nodes, nodes.ids.map(oracle));
      const want = ref.inclusionProof(m, n);
      if (!sameList(built, want)) failures.push(`${m}/${n}: proof differs`);
      if (inclusionProofLength(m, n) !== want.length) failures.push(`${m}/${n}: length`);
      const leaf = ref.leafHashes[m] as Uint8Array;
      if (!bytesEqual(rootFromInclusionProof(m, n, leaf, want), root)) failures.push(`${m}/${n}: root`);
      try {
        verifyInclusion(m, n, leaf, built, root);
      } catch (err) {
        failures.push(`${m}/${n}: ${String(err)}`);
      }
    }
  }
  t.equal(count, (MAX * (MAX + 1)) / 2);
  t.same(failures, []);
});

t.test('consistency proofs from node ids equal RFC 6962 SUBPROOF and verify for every 1 <= m <= n <= 128', async (t) => {
  const failures: string[] = [];
  let count = 0;
  for (let n = 1; n <= MAX; n++) {
    const root2 = ref.root(n);
    for (let m = 1; m <= n; m++) {
      count++;
      const root1 = ref.root(m);
      const nodes = consistencyNodes(m, n);
      const problem = structureProblem(nodes, n);
      if (problem) failures.push(`${m}->${n}: ${problem}`);
      const built = rehash(nodes, nodes.ids.map(oracle));
      const want = ref.consistencyProof(m, n);
      if (!sameList(built, want)) failures.push(`${m}->${n}: proof differs`);
      if (consistencyProofLength(m, n) !== want.length) failures.push(`${m}->${n}: length`);
      if (!bytesEqual(rootFromConsistencyProof(m, n, root1, want), root2)) failures.push(`${m}->${n}: root`);
      try {
        verifyConsistency(m, n, root1, root2, built);
      } catch (err) {
        failures.push(`${m}->${n}: ${String(err)}`);
      }
    }
  }
  t.equal(count, (MAX * (MAX + 1)) / 2);
  t.same(failures, []);
});

t.test('the reference tree agrees with itself on roots built by splitting', async (t) => {
  // Sanity check of the oracle: the root of size n is also the hash of its two RFC 6962 halves.
  t.equal(toHex(ref.root(3)), toHex(ref.mth(0, 3)));
  t.equal(toHex(ref.nodeHash(7, 0)), toHex(ref.root(128)));
});
