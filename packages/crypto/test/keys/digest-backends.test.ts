import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import t from 'tap';
import { NATIVE_DIGEST_VERIFIER } from '../../src/keys/ec.js';
import { parsePublicKey } from '../../src/keys/public-key.js';
import { verifyEcdsaDigest } from '../../src/keys/signature.js';

// The OpenSSL addon is built by `npm run build` on every machine that builds better-sqlite3; the
// @noble/curves fallback must agree with it on every input.

t.test('the OpenSSL addon is built and loaded', async (t) => {
  t.ok(NATIVE_DIGEST_VERIFIER, 'packages/crypto/native/build/Release/ecdsa_digest.node loads');
});

t.test('the addon and the fallback agree on good and bad signatures on every curve', async (t) => {
  for (const [curve, hash, size] of [['P-256', 'sha256', 32], ['P-384', 'sha384', 48], ['P-521', 'sha512', 66]] as const) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
    const info = parsePublicKey(publicKey.export({ type: 'spki', format: 'der' }));
    for (let i = 0; i < 5; i++) {
      const message = Buffer.from(`${curve} message ${i}`);
      const raw = new Uint8Array(sign(hash, message, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
      const digest = new Uint8Array(createHash(hash).update(message).digest());
      const other = new Uint8Array(createHash(hash).update(`${message}!`).digest());
      for (const [what, d, s, want] of [['good', digest, raw, true], ['other digest', other, raw, false], ['zero r', digest, new Uint8Array(2 * size), false]] as const) {
        t.equal(verifyEcdsaDigest(info, d, s, NATIVE_DIGEST_VERIFIER), want, `${curve} #${i} ${what}: openssl`);
        t.equal(verifyEcdsaDigest(info, d, s, null), want, `${curve} #${i} ${what}: noble`);
      }
    }
  }
});
