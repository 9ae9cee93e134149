import { createHash, createPrivateKey, createPublicKey, createSecretKey } from 'node:crypto';
import t from 'tap';
import { bigIntToBytes, bytesToBigInt, derBitStringBytes, derDecode, derEncode, derInteger, derOid, derSequence, TAG_BIT_STRING, TAG_NULL, TAG_SEQUENCE } from '../../src/keys/der.js';
import { CURVES } from '../../src/keys/ec.js';
import { pemDecode, pemEncode } from '../../src/keys/pem.js';
import { keyId, logId, MAX_KEY_INPUT, parsePublicKey, publicKeyFromKeyObject, publicKeyToPem } from '../../src/keys/public-key.js';
import * as K from '../fixtures/keys.js';
import * as U from '../fixtures/keys-unsupported.js';

const MALFORMED = { code: 'ERR_KEY_MALFORMED' };
const UNSUPPORTED = { code: 'ERR_KEY_UNSUPPORTED' };
const der = (pem: string) => (pemDecode(pem)[0] as { der: Uint8Array }).der;
const spki = (algorithm: Uint8Array, key: Uint8Array) => derEncode(TAG_SEQUENCE, algorithm, derEncode(TAG_BIT_STRING, Uint8Array.of(0), key));
const algorithm = (oid: string, ...params: Uint8Array[]) => derEncode(TAG_SEQUENCE, derOid(oid), ...params);
const NULL = derEncode(TAG_NULL);
const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EC = '1.2.840.10045.2.1';
const OID_ED25519 = '1.3.101.112';

/** The EC point of a P-256 SPKI fixture, and a builder for SPKIs with another point. */
const leafPoint = derBitStringBytes(derSequence(derDecode(der(K.P256_LEAF_PUBLIC)), 2, 'spki')[1], 'point');
const p256 = (point: Uint8Array) => spki(algorithm(OID_EC, derOid(CURVES['P-256'].oid)), point);
/** PKCS#1 RSAPublicKey with RSA2048's modulus (or another) and exponent `e`. */
const rsaModulus = bytesToBigInt(derBitStringBytes(derSequence(derDecode(der(K.RSA2048_PUBLIC)), 2, 'spki')[1], 'k').subarray(9, 9 + 256));
const pkcs1 = (e: bigint, n = rsaModulus) => derEncode(TAG_SEQUENCE, derInteger(n), derInteger(e));

t.test('allowed keys parse with their type, curve, size and hash', async (t) => {
  const cases: [string, string, string | undefined, number | undefined, string][] = [
    [K.P256_CA_PUBLIC, 'ecdsa', 'P-256', undefined, 'sha256'],
    [K.P256_LEAF_PUBLIC, 'ecdsa', 'P-256', undefined, 'sha256'],
    [K.P384_PUBLIC, 'ecdsa', 'P-384', undefined, 'sha384'],
    [K.P521_PUBLIC, 'ecdsa', 'P-521', undefined, 'sha512'],
    [K.RSA2048_PUBLIC, 'rsa', undefined, 2048, 'sha256'],
    [K.RSA3072_PUBLIC, 'rsa', undefined, 3072, 'sha256'],
    [K.RSA4096_PUBLIC, 'rsa', undefined, 4096, 'sha256'],
    [K.ED25519_PUBLIC, 'ed25519', undefined, undefined, 'sha512'],
  ];
  for (const [pem, type, curve, bits, hash] of cases) {
    const info = parsePublicKey(pem);
    t.same([info.type, info.curve, info.bits, info.hash], [type, curve, bits, hash], `${type} ${curve ?? bits ?? ''}`);
    t.same([...info.spki], [...der(pem)]);
    t.equal(info.key.type, 'public');
    t.ok(Object.isFrozen(info));
  }
});

