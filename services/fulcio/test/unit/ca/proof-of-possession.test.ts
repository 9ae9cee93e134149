import t from 'tap';
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { ecdsaDerToRaw, pemEncode } from '@sigstack/crypto/keys';
import { toHex } from '@sigstack/crypto/encoding';
import { verifyProofOfPossession } from '../../../src/ca/proof-of-possession.js';
import { newKey } from './helpers.js';
import { nestedSequences, syntheticRsaSpki } from './hostile.js';

const EMAIL = 'alice@example.com';
const SUB = 'CgVhbGljZRIEdGVzdA';

function prove(privateKey: KeyObject, value: string, hash?: string): Uint8Array {
  const type = privateKey.asymmetricKeyType;
  if (type === 'ed25519') return new Uint8Array(sign(null, Buffer.from(value), privateKey));
  const curveHash = { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' }[String(privateKey.asymmetricKeyDetails?.namedCurve)];
  return new Uint8Array(sign(hash ?? curveHash ?? 'sha256', Buffer.from(value), privateKey));
}

function pemOf(key: KeyObject): string {
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }) as string;
}

t.test('a proof over the challenge verifies for every allowed key type', async (t) => {
  for (const type of ['P-256', 'P-384', 'P-521', 'ed25519', 'rsa2048', 'rsa3072', 'rsa4096'] as const) {
    const { privateKey, info } = newKey(type);
    const key = verifyProofOfPossession(pemOf(privateKey), prove(privateKey, EMAIL), [EMAIL]);
    t.equal(toHex(key.spki), toHex(info.spki), type);
  }
});

t.test('the key may come as PEM text, PEM bytes, DER bytes or a PKCS#1 RSA PEM', async (t) => {
  const { privateKey, info } = newKey('rsa2048');
  const proof = prove(privateKey, SUB);
  const der = new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
  const pkcs1 = pemEncode('RSA PUBLIC KEY', new Uint8Array(createPublicKey(privateKey).export({ type: 'pkcs1', format: 'der' })));
  for (const input of [pemOf(privateKey), Buffer.from(pemOf(privateKey)), der, pkcs1]) {
    t.equal(toHex(verifyProofOfPossession(input, proof, [SUB]).spki), toHex(info.spki));
  }
});

t.test('ECDSA proofs may be DER or raw r ‖ s, with the curve hash', async (t) => {
  const { privateKey } = newKey('P-384');
  const der = prove(privateKey, SUB);
  t.ok(verifyProofOfPossession(pemOf(privateKey), der, [SUB]));
  t.ok(verifyProofOfPossession(pemOf(privateKey), ecdsaDerToRaw(der, 'P-384'), [SUB]));
  // SHA-256 on P-384 was upstream's behaviour before v1.7.0; today the curve's hash is required.
  t.throws(() => verifyProofOfPossession(pemOf(privateKey), prove(privateKey, SUB, 'sha256'), [SUB]), { code: 'ERR_SIGNATURE_INVALID' });
});

t.test('a proof over the other claim is accepted when the caller offers both (email vs sub)', async (t) => {
  const { privateKey } = newKey('P-256');
  t.ok(verifyProofOfPossession(pemOf(privateKey), prove(privateKey, EMAIL), [SUB, EMAIL]));
  t.throws(() => verifyProofOfPossession(pemOf(privateKey), prove(privateKey, EMAIL), [SUB]), { code: 'ERR_SIGNATURE_INVALID' });
});

t.test('B.13: a proof over the wrong value is refused', async (t) => {
  const { privateKey } = newKey('P-256');
  for (const signed of [SUB, `${EMAIL} `, `${EMAIL}\n`, ` ${EMAIL}`, 'Alice@example.com', '']) {
    const proof = signed === '' ? prove(privateKey, 'x') : prove(privateKey, signed);
    t.throws(() => verifyProofOfPossession(pemOf(privateKey), proof, [EMAIL]), { code: 'ERR_SIGNATURE_INVALID' }, JSON.stringify(signed));
  }
});

t.test('B.14: a proof made by another key is refused', async (t) => {
  const a = newKey('P-256');
  const b = newKey('P-256');
  const c = newKey('ed25519');
  t.throws(() => verifyProofOfPossession(pemOf(a.privateKey), prove(b.privateKey, EMAIL), [EMAIL]), { code: 'ERR_SIGNATURE_INVALID' });
  t.throws(() => verifyProofOfPossession(pemOf(a.privateKey), prove(c.privateKey, EMAIL), [EMAIL]), { code: 'ERR_SIGNATURE_INVALID' });
  const flipped = prove(a.privateKey, EMAIL);
  flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
  t.throws(() => verifyProofOfPossession(pemOf(a.privateKey), flipped, [EMAIL]), { code: 'ERR_SIGNATURE_INVALID' });
});

