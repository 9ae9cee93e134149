import t from 'tap';
import { bytesEqual, parseHex, toHex } from '../../src/encoding.js';
import { isSigstackError } from '../../src/errors.js';
import { CompactRange, compactRangeNodes, type CompletedNode } from '../../src/merkle/compact.js';
import { hashLeaf } from '../../src/merkle/hash.js';
import { BASE, bigLeafHash, bigNodeHash, bigRoot } from './big-tree.js';
import { EMPTY_ROOT_HEX, RFC6962_LEAVES_HEX, RFC6962_ROOTS_HEX } from './fixtures.js';
import { ReferenceTree, makeLeafHashes } from './reference-tree.js';

const MAX = 600;
const ref = new ReferenceTree(makeLeafHashes(MAX));

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'OK';
  } catch (err) {
    return isSigstackError(err) ? err.code : `untyped ${String(err)}`;
  }
}

t.test('the empty range has size 0 and the SHA-256 empty root', async (t) => {
  const range = CompactRange.empty();
  t.equal(range.size, 0);
  t.same(range.hashes(), []);
  t.equal(toHex(range.root()), EMPTY_ROOT_HEX);
  range.root().fill(0);
  t.equal(toHex(range.root()), EMPTY_ROOT_HEX);
});

t.test('appending the RFC 6962 leaves gives the published roots', async (t) => {
  const range = CompactRange.empty();
  RFC6962_LEAVES_HEX.forEach((hex, i) => {
    range.append(hashLeaf(parseHex(hex)));
    t.equal(toHex(range.root()), RFC6962_ROOTS_HEX[i], `size ${i + 1}`);
  });
});

t.test('the root agrees with the naive MTH for every size 1..600', async (t) => {
  const range = CompactRange.empty();
  const failures: number[] = [];
  for (let n = 1; n <= MAX; n++) {
    range.append(ref.leafHashes[n - 1] as Uint8Array);
    if (range.size !== n || !bytesEqual(range.root(), ref.root(n))) failures.push(n);
  }
  t.same(failures, []);
});

t.test('the border hashes are the hashes of compactRangeNodes, and fromHashes round-trips', async (t) => {
  const range = CompactRange.empty();
  const failures: number[] = [];
  for (let n = 1; n <= 300; n++) {
    range.append(ref.leafHashes[n - 1] as Uint8Array);
    const ids = compactRangeNodes(n);
    const hashes = range.hashes();
    if (ids.length !== hashes.length || !ids.every((id, i) => bytesEqual(ref.nodeHash(id.level, id.index), hashes[i] as Uint8Array))) failures.push(n);
    const restored = CompactRange.fromHashes(n, ids.map((id) => ref.nodeHash(id.level, id.index)));
    if (restored.size !== n || !bytesEqual(restored.root(), ref.root(n))) failures.push(-n);
  }
  t.same(failures, []);
  t.same(compactRangeNodes(0), []);
  t.same(compactRangeNodes(13), [{ level: 3, index: 0 }, { level: 2, index: 2 }, { level: 0, index: 12 }]);
});

t.test('append reports every completed node, leaf first, with the naive hashes', async (t) => {
  const range = CompactRange.empty();
  const seen: CompletedNode[] = [];
  for (let n = 0; n < 256; n++) range.append(ref.leafHashes[n] as Uint8Array, (node) => seen.push(node));
  // A tree of 256 leaves has 511 perfect nodes, each completed exactly once.
  t.equal(seen.length, 511);
  const wrong = seen.filter((node) => !bytesEqual(node.hash, ref.nodeHash(node.level, node.index)));
  t.same(wrong, []);
  t.same(seen.slice(0, 4).map((n) => [n.level, n.index]), [[0, 0], [0, 1], [1, 0], [0, 2]]);
  // The visitor's hashes are copies: scribbling on them does not change the range.
  range.append(ref.leafHashes[256] as Uint8Array, (node) => node.hash.fill(0));
  t.ok(bytesEqual(range.root(), ref.root(257)));
});

