import t from 'tap';
import { createHash } from 'node:crypto';
import { EMPTY_ROOT, HASH_SIZE, emptyRoot, hashChildren, hashLeaf } from '../../src/merkle/hash.js';
import { parseHex, toHex } from '../../src/encoding.js';
import { EMPTY_ROOT_HEX, RFC6962_LEAVES_HEX, RFC6962_ROOTS_HEX } from './fixtures.js';

function sha256(...parts: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

t.test('hashLeaf is SHA-256 over 0x00 and the data', async (t) => {
  t.equal(HASH_SIZE, 32);
  t.equal(toHex(hashLeaf(new Uint8Array(0))), RFC6962_ROOTS_HEX[0]);
  const data = new Uint8Array([1, 2, 3]);
  t.equal(toHex(hashLeaf(data)), sha256(new Uint8Array([0]), data));
  const big = new Uint8Array(70000).fill(7);
  t.equal(toHex(hashLeaf(big)), sha256(new Uint8Array([0]), big));
  // Both sides of the one-shot/streaming split, and a view into a larger buffer.
  for (const size of [4095, 4096, 4097]) {
    const d = new Uint8Array(size).map((_, i) => i % 251);
    t.equal(toHex(hashLeaf(d)), sha256(new Uint8Array([0]), d), `${size} bytes`);
  }
  const backing = new Uint8Array(300).map((_, i) => i);
  const view = backing.subarray(17, 217);
  t.equal(toHex(hashLeaf(view)), sha256(new Uint8Array([0]), view), 'a subarray view');
});

t.test('hashChildren is SHA-256 over 0x01, left and right', async (t) => {
  const l = hashLeaf(parseHex(RFC6962_LEAVES_HEX[0]));
  const r = hashLeaf(parseHex(RFC6962_LEAVES_HEX[1]));
  t.equal(toHex(hashChildren(l, r)), RFC6962_ROOTS_HEX[1]);
  t.equal(toHex(hashChildren(l, r)), sha256(new Uint8Array([1]), l, r));
  t.not(toHex(hashChildren(r, l)), toHex(hashChildren(l, r)));
});

t.test('hashChildren accepts subarray views at any offset', async (t) => {
  const backing = new Uint8Array(100).map((_, i) => i);
  const l = backing.subarray(3, 35);
  const r = backing.subarray(50, 82);
  t.equal(toHex(hashChildren(l, r)), sha256(new Uint8Array([1]), l, r));
});

t.test('hashChildren rejects inputs that are not 32 bytes', async (t) => {
  const ok = new Uint8Array(32);
  for (const bad of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(0), new Uint8Array(64)]) {
    t.throws(() => hashChildren(bad, ok), { code: 'ERR_PROOF_ARGUMENTS' });
    t.throws(() => hashChildren(ok, bad), { code: 'ERR_PROOF_ARGUMENTS' });
  }
});

t.test('hash results are fresh plain Uint8Arrays of their own', async (t) => {
  const a = hashLeaf(new Uint8Array([9]));
  const b = hashLeaf(new Uint8Array([9]));
  t.equal(a.constructor, Uint8Array);
  t.equal(a.byteLength, 32);
  t.not(a.buffer, b.buffer);
  a.fill(0);
  t.equal(toHex(b), sha256(new Uint8Array([0]), new Uint8Array([9])));
  const c = hashChildren(b, b);
  const d = hashChildren(b, b);
  t.equal(c.constructor, Uint8Array);
  c.fill(0);
  t.equal(toHex(d), sha256(new Uint8Array([1]), b, b));
});

t.test('the empty root is SHA-256 of nothing and cannot be corrupted through copies', async (t) => {
  t.equal(toHex(EMPTY_ROOT), EMPTY_ROOT_HEX);
  const copy = emptyRoot();
  t.equal(toHex(copy), EMPTY_ROOT_HEX);
  copy.fill(1);
  t.equal(toHex(emptyRoot()), EMPTY_ROOT_HEX);
  t.equal(toHex(EMPTY_ROOT), EMPTY_ROOT_HEX);
});
