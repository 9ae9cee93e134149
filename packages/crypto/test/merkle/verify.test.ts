import t from 'tap';
import { isSigstackError } from '../../src/errors.js';
import { parseBase64, parseHex, toHex } from '../../src/encoding.js';
import { hashLeaf } from '../../src/merkle/hash.js';
import { consistencyProofLength, inclusionProofLength } from '../../src/merkle/proof.js';
import {
  rootFromConsistencyProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../src/merkle/verify.js';
import { RFC6962_LEAVES_HEX, RFC6962_ROOTS_HEX, UPSTREAM_CONSISTENCY, UPSTREAM_INCLUSION } from './fixtures.js';
import { ReferenceTree, makeLeafHashes } from './reference-tree.js';

const MAX = 32;
const ref = new ReferenceTree(makeLeafHashes(2 * MAX + 1));
const leaf = (i: number): Uint8Array => ref.leafHashes[i] as Uint8Array;

/** The error code `fn` throws, 'OK' if it returns; anything but our typed errors is a failure. */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'OK';
  } catch (err) {
    return isSigstackError(err) ? err.code : `untyped ${String(err)}`;
  }
}

function flipped(h: Uint8Array, bit: number): Uint8Array {
  const copy = h.slice();
  copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
  return copy;
}

const junk = new Uint8Array(32).fill(0xaa);

t.test('the RFC 6962 vectors give the published roots and upstream proofs verify', async (t) => {
  const leaves = RFC6962_LEAVES_HEX.map((h) => hashLeaf(parseHex(h)));
  const tree = new ReferenceTree(leaves);
  for (let n = 1; n <= 8; n++) t.equal(toHex(tree.root(n)), RFC6962_ROOTS_HEX[n - 1], `size ${n}`);

  const inc = UPSTREAM_INCLUSION;
  const incProof = inc.proof.map((p) => parseBase64(p));
  t.equal(toHex(parseBase64(inc.leafHash)), toHex(leaves[inc.leafIdx] as Uint8Array));
  verifyInclusion(inc.leafIdx, inc.treeSize, parseBase64(inc.leafHash), incProof, parseBase64(inc.root));
  t.equal(toHex(parseBase64(inc.root)), RFC6962_ROOTS_HEX[7]);

  for (const c of UPSTREAM_CONSISTENCY) {
    const proof = c.proof.map((p) => parseBase64(p));
    verifyConsistency(c.size1, c.size2, parseBase64(c.root1), parseBase64(c.root2), proof);
    t.equal(toHex(parseBase64(c.root1)), RFC6962_ROOTS_HEX[c.size1 - 1]);
    t.equal(toHex(parseBase64(c.root2)), RFC6962_ROOTS_HEX[c.size2 - 1]);
  }
});

t.test('a flipped bit in any inclusion proof hash, the leaf or the root is ERR_PROOF_INVALID', async (t) => {
  const failures: string[] = [];
  for (let n = 1; n <= MAX; n++) {
    const root = ref.root(n);
    for (let m = 0; m < n; m++) {
      const proof = ref.inclusionProof(m, n);
      for (let i = 0; i < proof.length; i++) {
        for (const bit of [0, 77, 255]) {
          const bad = proof.slice();
          bad[i] = flipped(proof[i] as Uint8Array, bit);
          const got = outcome(() => verifyInclusion(m, n, leaf(m), bad, root));
          if (got !== 'ERR_PROOF_INVALID') failures.push(`${m}/${n} hash ${i} bit ${bit}: ${got}`);
        }
      }
      const badLeaf = outcome(() => verifyInclusion(m, n, flipped(leaf(m), 3), proof, root));
      if (badLeaf !== 'ERR_PROOF_INVALID') failures.push(`${m}/${n} leaf: ${badLeaf}`);
      const otherLeaf = outcome(() => verifyInclusion(m, n, leaf(m + 1), proof, root));
      if (otherLeaf !== 'ERR_PROOF_INVALID') failures.push(`${m}/${n} other leaf: ${otherLeaf}`);
      const badRoot = outcome(() => verifyInclusion(m, n, leaf(m), proof, flipped(root, 200)));
      if (badRoot !== 'ERR_PROOF_INVALID') failures.push(`${m}/${n} root: ${badRoot}`);
    }
  }
  t.same(failures, []);
});

t.test('an inclusion proof one hash too long or too short is ERR_PROOF_ARGUMENTS', async (t) => {
  // Decision: the length is fixed by (index, size), so a wrong length is malformed input, caught
  // before any hashing, like transparency-dev/merkle's "wrong proof size".
  const failures: string[] = [];
  for (let n = 1; n <= MAX; n++) {
    const root = ref.root(n);
    for (let m = 0; m < n; m++) {
      const proof = ref.inclusionProof(m, n);
      const variants = [[...proof, junk], [junk, ...proof], [...proof, root], [root, ...proof], [...proof, proof[0] ?? junk]];
      if (proof.length > 0) variants.push(proof.slice(1), proof.slice(0, -1), []);
      for (const bad of variants) {
        const got = outcome(() => verifyInclusion(m, n, leaf(m), bad, root));
        if (got !== 'ERR_PROOF_ARGUMENTS') failures.push(`${m}/${n} length ${bad.length}: ${got}`);
      }
    }
  }
  t.same(failures, []);
});