t.test('DER bytes and PEM bytes are accepted too', async (t) => {
  t.equal(parsePublicKey(der(K.P384_PUBLIC)).curve, 'P-384');
  t.equal(parsePublicKey(new Uint8Array(Buffer.from(K.P384_PUBLIC))).curve, 'P-384');
  const view = new Uint8Array(Buffer.from(`xx${K.ED25519_PUBLIC}`)).subarray(2);
  t.equal(parsePublicKey(view).type, 'ed25519', 'a subarray view is decoded from its own offset');
});

t.test('PKCS#1 RSA public keys parse to the same SPKI', async (t) => {
  const fromPem = parsePublicKey(K.RSA2048_PKCS1_PUBLIC);
  t.same([...fromPem.spki], [...der(K.RSA2048_PUBLIC)]);
  const fromDer = parsePublicKey(der(K.RSA2048_PKCS1_PUBLIC));
  t.same([...fromDer.spki], [...der(K.RSA2048_PUBLIC)]);
  t.equal(fromDer.bits, 2048);
});

t.test('PEM labels must match the structure', async (t) => {
  t.throws(() => parsePublicKey(pemEncode('PUBLIC KEY', der(K.RSA2048_PKCS1_PUBLIC))), MALFORMED);
  t.throws(() => parsePublicKey(pemEncode('RSA PUBLIC KEY', der(K.RSA2048_PUBLIC))), MALFORMED);
  t.throws(() => parsePublicKey(K.P256_CA_PRIVATE), MALFORMED, 'a private key is not a public key');
  t.throws(() => parsePublicKey(pemEncode('CERTIFICATE', der(K.P256_CA_PUBLIC))), MALFORMED);
});

t.test('keys outside the allowed set are unsupported', async (t) => {
  const cases = {
    'rsa 1024': U.RSA1024_PUBLIC,
    'rsa 8192': U.RSA8192_PUBLIC,
    'P-224': U.P224_PUBLIC,
    secp256k1: U.SECP256K1_PUBLIC,
    brainpoolP256r1: U.BRAINPOOL_P256_PUBLIC,
    X25519: U.X25519_PUBLIC,
    Ed448: U.ED448_PUBLIC,
    DSA: U.DSA_PUBLIC,
    DH: U.DH_PUBLIC,
    'explicit curve parameters': K.P256_EXPLICIT_PUBLIC,
    'compressed point': K.P256_LEAF_COMPRESSED_PUBLIC,
  };
  for (const [name, pem] of Object.entries(cases)) t.throws(() => parsePublicKey(pem), UNSUPPORTED, name);
});

t.test('rsa moduli of other sizes are unsupported', async (t) => {
  // OpenSSL 3 rounds odd sizes down, so the 2049-bit modulus is synthetic (size is checked first).
  t.throws(() => parsePublicKey(pemEncode('RSA PUBLIC KEY', pkcs1(65537n, (1n << 2048n) | 1n))), UNSUPPORTED, '2049 bits');
  t.throws(() => parsePublicKey(pemEncode('RSA PUBLIC KEY', pkcs1(65537n, rsaModulus >> 1n))), UNSUPPORTED, '2047 bits');
  t.throws(() => parsePublicKey(pemEncode('RSA PUBLIC KEY', pkcs1(65537n, 0n))), UNSUPPORTED, 'zero modulus');
});

t.test('rsa exponents must be odd, above 1 and at most 31 bits', async (t) => {
  for (const e of [0n, 1n, 2n, 65536n, 1n << 31n, (1n << 31n) + 1n, (1n << 64n) + 1n]) {
    t.throws(() => parsePublicKey(der(pemEncode('RSA PUBLIC KEY', pkcs1(e)))), UNSUPPORTED, `e = ${e}`);
  }
  for (const e of [3n, 65537n, (1n << 31n) - 1n]) t.equal(parsePublicKey(pkcs1(e)).bits, 2048, `e = ${e}`);
  const negative = derEncode(TAG_SEQUENCE, derInteger(rsaModulus), Uint8Array.of(2, 1, 0xff));
  t.throws(() => parsePublicKey(negative), MALFORMED, 'a negative exponent');
});