t.test('B.15: keys outside the allowed set are refused as unsupported', async (t) => {
  const generated: Record<string, KeyObject> = {
    'P-224': generateKeyPairSync('ec', { namedCurve: 'secp224r1' }).privateKey,
    secp256k1: generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey,
    brainpoolP256r1: generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' }).privateKey,
    'RSA-1024': generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey,
    X25519: generateKeyPairSync('x25519').privateKey,
    Ed448: generateKeyPairSync('ed448').privateKey,
  };
  for (const [name, privateKey] of Object.entries(generated)) {
    const proof = name === 'X25519' ? new Uint8Array(64) : name === 'Ed448' ? new Uint8Array(sign(null, Buffer.from(EMAIL), privateKey)) : prove(privateKey, EMAIL, 'sha256');
    t.throws(() => verifyProofOfPossession(pemOf(privateKey), proof, [EMAIL]), { code: 'ERR_KEY_UNSUPPORTED' }, name);
  }
  for (const bits of [2049, 8192, 1024, 2047, 4097]) {
    t.throws(() => verifyProofOfPossession(syntheticRsaSpki(bits), new Uint8Array(256), [EMAIL]), { code: 'ERR_KEY_UNSUPPORTED' }, `RSA-${bits}`);
  }
});

t.test('B.16: off-curve points, the point at infinity and degenerate RSA exponents are refused', async (t) => {
  const { info } = newKey('P-256');
  const offCurve = Uint8Array.from(info.spki);
  offCurve[offCurve.length - 1] = (offCurve[offCurve.length - 1] as number) ^ 1;
  t.throws(() => verifyProofOfPossession(offCurve, new Uint8Array(64), [EMAIL]), { code: 'ERR_KEY_MALFORMED', message: /not on P-256/ }, 'off-curve point');
  // SEQUENCE { the same AlgorithmIdentifier, BIT STRING 00 00 }: the SEC 1 encoding of infinity.
  const atInfinity = Uint8Array.from([0x30, 0x19, ...info.spki.subarray(2, 23), 0x03, 0x02, 0x00, 0x00]);
  t.throws(() => verifyProofOfPossession(atInfinity, new Uint8Array(64), [EMAIL]), { code: 'ERR_KEY_MALFORMED', message: /infinity/ }, 'point at infinity');
  t.throws(() => verifyProofOfPossession(syntheticRsaSpki(2048, 1n), new Uint8Array(256), [EMAIL]), { code: 'ERR_KEY_UNSUPPORTED' }, 'e = 1');
  t.throws(() => verifyProofOfPossession(syntheticRsaSpki(2048, 65536n), new Uint8Array(256), [EMAIL]), { code: 'ERR_KEY_UNSUPPORTED' }, 'even e');
});

t.test('B.17: malformed PEM and DER are refused without a crash', async (t) => {
  const { privateKey, info } = newKey('P-256');
  const pem = pemOf(privateKey);
  const proof = prove(privateKey, EMAIL);
  const cases: Record<string, string | Uint8Array> = {
    'empty content': '',
    'wrong label': pem.replaceAll('PUBLIC KEY', 'CERTIFICATE'),
    'two blocks': pem + pem,
    'trailing garbage': `${pem}garbage\n`,
    'text before the block': `hello\n${pem}`,
    'bad base64': pem.replace(/\n[A-Za-z0-9+/]/, '\n!'),
    'truncated der': info.spki.subarray(0, info.spki.length - 1),
    'trailing der byte': Uint8Array.from([...info.spki, 0]),
    'non-minimal length': Uint8Array.from([0x30, 0x81, 0x59, ...info.spki.subarray(2)]),
    'indefinite length': Uint8Array.from([0x30, 0x80, ...info.spki.subarray(2), 0, 0]),
    '~55 KB of nested SEQUENCEs (der)': nestedSequences(55_000),
    '~40 KB of nested SEQUENCEs (pem)': pemEncode('PUBLIC KEY', nestedSequences(40_000)),
    'a megabyte': 'A'.repeat(1 << 20),
  };
  for (const [name, input] of Object.entries(cases)) {
    t.throws(() => verifyProofOfPossession(input, proof, [EMAIL]), { code: 'ERR_KEY_MALFORMED' }, name);
  }
});

t.test('empty, oversized and challenge-less proofs are refused', async (t) => {
  const { privateKey } = newKey('P-256');
  const pem = pemOf(privateKey);
  t.throws(() => verifyProofOfPossession(pem, new Uint8Array(0), [EMAIL]), { code: 'ERR_SIGNATURE_INVALID' });
  t.throws(() => verifyProofOfPossession(pem, new Uint8Array(1025), [EMAIL]), { code: 'ERR_SIGNATURE_INVALID' });
  t.throws(() => verifyProofOfPossession(pem, 'sig' as unknown as Uint8Array, [EMAIL]), { code: 'ERR_SIGNATURE_INVALID' });
  t.throws(() => verifyProofOfPossession(pem, prove(privateKey, EMAIL), []), { code: 'ERR_SIGNATURE_INVALID' });
  t.throws(() => verifyProofOfPossession(pem, prove(privateKey, EMAIL), ['']), { code: 'ERR_SIGNATURE_INVALID' });
});
