import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import t from 'tap';
import { CURVES, ecdsaVerifyDigest, isOnCurve, type EcCurve } from '../../src/keys/ec.js';

const NODE_NAMES: Record<EcCurve, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };
const HASH: Record<EcCurve, string> = { 'P-256': 'sha256', 'P-384': 'sha384', 'P-521': 'sha512' };

function keyPair(curve: EcCurve) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: NODE_NAMES[curve] });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return { privateKey, point: new Uint8Array(spki.subarray(spki.length - 2 * CURVES[curve].size - 1)) };
}

t.test('the curve table names each curve with its coordinate size and OID', async (t) => {
  t.same(Object.values(CURVES).map((c) => [c.name, c.bits, c.size, c.oid]), [
    ['P-256', 256, 32, '1.2.840.10045.3.1.7'],
    ['P-384', 384, 48, '1.3.132.0.34'],
    ['P-521', 521, 66, '1.3.132.0.35'],
  ]);
});

t.test('isOnCurve accepts real points and refuses off-curve ones, infinity and bad encodings', async (t) => {
  for (const curve of Object.keys(CURVES) as EcCurve[]) {
    const { point } = keyPair(curve);
    t.ok(isOnCurve(curve, point), curve);
    const off = Uint8Array.from(point);
    off[off.length - 1] = (off[off.length - 1] as number) ^ 1;
    t.notOk(isOnCurve(curve, off), `${curve} off the curve`);
  }
  t.notOk(isOnCurve('P-256', Uint8Array.of(0)), 'infinity');
  t.notOk(isOnCurve('P-256', new Uint8Array(65).fill(0, 1).fill(4, 0, 1)), '(0, 0)');
  t.notOk(isOnCurve('P-256', new Uint8Array(3)), 'garbage');
});

t.test('ecdsaVerifyDigest accepts node signatures over the digest on every curve and refuses changes', async (t) => {
  for (const curve of Object.keys(CURVES) as EcCurve[]) {
    const { privateKey, point } = keyPair(curve);
    for (let i = 0; i < 4; i++) {
      const message = new TextEncoder().encode(`message ${i}`);
      const raw = new Uint8Array(sign(HASH[curve], message, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
      const digest = new Uint8Array(createHash(HASH[curve]).update(message).digest());
      t.ok(ecdsaVerifyDigest(curve, point, digest, raw), `${curve} #${i}`);
      const tampered = Uint8Array.from(digest);
      tampered[0] = (tampered[0] as number) ^ 1;
      t.notOk(ecdsaVerifyDigest(curve, point, tampered, raw), `${curve} #${i} tampered digest`);
      const badSig = Uint8Array.from(raw);
      badSig[raw.length - 1] = (badSig[raw.length - 1] as number) ^ 1;
      t.notOk(ecdsaVerifyDigest(curve, point, digest, badSig), `${curve} #${i} tampered signature`);
    }
  }
});

t.test('a digest longer than the order is truncated to its leftmost bits', async (t) => {
  const { privateKey, point } = keyPair('P-256');
  const message = new TextEncoder().encode('long digest');
  const raw = new Uint8Array(sign('sha512', message, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
  t.ok(ecdsaVerifyDigest('P-256', point, new Uint8Array(createHash('sha512').update(message).digest()), raw));
});

t.test('zero, out-of-range and wrongly sized signatures are refused without throwing', async (t) => {
  const { point } = keyPair('P-256');
  const digest = new Uint8Array(32).fill(7);
  t.notOk(ecdsaVerifyDigest('P-256', point, digest, new Uint8Array(64)));
  t.notOk(ecdsaVerifyDigest('P-256', point, digest, new Uint8Array(64).fill(0xff)));
  t.notOk(ecdsaVerifyDigest('P-256', point, digest, new Uint8Array(63)));
  t.notOk(ecdsaVerifyDigest('P-256', Uint8Array.of(4, 1, 2), digest, new Uint8Array(64).fill(1)));
});