t.test('an inclusion proof checked at a wrong index or a wrong (size, root) fails with the code its length dictates', async (t) => {
  const failures: string[] = [];
  for (let n = 1; n <= MAX; n++) {
    const root = ref.root(n);
    for (let m = 0; m < n; m++) {
      const proof = ref.inclusionProof(m, n);
      const cases: Array<[number, number]> = [
        [m + 1, n], [m - 1, n], [m ^ 1, n], [m ^ 2, n], [m, n + 1], [m, n - 1], [m, 2 * n], [m, n >> 1],
      ];
      for (const [index, size] of cases) {
        if (index === m && size === n) continue;
        let want = 'ERR_PROOF_ARGUMENTS';
        if (index >= 0 && index < size && inclusionProofLength(index, size) === proof.length) want = 'ERR_PROOF_INVALID';
        // The checkpoint binds size and root together, so a lie about either comes with the root
        // of the claimed size (checked against the true root, RFC 6962 cannot tell sizes apart).
        const claimed = size >= 1 ? ref.root(size) : root;
        const got = outcome(() => verifyInclusion(index, size, leaf(m), proof, claimed));
        if (got !== want) failures.push(`${m}/${n} checked as ${index}/${size}: ${got}, want ${want}`);
        if (index >= 0 && index < size && index !== m) {
          const moved = outcome(() => verifyInclusion(index, size, leaf(index), proof, claimed));
          if (moved !== want) failures.push(`${m}/${n} checked with leaf ${index}/${size}: ${moved}, want ${want}`);
        }
      }
    }
  }
  t.same(failures, []);
});

t.test('inclusion arguments that make no proof are ERR_PROOF_ARGUMENTS', async (t) => {
  const root = ref.root(4);
  const proof = ref.inclusionProof(1, 4);
  const bad: Array<() => unknown> = [
    () => verifyInclusion(4, 4, leaf(1), proof, root),
    () => verifyInclusion(0, 0, leaf(1), [], root),
    () => verifyInclusion(-1, 4, leaf(1), proof, root),
    () => verifyInclusion(1.5, 4, leaf(1), proof, root),
    () => verifyInclusion(NaN, 4, leaf(1), proof, root),
    () => verifyInclusion(1, 2 ** 53, leaf(1), proof, root),
    () => verifyInclusion('1' as unknown as number, 4, leaf(1), proof, root),
    () => verifyInclusion(1, 4, leaf(1).subarray(1), proof, root),
    () => verifyInclusion(1, 4, 'leaf' as unknown as Uint8Array, proof, root),
    () => verifyInclusion(1, 4, leaf(1), proof, root.subarray(0, 31)),
    () => verifyInclusion(1, 4, leaf(1), [proof[0] as Uint8Array, new Uint8Array(33)], root),
    () => verifyInclusion(1, 4, leaf(1), [proof[0] as Uint8Array, undefined as unknown as Uint8Array], root),
    () => verifyInclusion(1, 4, leaf(1), 'proof' as unknown as Uint8Array[], root),
    () => rootFromInclusionProof(5, 4, leaf(1), proof),
  ];
  for (const fn of bad) t.equal(outcome(fn), 'ERR_PROOF_ARGUMENTS');
});

t.test('rootFromInclusionProof returns a fresh copy for a one-leaf tree', async (t) => {
  const l = leaf(0);
  const root = rootFromInclusionProof(0, 1, l, []);
  t.equal(toHex(root), toHex(l));
  root.fill(0);
  t.not(toHex(root), toHex(leaf(0)));
  t.equal(outcome(() => verifyInclusion(0, 1, leaf(0), [], leaf(0))), 'OK');
});

t.test('a flipped bit in any consistency proof hash or either root is ERR_PROOF_INVALID', async (t) => {
  const failures: string[] = [];
  for (let n = 2; n <= MAX; n++) {
    const root2 = ref.root(n);
    for (let m = 1; m < n; m++) {
      const root1 = ref.root(m);
      const proof = ref.consistencyProof(m, n);
      for (let i = 0; i < proof.length; i++) {
        for (const bit of [0, 100, 255]) {
          const bad = proof.slice();
          bad[i] = flipped(proof[i] as Uint8Array, bit);
          const got = outcome(() => verifyConsistency(m, n, root1, root2, bad));
          if (got !== 'ERR_PROOF_INVALID') failures.push(`${m}->${n} hash ${i} bit ${bit}: ${got}`);
        }
      }
      const cases: Array<[string, Uint8Array, Uint8Array]> = [
        ['root1', flipped(root1, 9), root2],
        ['root2', root1, flipped(root2, 9)],
        ['swapped', root2, root1],
        ['junk root1', junk, root2],
      ];
      for (const [name, r1, r2] of cases) {
        const got = outcome(() => verifyConsistency(m, n, r1, r2, proof));
        if (got !== 'ERR_PROOF_INVALID') failures.push(`${m}->${n} ${name}: ${got}`);
      }
    }
  }
  t.same(failures, []);
});

