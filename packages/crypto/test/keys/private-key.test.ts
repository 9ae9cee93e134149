import t from 'tap';
import { derEncode, derInteger, TAG_SEQUENCE } from '../../src/keys/der.js';
import { pemDecode, pemEncode } from '../../src/keys/pem.js';
import { parsePrivateKey } from '../../src/keys/private-key.js';
import { MAX_KEY_INPUT, parsePublicKey } from '../../src/keys/public-key.js';
import * as K from '../fixtures/keys.js';
import * as U from '../fixtures/keys-unsupported.js';

const MALFORMED = { code: 'ERR_KEY_MALFORMED' };
const PASSWORD = { code: 'ERR_KEY_PASSWORD' };
const der = (pem: string) => (pemDecode(pem)[0] as { der: Uint8Array }).der;

t.test('PKCS#8 private keys parse with their public key', async (t) => {
  const pairs: [string, string][] = [
    [K.P256_CA_PRIVATE, K.P256_CA_PUBLIC],
    [K.P384_PRIVATE, K.P384_PUBLIC],
    [K.P521_PRIVATE, K.P521_PUBLIC],
    [K.RSA2048_PRIVATE, K.RSA2048_PUBLIC],
    [K.RSA3072_PRIVATE, K.RSA3072_PUBLIC],
    [K.RSA4096_PRIVATE, K.RSA4096_PUBLIC],
    [K.ED25519_PRIVATE, K.ED25519_PUBLIC],
  ];
  for (const [priv, pub] of pairs) {
    const info = parsePrivateKey(priv);
    t.equal(info.key.type, 'private');
    t.same([...info.publicKey.spki], [...parsePublicKey(pub).spki], info.publicKey.type);
    t.ok(Object.isFrozen(info));
  }
});

t.test('traditional SEC 1 and PKCS#1 private keys parse', async (t) => {
  t.same([...parsePrivateKey(K.P256_LEAF_SEC1).publicKey.spki], [...parsePublicKey(K.P256_LEAF_PUBLIC).spki]);
  t.same([...parsePrivateKey(K.RSA2048_PKCS1_PRIVATE).publicKey.spki], [...parsePublicKey(K.RSA2048_PUBLIC).spki]);
});

t.test('encrypted PKCS#8 needs the right password', async (t) => {
  const want = [...parsePublicKey(K.P256_LEAF_PUBLIC).spki];
  t.same([...parsePrivateKey(K.P256_LEAF_ENCRYPTED, K.P256_LEAF_PASSWORD).publicKey.spki], want);
  t.same([...parsePrivateKey(K.P256_LEAF_ENCRYPTED, new TextEncoder().encode(K.P256_LEAF_PASSWORD)).publicKey.spki], want, 'password bytes');
  t.throws(() => parsePrivateKey(K.P256_LEAF_ENCRYPTED), PASSWORD, 'missing');
  t.throws(() => parsePrivateKey(K.P256_LEAF_ENCRYPTED, 'wrong horse'), PASSWORD, 'wrong');
  t.throws(() => parsePrivateKey(K.P256_LEAF_ENCRYPTED, ''), PASSWORD, 'empty');
  const corrupt = Uint8Array.from(der(K.P256_LEAF_ENCRYPTED));
  corrupt[corrupt.length - 20] = (corrupt[corrupt.length - 20] as number) ^ 0xff;
  t.throws(() => parsePrivateKey(pemEncode('ENCRYPTED PRIVATE KEY', corrupt), K.P256_LEAF_PASSWORD), PASSWORD, 'corrupt ciphertext');
});

t.test('a password for a plain key is ignored', async (t) => {
  t.equal(parsePrivateKey(K.P384_PRIVATE, 'unused').publicKey.curve, 'P-384');
});

t.test('private keys outside the allowed set are unsupported', async (t) => {
  t.throws(() => parsePrivateKey(U.P224_PRIVATE), { code: 'ERR_KEY_UNSUPPORTED' });
});

t.test('malformed private keys are refused', async (t) => {
  const plain = der(K.P256_CA_PRIVATE);
  const cases: Record<string, string> = {
    garbage: 'not a key',
    'public key label': K.P256_CA_PUBLIC,
    'two blocks': K.P256_CA_PRIVATE + K.P384_PRIVATE,
    'unknown label': pemEncode('OPENSSH PRIVATE KEY', plain),
    'plain key labelled encrypted': pemEncode('ENCRYPTED PRIVATE KEY', plain),
    'encrypted key labelled plain': pemEncode('PRIVATE KEY', der(K.P256_LEAF_ENCRYPTED)),
    'ber length': pemEncode('PRIVATE KEY', Uint8Array.of(0x30, 0x81, plain[1] as number, ...plain.subarray(2))),
    'empty sequence': pemEncode('PRIVATE KEY', Uint8Array.of(0x30, 0)),
    'not a sequence': pemEncode('PRIVATE KEY', Uint8Array.of(0x05, 0)),
    'only a version': pemEncode('PRIVATE KEY', derEncode(TAG_SEQUENCE, derInteger(0n))),
    'refused by openssl': pemEncode('PRIVATE KEY', derEncode(TAG_SEQUENCE, derInteger(0n), derEncode(TAG_SEQUENCE))),
    'sec1 labelled pkcs#8': pemEncode('PRIVATE KEY', der(K.P256_LEAF_SEC1)),
    'pkcs#1 labelled sec1': pemEncode('EC PRIVATE KEY', der(K.RSA2048_PKCS1_PRIVATE)),
    'pkcs#8 labelled sec1': pemEncode('EC PRIVATE KEY', plain),
    'too long': ' '.repeat(MAX_KEY_INPUT + 1),
  };
  for (const [name, pem] of Object.entries(cases)) t.throws(() => parsePrivateKey(pem), MALFORMED, name);
  t.throws(() => parsePrivateKey(plain as unknown as string), MALFORMED, 'bytes instead of text');
});
