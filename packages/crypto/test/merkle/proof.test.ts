import t from 'tap';
import { isSigstackError } from '../../src/errors.js';
import {
  bitLength,
  consistencyNodes,
  consistencyProofLength,
  inclusionNodes,
  inclusionProofLength,
  popcount,
  rehash,
  shiftRight,
  trailingZeros,
  xor,
  type NodeId,
  type ProofNodes,
} from '../../src/merkle/proof.js';

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'OK';
  } catch (err) {
    return isSigstackError(err) ? err.code : `untyped ${String(err)}`;
  }
}

const EDGES = [0, 1, 2, 3, 255, 256, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 12345, 2 ** 52, 2 ** 53 - 2, 2 ** 53 - 1];

/** Deterministic pseudo-random safe integers spread over all bit lengths. */
function* samples(count: number): Generator<number> {
  let state = 0x9e3779b9n;
  for (let i = 0; i < count; i++) {
    state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    const bits = BigInt(1 + (i % 53));
    yield Number(state & ((1n << bits) - 1n));
  }
}

t.test('53-bit helpers agree with BigInt arithmetic across the whole safe range', async (t) => {
  const values = [...EDGES, ...samples(2000)];
  const failures: string[] = [];
  for (const a of values) {
    const big = BigInt(a);
    if (bitLength(a) !== big.toString(2).replace(/^0$/, '').length) failures.push(`bitLength ${a}`);
    if (popcount(a) !== [...big.toString(2)].filter((c) => c === '1').length) failures.push(`popcount ${a}`);
    if (a > 0) {
      const tz = big.toString(2).length - 1 - big.toString(2).lastIndexOf('1');
      if (trailingZeros(a) !== tz) failures.push(`trailingZeros ${a}`);
    }
    for (const k of [0, 1, 7, 31, 32, 33, 52, 53]) {
      if (shiftRight(a, k) !== Number(big >> BigInt(k))) failures.push(`shiftRight ${a} ${k}`);
    }
    for (const b of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 45 + 3, a >>> 1]) {
      if (xor(a, b) !== Number(big ^ BigInt(b))) failures.push(`xor ${a} ${b}`);
    }
  }
  t.same(failures, []);
});

/** The intervals covered by a set of nodes, sorted. */
function covered(ids: readonly NodeId[]): Array<[number, number]> {
  return ids.map((id): [number, number] => [id.index * 2 ** id.level, (id.index + 1) * 2 ** id.level]).sort((a, b) => a[0] - b[0]);
}

function partitions(intervals: Array<[number, number]>, size: number): boolean {
  let pos = 0;
  for (const [a, b] of intervals.sort((x, y) => x[0] - y[0])) {
    if (a !== pos || b <= a) return false;
    pos = b;
  }
  return pos === size;
}

function rehashedLength(nodes: ProofNodes): number {
  return nodes.ids.length - Math.max(0, nodes.end - nodes.begin - 1);
}

t.test('proof nodes partition the tree and match the proof length for sizes up to 2^53 - 1', async (t) => {
  const failures: string[] = [];
  const sizes = [...EDGES.filter((s) => s > 0), ...[...samples(300)].filter((s) => s > 0)];
  for (const size of sizes) {
    for (const index of [0, size - 1, Math.floor(size / 2), Math.floor(size / 3), Math.max(0, size - 2 ** 33)]) {
      const nodes = inclusionNodes(index, size);
      if (!partitions([...covered(nodes.ids), [index, index + 1]], size)) failures.push(`inclusion ${index}/${size}`);
      if (rehashedLength(nodes) !== inclusionProofLength(index, size)) failures.push(`inclusion length ${index}/${size}`);
    }
    for (const size1 of [1, size, Math.ceil(size / 2), Math.max(1, size - 1), Math.max(1, size - 2 ** 35), Number(1n << BigInt(size.toString(2).length - 1))]) {
      const nodes = consistencyNodes(size1, size);
      const seeded = size1 === 2 ** trailingZeros(size1);
      const intervals = covered(nodes.ids);
      if (size1 < size && !partitions(seeded ? [...intervals, [0, size1]] : intervals, size)) failures.push(`consistency ${size1}->${size}`);
      if (rehashedLength(nodes) !== consistencyProofLength(size1, size)) failures.push(`consistency length ${size1}->${size}`);
    }
  }
  t.same(failures, []);
});