t.test('a consistency proof one hash too long or too short is ERR_PROOF_ARGUMENTS', async (t) => {
  const failures: string[] = [];
  for (let n = 2; n <= MAX; n++) {
    const root2 = ref.root(n);
    for (let m = 1; m < n; m++) {
      const root1 = ref.root(m);
      const proof = ref.consistencyProof(m, n);
      const variants = [[...proof, junk], [junk, ...proof], [root1, ...proof], [...proof, root2], proof.slice(1), proof.slice(0, -1), []];
      for (const bad of variants) {
        const got = outcome(() => verifyConsistency(m, n, root1, root2, bad));
        if (got !== 'ERR_PROOF_ARGUMENTS') failures.push(`${m}->${n} length ${bad.length}: ${got}`);
      }
    }
  }
  t.same(failures, []);
});

t.test('a consistency proof checked at wrong (size, root) pairs fails with the code its length dictates', async (t) => {
  const failures: string[] = [];
  for (let n = 2; n <= MAX; n++) {
    const root2 = ref.root(n);
    for (let m = 1; m < n; m++) {
      const root1 = ref.root(m);
      const proof = ref.consistencyProof(m, n);
      const cases: Array<[number, number]> = [
        [m + 1, n], [m - 1, n], [m ^ 2, n], [m, n + 1], [m, n - 1], [m, 2 * n], [m, n >> 1], [n, m],
      ];
      for (const [s1, s2] of cases) {
        if (s1 === m && s2 === n) continue;
        let want = 'ERR_PROOF_ARGUMENTS';
        if (s1 > 0 && s1 <= s2 && consistencyProofLength(s1, s2) === proof.length) want = 'ERR_PROOF_INVALID';
        const r1 = s1 >= 1 ? ref.root(s1) : root1;
        const r2 = s2 >= 1 ? ref.root(s2) : root2;
        const got = outcome(() => verifyConsistency(s1, s2, r1, r2, proof));
        if (got !== want) failures.push(`${m}->${n} checked as ${s1}->${s2}: ${got}, want ${want}`);
      }
    }
  }
  t.same(failures, []);
});

t.test('consistency from size 0 or to a smaller size is ERR_PROOF_ARGUMENTS', async (t) => {
  const r = ref.root(3);
  t.equal(outcome(() => verifyConsistency(0, 3, r, r, [])), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => verifyConsistency(0, 0, r, r, [])), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => rootFromConsistencyProof(0, 0, r, [])), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => verifyConsistency(4, 3, ref.root(4), r, ref.consistencyProof(3, 4))), 'ERR_PROOF_ARGUMENTS');
});

t.test('equal sizes need an empty proof and equal roots', async (t) => {
  const r = ref.root(5);
  t.equal(outcome(() => verifyConsistency(5, 5, r, r, [])), 'OK');
  const copy = rootFromConsistencyProof(5, 5, r, []);
  t.equal(toHex(copy), toHex(r));
  copy.fill(0);
  t.not(toHex(copy), toHex(ref.root(5)));
  t.equal(outcome(() => verifyConsistency(5, 5, r, r, [r])), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => verifyConsistency(5, 5, r, ref.root(4), [])), 'ERR_PROOF_INVALID');
});

t.test('consistency arguments that make no proof are ERR_PROOF_ARGUMENTS', async (t) => {
  const r1 = ref.root(3);
  const r2 = ref.root(7);
  const proof = ref.consistencyProof(3, 7);
  t.equal(outcome(() => verifyConsistency(3, 7, r1, r2, proof)), 'OK');
  const bad: Array<() => unknown> = [
    () => verifyConsistency(-3, 7, r1, r2, proof),
    () => verifyConsistency(3, 7.5, r1, r2, proof),
    () => verifyConsistency(3, Infinity, r1, r2, proof),
    () => verifyConsistency(3, 7, r1.subarray(1), r2, proof),
    () => verifyConsistency(3, 7, r1, new Uint8Array(0), proof),
    () => verifyConsistency(3, 7, r1, r2, [...proof.slice(0, -1), new Uint8Array(31)]),
    () => verifyConsistency(3, 7, r1, r2, null as unknown as Uint8Array[]),
  ];
  t.equal(proof.length, 4);
  for (const fn of bad) t.equal(outcome(fn), 'ERR_PROOF_ARGUMENTS');
});
