import t from 'tap';
import { bytesEqual } from '../../src/encoding.js';
import { isSigstackError } from '../../src/errors.js';
import { consistencyNodes, inclusionNodes, rehash, type NodeId } from '../../src/merkle/proof.js';
import { verifyConsistency, verifyInclusion } from '../../src/merkle/verify.js';
import { BASE, TAIL, bigLeafHash, bigNodeHash, bigRoot } from './big-tree.js';

const oracle = (id: NodeId): Uint8Array => bigNodeHash(id.level, id.index);

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'OK';
  } catch (err) {
    return isSigstackError(err) ? err.code : `untyped ${String(err)}`;
  }
}

function flipFirst(proof: Uint8Array[], i: number): Uint8Array[] {
  const out = proof.slice();
  const h = (out[i] as Uint8Array).slice();
  h[0] = (h[0] as number) ^ 1;
  out[i] = h;
  return out;
}

t.test('inclusion proofs in trees of more than 2^52 leaves verify and reject tampering', async (t) => {
  const failures: string[] = [];
  for (const extra of [1, 2, 3, 5, 8, 13, 64, 100, 255, 256, TAIL]) {
    const size = BASE + extra;
    const root = bigRoot(size);
    const indexes = [0, 1, 2 ** 32 + 7, 2 ** 52 - 1, 2 ** 52, BASE - 1];
    for (let i = 0; i < extra; i++) indexes.push(BASE + i);
    for (const index of indexes) {
      const nodes = inclusionNodes(index, size);
      const proof = rehash(nodes, nodes.ids.map(oracle));
      const ok = outcome(() => verifyInclusion(index, size, bigLeafHash(index), proof, root));
      if (ok !== 'OK') failures.push(`${index}/${size}: ${ok}`);
      for (let i = 0; i < proof.length; i += 3) {
        const got = outcome(() => verifyInclusion(index, size, bigLeafHash(index), flipFirst(proof, i), root));
        if (got !== 'ERR_PROOF_INVALID') failures.push(`${index}/${size} hash ${i}: ${got}`);
      }
      if (index >= BASE && index + 1 < size) {
        // The same proof moved to the neighbouring leaf must fail (order matters in the tail).
        const got = outcome(() => verifyInclusion(index + 1, size, bigLeafHash(index + 1), proof, root));
        if (got === 'OK') failures.push(`${index}/${size} accepted for ${index + 1}`);
      }
    }
  }
  t.same(failures, []);
});

t.test('consistency proofs between trees of more than 2^52 leaves verify and reject tampering', async (t) => {
  const failures: string[] = [];
  const sizes = [1, 2, 3, 2 ** 32, 2 ** 32 + 1, 2 ** 52 - 1, 2 ** 52, 2 ** 52 + 1, BASE - 1, BASE, BASE + 1, BASE + 2, BASE + 7, BASE + 64, BASE + 129, BASE + TAIL];
  for (const size1 of sizes) {
    for (const size2 of sizes) {
      if (size2 < size1) continue;
      const root1 = bigRoot(size1);
      const root2 = bigRoot(size2);
      const nodes = consistencyNodes(size1, size2);
      const proof = rehash(nodes, nodes.ids.map(oracle));
      const ok = outcome(() => verifyConsistency(size1, size2, root1, root2, proof));
      if (ok !== 'OK') failures.push(`${size1}->${size2}: ${ok}`);
      for (let i = 0; i < proof.length; i++) {
        const got = outcome(() => verifyConsistency(size1, size2, root1, root2, flipFirst(proof, i)));
        if (got !== 'ERR_PROOF_INVALID') failures.push(`${size1}->${size2} hash ${i}: ${got}`);
      }
      if (size1 < size2 && size2 > BASE) {
        const got = outcome(() => verifyConsistency(size1, size2, root1, bigRoot(size2 - 1), proof));
        if (got === 'OK') failures.push(`${size1}->${size2} accepted a wrong root2`);
      }
    }
  }
  t.same(failures, []);
});

t.test('the big test tree is self-consistent', async (t) => {
  t.ok(bytesEqual(bigRoot(2 ** 52), bigNodeHash(52, 0)));
  t.throws(() => bigNodeHash(45, 2 ** 7));
});