t.test('inclusion and consistency node arguments are validated', async (t) => {
  t.equal(outcome(() => inclusionNodes(3, 3)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => inclusionNodes(0, 0)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => inclusionNodes(-1, 3)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => inclusionNodes(0, 2 ** 53)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => inclusionNodes(0.5, 3)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => inclusionNodes(undefined as unknown as number, 3)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => inclusionProofLength(3, 3)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => inclusionProofLength(1, NaN)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => consistencyNodes(0, 3)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => consistencyNodes(0, 0)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => consistencyNodes(4, 3)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => consistencyNodes(1, -3)), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => consistencyProofLength(2, 1)), 'ERR_PROOF_ARGUMENTS');
});

t.test('equal sizes and one-leaf trees have empty proofs', async (t) => {
  t.same(consistencyNodes(5, 5).ids, []);
  t.equal(consistencyProofLength(5, 5), 0);
  t.same(inclusionNodes(0, 1).ids, []);
  t.equal(inclusionProofLength(0, 1), 0);
  t.same(rehash(inclusionNodes(0, 1), []), []);
});

t.test('proof node ids follow the transparency-dev/merkle order and ephemeral slice', async (t) => {
  // Leaf 2 of 7: sibling 0/3, then the left subtree 1/0, then the right border [4, 7) as its
  // pieces lowest first (0/6, 1/2), which rehash into the ephemeral node 2/1.
  t.same(inclusionNodes(2, 7), {
    ids: [{ level: 0, index: 3 }, { level: 1, index: 0 }, { level: 0, index: 6 }, { level: 1, index: 2 }],
    begin: 2,
    end: 4,
    ephem: { level: 2, index: 1 },
  });
  // 6 -> 8: the seed 1/2 (old size not a power of two), its sibling 1/3, then 2/0.
  t.same(consistencyNodes(6, 8), {
    ids: [{ level: 1, index: 2 }, { level: 1, index: 3 }, { level: 2, index: 0 }],
    begin: 0,
    end: 0,
    ephem: { level: 3, index: 1 },
  });
  // 4 -> 7: old tree perfect, so no seed; the border [4, 7) is ephemeral.
  t.same(consistencyNodes(4, 7), { ids: [{ level: 0, index: 6 }, { level: 1, index: 2 }], begin: 0, end: 2, ephem: { level: 2, index: 1 } });
});

t.test('rehash folds the ephemeral slice without touching its input', async (t) => {
  const nodes = inclusionNodes(2, 7);
  const hashes = [1, 2, 3, 4].map((v) => new Uint8Array(32).fill(v));
  const proof = rehash(nodes, hashes);
  t.equal(proof.length, 3);
  t.equal(proof[0], hashes[0]);
  t.equal(proof[1], hashes[1]);
  t.not(proof[2], hashes[2]);
  t.same(hashes.map((h) => h[0]), [1, 2, 3, 4]);
  // A single-piece ephemeral node is passed through.
  const single = inclusionNodes(0, 5);
  t.equal(single.end - single.begin, 1);
  const singleHashes = single.ids.map((_, i) => new Uint8Array(32).fill(i));
  t.same(rehash(single, singleHashes), singleHashes);
});

t.test('rehash rejects a wrong number or size of hashes', async (t) => {
  const nodes = inclusionNodes(2, 7);
  const good = nodes.ids.map(() => new Uint8Array(32));
  t.equal(outcome(() => rehash(nodes, good.slice(1))), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => rehash(nodes, [...good, new Uint8Array(32)])), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => rehash(nodes, [new Uint8Array(31), ...good.slice(1)])), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => rehash(nodes, [null as unknown as Uint8Array, ...good.slice(1)])), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => rehash(nodes, 'x' as unknown as Uint8Array[])), 'ERR_PROOF_ARGUMENTS');
});