t.test('ec points must be on the curve and not at infinity', async (t) => {
  t.equal(parsePublicKey(p256(leafPoint)).curve, 'P-256', 'the rebuilt fixture is valid');
  const offCurve = Uint8Array.from(leafPoint);
  offCurve[offCurve.length - 1] = (offCurve[offCurve.length - 1] as number) ^ 1;
  t.throws(() => parsePublicKey(p256(offCurve)), MALFORMED, 'off the curve');
  t.throws(() => parsePublicKey(p256(Uint8Array.of(0))), MALFORMED, 'infinity');
  t.throws(() => parsePublicKey(p256(new Uint8Array(65).fill(0, 1).fill(4, 0, 1))), MALFORMED, '(0, 0)');
  // P-521 coordinates have 7 spare bits, so x + p still fits: only the range check can refuse it.
  const { oid } = CURVES['P-521'];
  // P-521 field prime and generator (SEC 2), written out here so the test does not trust our code.
  const p = (1n << 521n) - 1n;
  const gx = 0x00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n;
  const gy = 0x011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n;
  const p521 = (x: bigint, y: bigint) => spki(algorithm(OID_EC, derOid(oid)), Uint8Array.of(4, ...bigIntToBytes(x, 66), ...bigIntToBytes(y, 66)));
  t.equal(parsePublicKey(p521(gx, gy)).curve, 'P-521', 'the generator is a valid key');
  t.throws(() => parsePublicKey(p521(gx + p, gy)), MALFORMED, 'x not reduced mod p');
  t.throws(() => parsePublicKey(p521(gx, gy + p)), MALFORMED, 'y not reduced mod p');
  t.throws(() => parsePublicKey(p256(leafPoint.subarray(0, 64))), MALFORMED, 'short point');
  t.throws(() => parsePublicKey(p256(Uint8Array.of(5, ...leafPoint.subarray(1)))), MALFORMED, 'unknown point form');
  t.throws(() => parsePublicKey(p256(Uint8Array.of(6, ...leafPoint.subarray(1, 33)))), MALFORMED, 'hybrid-looking prefix at compressed length');
  t.throws(() => parsePublicKey(p256(Uint8Array.of(0, 0))), MALFORMED, 'two zero bytes');
});

t.test('algorithm parameters must be exactly right', async (t) => {
  const rsaKey = pkcs1(65537n);
  t.equal(parsePublicKey(spki(algorithm(OID_RSA, NULL), rsaKey)).type, 'rsa');
  t.throws(() => parsePublicKey(spki(algorithm(OID_RSA), rsaKey)), MALFORMED, 'rsa without NULL');
  t.throws(() => parsePublicKey(spki(algorithm(OID_RSA, derOid('1.2.3')), rsaKey)), MALFORMED, 'rsa with an oid');
  t.throws(() => parsePublicKey(spki(algorithm(OID_EC), leafPoint)), MALFORMED, 'ec without a curve');
  t.throws(() => parsePublicKey(spki(algorithm(OID_EC, NULL), leafPoint)), MALFORMED, 'ec with NULL');
  t.throws(() => parsePublicKey(spki(algorithm(OID_EC, derOid('1.2.3.4')), leafPoint)), UNSUPPORTED, 'unknown curve');
  const edKey = der(K.ED25519_PUBLIC).subarray(-32);
  t.equal(parsePublicKey(spki(algorithm(OID_ED25519), edKey)).type, 'ed25519');
  t.throws(() => parsePublicKey(spki(algorithm(OID_ED25519, NULL), edKey)), MALFORMED, 'ed25519 with NULL');
  t.throws(() => parsePublicKey(spki(algorithm(OID_ED25519), edKey.subarray(1))), MALFORMED, 'ed25519 of 31 bytes');
  t.throws(() => parsePublicKey(spki(algorithm('1.2.3.4'), edKey)), UNSUPPORTED, 'unknown algorithm');
  t.throws(() => parsePublicKey(spki(algorithm(OID_RSA, NULL), derEncode(TAG_SEQUENCE, derInteger(rsaModulus)))), MALFORMED, 'rsa key without exponent');
  t.throws(() => parsePublicKey(spki(algorithm(OID_RSA, NULL), Uint8Array.of(...pkcs1(65537n), 0))), MALFORMED, 'rsa key with trailing byte');
});