t.test('a throwing visitor leaves the range unchanged', async (t) => {
  const range = CompactRange.empty();
  for (let n = 0; n < 7; n++) range.append(ref.leafHashes[n] as Uint8Array);
  const before = range.hashes();
  t.throws(() =>
    range.append(ref.leafHashes[7] as Uint8Array, (node) => {
      if (node.level === 2) throw new Error('storage down');
    }),
  );
  t.equal(range.size, 7);
  t.same(range.hashes(), before);
  range.append(ref.leafHashes[7] as Uint8Array);
  t.ok(bytesEqual(range.root(), ref.root(8)));
});

t.test('hashes(), root() and clone() hand out copies', async (t) => {
  const range = CompactRange.empty();
  const leaf = (ref.leafHashes[0] as Uint8Array).slice();
  range.append(leaf);
  leaf.fill(0);
  range.hashes()[0]?.fill(0);
  range.root().fill(0);
  t.ok(bytesEqual(range.root(), ref.root(1)));
  const copy = range.clone();
  copy.append(ref.leafHashes[1] as Uint8Array);
  t.equal(range.size, 1);
  t.equal(copy.size, 2);
  t.ok(bytesEqual(copy.root(), ref.root(2)));
  const stored = [ref.root(2)].map((h) => h.slice());
  const restored = CompactRange.fromHashes(2, stored);
  stored[0]?.fill(0);
  t.ok(bytesEqual(restored.root(), ref.root(2)));
});

t.test('fromHashes and append reject malformed input', async (t) => {
  const h = new Uint8Array(32);
  t.equal(outcome(() => CompactRange.fromHashes(3, [h])), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => CompactRange.fromHashes(3, [h, h, h])), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => CompactRange.fromHashes(3, [h, new Uint8Array(31)])), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => CompactRange.fromHashes(-1, [])), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => CompactRange.fromHashes(2 ** 53, [h])), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => CompactRange.fromHashes(1, 'x' as unknown as Uint8Array[])), 'ERR_PROOF_ARGUMENTS');
  t.equal(outcome(() => compactRangeNodes(1.5)), 'ERR_PROOF_ARGUMENTS');
  const range = CompactRange.empty();
  t.equal(outcome(() => range.append(new Uint8Array(33))), 'ERR_PROOF_ARGUMENTS');
  t.equal(range.size, 0);
});

t.test('ranges above 2^52 leaves append and hash correctly, and stop at 2^53 - 1', async (t) => {
  const range = CompactRange.fromHashes(BASE, compactRangeNodes(BASE).map((id) => bigNodeHash(id.level, id.index)));
  t.ok(bytesEqual(range.root(), bigRoot(BASE)));
  const seen: CompletedNode[] = [];
  for (let i = 0; i < 40; i++) {
    range.append(bigLeafHash(BASE + i), (node) => seen.push(node));
    t.ok(bytesEqual(range.root(), bigRoot(BASE + i + 1)), `size BASE + ${i + 1}`);
  }
  t.same(seen.filter((node) => !bytesEqual(node.hash, bigNodeHash(node.level, node.index))), []);
  t.equal(seen[0]?.index, BASE);

  const full = CompactRange.fromHashes(Number.MAX_SAFE_INTEGER, compactRangeNodes(Number.MAX_SAFE_INTEGER).map(() => new Uint8Array(32)));
  t.equal(full.hashes().length, 53);
  t.equal(outcome(() => full.append(new Uint8Array(32))), 'ERR_PROOF_ARGUMENTS');
  const almost = CompactRange.fromHashes(2 ** 53 - 2, compactRangeNodes(2 ** 53 - 2).map(() => new Uint8Array(32)));
  almost.append(new Uint8Array(32));
  t.equal(almost.size, Number.MAX_SAFE_INTEGER);
});
