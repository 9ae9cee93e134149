import { createHash, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import t from 'tap';
import { ecdsaDerToRaw } from '../../src/keys/ecdsa-signature.js';
import type { HashName } from '../../src/keys/hash.js';
import { parsePrivateKey } from '../../src/keys/private-key.js';
import { parsePublicKey } from '../../src/keys/public-key.js';
import { sign, signDigest, verifySignature } from '../../src/keys/signature.js';
import * as K from '../fixtures/keys.js';
import * as U from '../fixtures/keys-unsupported.js';

const UNSUPPORTED = { code: 'ERR_KEY_UNSUPPORTED' };
const INVALID = { code: 'ERR_ENCODING_INVALID' };
const message = new TextEncoder().encode('the quick brown fox');
const sha = (hash: string, data: Uint8Array) => new Uint8Array(createHash(hash).update(data).digest());
const flip = (bytes: Uint8Array, at = bytes.length - 1) => {
  const copy = Uint8Array.from(bytes);
  copy[at] = (copy[at] as number) ^ 1;
  return copy;
};

const ALL = [K.P256_CA_PRIVATE, K.P384_PRIVATE, K.P521_PRIVATE, K.RSA2048_PRIVATE, K.RSA3072_PRIVATE, K.RSA4096_PRIVATE, K.ED25519_PRIVATE];

t.test('sign and verifySignature agree for every allowed key type', async (t) => {
  for (const pem of ALL) {
    const { key, publicKey } = parsePrivateKey(pem);
    const signature = sign(key, message);
    const name = `${publicKey.type} ${publicKey.curve ?? publicKey.bits ?? ''}`;
    t.ok(verifySignature(publicKey, message, signature), name);
    t.notOk(verifySignature(publicKey, flip(message), signature), `${name} other message`);
    t.notOk(verifySignature(publicKey, message, flip(signature)), `${name} flipped signature`);
    t.notOk(verifySignature(publicKey, message, new Uint8Array()), `${name} empty signature`);
  }
});

t.test('a signature does not verify under another key of the same kind', async (t) => {
  const { key } = parsePrivateKey(K.P256_CA_PRIVATE);
  t.notOk(verifySignature(parsePublicKey(K.P256_LEAF_PUBLIC), message, sign(key, message)), 'P-256 CA signature under the leaf key');
  const rsa = parsePrivateKey(K.RSA2048_PRIVATE);
  const other = parsePrivateKey(K.RSA2048_PKCS1_PRIVATE);
  t.ok(verifySignature(other.publicKey, message, sign(rsa.key, message)), 'the PKCS#1 copy is the same key');
  t.notOk(verifySignature(parsePublicKey(K.RSA3072_PUBLIC), message, sign(rsa.key, message)), 'RSA-2048 signature under an RSA-3072 key');
});

t.test('signatures interoperate with node:crypto defaults', async (t) => {
  for (const pem of ALL) {
    const { key, publicKey } = parsePrivateKey(pem);
    const hash = publicKey.type === 'ed25519' ? null : publicKey.hash;
    t.ok(nodeVerify(hash, message, publicKey.key, sign(key, message)), `node verifies ours (${publicKey.type})`);
    t.ok(verifySignature(publicKey, message, nodeSign(hash, message, key)), `we verify node's (${publicKey.type})`);
  }
});

t.test('ecdsa signatures are accepted as DER or raw r‖s', async (t) => {
  for (const pem of [K.P256_CA_PRIVATE, K.P384_PRIVATE, K.P521_PRIVATE]) {
    const { key, publicKey } = parsePrivateKey(pem);
    const der = sign(key, message);
    const raw = ecdsaDerToRaw(der, publicKey.curve ?? 'P-256');
    t.ok(verifySignature(publicKey, message, raw), `${publicKey.curve} raw`);
    t.ok(verifySignature(publicKey, message, der), `${publicKey.curve} der`);
    t.ok(verifySignature(publicKey, sha(publicKey.hash, message), raw, { prehashed: true }), `${publicKey.curve} raw over digest`);
    t.notOk(verifySignature(publicKey, message, flip(raw)), `${publicKey.curve} flipped raw`);
    t.notOk(verifySignature(publicKey, message, Uint8Array.of(...der, 0)), `${publicKey.curve} der with a trailing byte`);
    const ber = Uint8Array.of(0x30, 0x81, der[1] as number, ...der.subarray(2));
    t.notOk(verifySignature(publicKey, message, der[1] as number < 0x80 ? ber : flip(der, 0)), `${publicKey.curve} ber length`);
  }
});

t.test('prehashed verification checks node signatures over the digest', async (t) => {
  for (const pem of [K.P256_CA_PRIVATE, K.P384_PRIVATE, K.P521_PRIVATE, K.RSA2048_PRIVATE, K.RSA4096_PRIVATE]) {
    const { key, publicKey } = parsePrivateKey(pem);
    for (let i = 0; i < 4; i++) {
      const data = new TextEncoder().encode(`artifact ${i}`);
      const signature = nodeSign(publicKey.hash, data, key);
      const digest = sha(publicKey.hash, data);
      const name = `${publicKey.type} ${publicKey.curve ?? publicKey.bits} #${i}`;
      t.ok(verifySignature(publicKey, digest, signature, { prehashed: true }), name);
      t.notOk(verifySignature(publicKey, flip(digest), signature, { prehashed: true }), `${name} other digest`);
      t.notOk(verifySignature(publicKey, digest, flip(signature), { prehashed: true }), `${name} flipped signature`);
    }
  }
});

t.test('another hash than the key default can be chosen', async (t) => {
  for (const pem of [K.P256_CA_PRIVATE, K.P521_PRIVATE, K.RSA2048_PRIVATE]) {
    const { key, publicKey } = parsePrivateKey(pem);
    for (const hash of ['sha256', 'sha384', 'sha512'] as HashName[]) {
      const signature = sign(key, message, hash);
      const name = `${publicKey.type} ${publicKey.curve ?? publicKey.bits} ${hash}`;
      t.ok(verifySignature(publicKey, message, signature, { hash }), name);
      t.ok(verifySignature(publicKey, sha(hash, message), signature, { hash, prehashed: true }), `${name} prehashed`);
      if (hash !== publicKey.hash) t.notOk(verifySignature(publicKey, message, signature), `${name} is not valid with the default hash`);
    }
  }
});

t.test('rsa signatures must have the modulus length and valid padding', async (t) => {
  const { key, publicKey } = parsePrivateKey(K.RSA2048_PRIVATE);
  const signature = sign(key, message);
  t.notOk(verifySignature(publicKey, message, signature.subarray(1)), 'short');
  t.notOk(verifySignature(publicKey, message, Uint8Array.of(0, ...signature)), 'long');
  t.notOk(verifySignature(publicKey, message, new Uint8Array(256).fill(0xff)), 'not below the modulus');
  t.notOk(verifySignature(publicKey, message, new Uint8Array(256).fill(1)), 'bad padding');
  const sha384 = sign(key, message, 'sha384');
  t.notOk(verifySignature(publicKey, sha(publicKey.hash, message), sha384, { prehashed: true }), 'a sha384 DigestInfo is not a sha256 one');
});

t.test('prehashed digests must have the length of their hash', async (t) => {
  const p256 = parsePublicKey(K.P256_CA_PUBLIC);
  t.throws(() => verifySignature(p256, new Uint8Array(31), new Uint8Array(64), { prehashed: true }), INVALID);
  t.throws(() => verifySignature(p256, new Uint8Array(32), new Uint8Array(64), { prehashed: true, hash: 'sha384' }), INVALID);
  const rsa = parsePublicKey(K.RSA2048_PUBLIC);
  t.throws(() => verifySignature(rsa, new Uint8Array(64), new Uint8Array(256), { prehashed: true }), INVALID);
});

t.test('ed25519 is pure: no prehash and no other hash', async (t) => {
  const { key, publicKey } = parsePrivateKey(K.ED25519_PRIVATE);
  const signature = sign(key, message, 'sha512');
  t.ok(verifySignature(publicKey, message, signature, { hash: 'sha512' }));
  t.throws(() => verifySignature(publicKey, sha('sha512', message), signature, { prehashed: true }), UNSUPPORTED);
  t.throws(() => verifySignature(publicKey, message, signature, { hash: 'sha256' }), UNSUPPORTED);
  t.throws(() => sign(key, message, 'sha256'), UNSUPPORTED);
});

t.test('hashes outside sha256, sha384 and sha512 are refused', async (t) => {
  const { key, publicKey } = parsePrivateKey(K.RSA2048_PRIVATE);
  for (const hash of ['sha1', 'md5', 'SHA256', '']) {
    t.throws(() => verifySignature(publicKey, message, new Uint8Array(256), { hash: hash as HashName }), UNSUPPORTED, hash);
    t.throws(() => sign(key, message, hash as HashName), UNSUPPORTED, hash);
    t.throws(() => signDigest(key, new Uint8Array(20), hash as HashName), UNSUPPORTED, hash);
  }
});

t.test('signDigest makes rsa signatures over a precomputed digest', async (t) => {
  const { key, publicKey } = parsePrivateKey(K.RSA3072_PRIVATE);
  for (const hash of ['sha256', 'sha384', 'sha512'] as HashName[]) {
    const signature = signDigest(key, sha(hash, message), hash);
    t.ok(verifySignature(publicKey, message, signature, { hash }), hash);
    t.ok(nodeVerify(hash, message, publicKey.key, signature), `${hash} node agrees`);
  }
  t.throws(() => signDigest(key, new Uint8Array(31), 'sha256'), INVALID);
  t.throws(() => signDigest(parsePrivateKey(K.P256_CA_PRIVATE).key, new Uint8Array(32), 'sha256'), UNSUPPORTED);
  t.throws(() => signDigest(parsePrivateKey(K.ED25519_PRIVATE).key, new Uint8Array(64), 'sha512'), UNSUPPORTED);
});

t.test('sign refuses keys outside the allowed set', async (t) => {
  t.throws(() => sign(createPrivateKey(U.P224_PRIVATE), message), UNSUPPORTED, 'P-224');
  t.throws(() => sign(createPublicKey(U.X25519_PUBLIC), message), UNSUPPORTED, 'X25519');
});