t.test('malformed input is refused with ERR_KEY_MALFORMED', async (t) => {
  const good = der(K.P256_CA_PUBLIC);
  const bitString = Uint8Array.from(good);
  bitString[good.length - 66] = 1; // unused-bits octet of the BIT STRING
  const berLength = Uint8Array.of(0x30, 0x81, good[1] as number, ...good.subarray(2));
  let nested = derEncode(TAG_NULL);
  while (nested.length < 55_000) nested = derEncode(TAG_SEQUENCE, nested);
  const cases: Record<string, string | Uint8Array> = {
    'empty string': '',
    garbage: 'hello',
    'two blocks': K.P256_CA_PUBLIC + K.P256_LEAF_PUBLIC,
    'trailing garbage': `${K.P256_CA_PUBLIC}x`,
    'empty bytes': new Uint8Array(),
    'trailing byte': Uint8Array.of(...good, 0),
    'ber length': berLength,
    'bit string with unused bits': bitString,
    'truncated': good.subarray(0, 40),
    '55 KB of nested sequences': nested,
    'sequence of nothing': Uint8Array.of(0x30, 0),
    'not a key structure': derEncode(TAG_SEQUENCE, NULL),
    'pem of binary': Uint8Array.of(0xff, 0xfe, 0x00),
  };
  for (const [name, input] of Object.entries(cases)) t.throws(() => parsePublicKey(input), MALFORMED, name);
  t.throws(() => parsePublicKey(42 as unknown as string), MALFORMED, 'not a string or bytes');
  t.throws(() => parsePublicKey(' '.repeat(MAX_KEY_INPUT + 1)), MALFORMED, 'too long a string');
  t.throws(() => parsePublicKey(new Uint8Array(MAX_KEY_INPUT + 1).fill(0x30)), MALFORMED, 'too many bytes');
});

t.test('publicKeyToPem writes the same PEM as OpenSSL', async (t) => {
  for (const pem of [K.P256_CA_PUBLIC, K.P521_PUBLIC, K.RSA4096_PUBLIC, K.ED25519_PUBLIC]) {
    t.equal(publicKeyToPem(parsePublicKey(pem)), pem);
    t.equal(publicKeyToPem(createPublicKey(pem)), pem, 'from a public KeyObject');
  }
  t.equal(publicKeyToPem(createPrivateKey(K.P256_CA_PRIVATE)), K.P256_CA_PUBLIC, 'from a private KeyObject');
  t.throws(() => publicKeyToPem(createSecretKey(new Uint8Array(32))), UNSUPPORTED);
});

t.test('publicKeyFromKeyObject applies the same checks', async (t) => {
  t.equal(publicKeyFromKeyObject(createPrivateKey(K.P384_PRIVATE)).curve, 'P-384');
  t.equal(publicKeyFromKeyObject(createPublicKey(K.RSA3072_PUBLIC)).bits, 3072);
  t.throws(() => publicKeyFromKeyObject(createPublicKey(U.SECP256K1_PUBLIC)), UNSUPPORTED);
});

t.test('keyId is SHA-256 of the DER SPKI and logId its hex', async (t) => {
  const { spki: bytes } = parsePublicKey(K.P256_CA_PUBLIC);
  const expected = createHash('sha256').update(bytes).digest('hex');
  t.equal(Buffer.from(keyId(bytes)).toString('hex'), expected);
  t.equal(logId(bytes), expected);
  t.match(logId(bytes), /^[0-9a-f]{64}$/);
});
