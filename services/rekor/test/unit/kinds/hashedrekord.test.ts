import t from 'tap';
import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { parseJson } from '@sigstack/crypto/canonical-json';
import type { SigningAlgorithm } from '../../../src/config.js';
import {
  b64,
  ED25519,
  hashedRekord,
  INVALID,
  mutate,
  P256,
  P256_B,
  P384,
  P521,
  pem,
  RSA2048,
  registry,
  sha256hex,
  signedHashedRekord,
  signWith,
  text,
  unb64,
  viaJson,
} from '../../fixtures/kinds/helpers.js';

const kinds = registry();
const ARTIFACT = 'hello, world!';

/** The canonical body written out by hand: JCS order, no whitespace. */
function expectedBody(algorithm: string, value: string, signature: string, publicKeyPem: string): string {
  return (
    `{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"${algorithm}","value":"${value}"}},` +
    `"signature":{"content":"${signature}","publicKey":{"content":"${b64(publicKeyPem)}"}}}}`
  );
}

t.test('entries signed by P-256, P-384, P-521 and RSA-2048 keys verify and keep their shape', async (t) => {
  for (const key of [P256, P384, P521, RSA2048]) {
    const proposed = signedHashedRekord(key);
    const entry = kinds.canonicalize(viaJson(proposed));
    const { hash } = proposed.spec.data;
    t.equal(text(entry.body), expectedBody(hash.algorithm, hash.value, proposed.spec.signature.content, key.publicPem), key.name);
    t.same(entry.searchKeys, [sha256hex(key.publicPem), `${hash.algorithm}:${hash.value}`], `${key.name} search keys`);
  }
});

t.test('canonicalization is idempotent', async (t) => {
  const entry = kinds.canonicalize(viaJson(signedHashedRekord(P256)));
  t.equal(text(kinds.canonicalize(parseJson(entry.body)).body), text(entry.body));
});

t.test('a signature over a different digest is refused', async (t) => {
  const proposed = signedHashedRekord(P256);
  const other = mutate(proposed, (e) => (e.spec.data.hash.value = sha256hex('another artifact')));
  t.throws(() => kinds.canonicalize(other), INVALID);
  const otherKey = mutate(proposed, (e) => (e.spec.signature.publicKey.content = b64(P256_B.publicPem)));
  t.throws(() => kinds.canonicalize(otherKey), INVALID, 'another key');
  for (const key of [RSA2048, P384]) {
    const wrong = mutate(signedHashedRekord(key), (e) => (e.spec.data.hash.value = createHash(key.hash).update('x').digest('hex')));
    t.throws(() => kinds.canonicalize(wrong), INVALID, key.name);
  }
});

t.test('ECDSA signatures must be DER, as Go verifies them', async (t) => {
  const value = sha256hex(ARTIFACT);
  const raw = signWith(P256.privateKey, ARTIFACT, 'sha256');
  const p1363 = sign('sha256', Buffer.from(ARTIFACT), { key: P256.privateKey, dsaEncoding: 'ieee-p1363' });
  t.ok(kinds.canonicalize(viaJson(hashedRekord({ value, signature: raw, publicKeyPem: P256.publicPem }))));
  t.throws(() => kinds.canonicalize(viaJson(hashedRekord({ value, signature: p1363, publicKeyPem: P256.publicPem }))), INVALID);
});

t.test('the key and digest pair must be an allowed signing algorithm', async (t) => {
  const only256 = registry({ algorithms: ['ecdsa-sha2-256-nistp256'] });
  t.ok(only256.canonicalize(viaJson(signedHashedRekord(P256))));
  t.throws(() => only256.canonicalize(viaJson(signedHashedRekord(RSA2048))), INVALID, 'RSA not configured');
  t.throws(() => only256.canonicalize(viaJson(signedHashedRekord(P384))), INVALID, 'P-384 not configured');
  // Pairs without an upstream name are never allowed, whatever the list.
  t.throws(() => kinds.canonicalize(viaJson(signedHashedRekord(P256, ARTIFACT, 'sha512'))), INVALID, 'P-256 with sha512');
  t.throws(() => kinds.canonicalize(viaJson(signedHashedRekord(RSA2048, ARTIFACT, 'sha384'))), INVALID, 'RSA with sha384');
  // P-384 with sha256 has a name upstream, but not in the default list.
  const p384sha256 = signedHashedRekord(P384, ARTIFACT, 'sha256');
  t.throws(() => kinds.canonicalize(viaJson(p384sha256)), INVALID);
  t.ok(registry({ algorithms: ['ecdsa-sha2-256-nistp384' as SigningAlgorithm] }).canonicalize(viaJson(p384sha256)));
});

t.test('Ed25519 hashedrekord entries need ed25519-ph, which is not supported yet', async (t) => {
  const proposed = viaJson(signedHashedRekord(ED25519));
  t.throws(() => kinds.canonicalize(proposed), INVALID, 'pure ed25519 never matches a digest');
  const withSha256 = viaJson(signedHashedRekord(ED25519, ARTIFACT, 'sha256'));
  t.throws(() => registry({ algorithms: ['ed25519-ph' as SigningAlgorithm] }).canonicalize(withSha256), INVALID, 'ed25519-ph needs sha512');
  t.throws(() => registry({ algorithms: ['ed25519-ph' as SigningAlgorithm] }).canonicalize(proposed), INVALID, 'ed25519ph verification');
});

t.test('upper-case hex is normalized, so a resubmission gets the same leaf', async (t) => {
  const proposed = signedHashedRekord(P256);
  const upper = mutate(proposed, (e) => (e.spec.data.hash.value = e.spec.data.hash.value.toUpperCase()));
  const a = kinds.canonicalize(viaJson(proposed));
  const b = kinds.canonicalize(upper);
  t.equal(text(b.body), text(a.body));
  t.same(b.searchKeys, a.searchKeys);
});

t.test('non-canonical encodings of the same entry give the same canonical bytes', async (t) => {
  const proposed = signedHashedRekord(P384);
  const reference = text(kinds.canonicalize(viaJson(proposed)).body);
  const der = unb64(P384.publicPem.split('\n').filter((l) => l && !l.startsWith('-')).join(''));
  const variants: Record<string, string> = {
    '76-character lines': pem('PUBLIC KEY', der, 76),
    'one line without final newline': pem('PUBLIC KEY', der, 1000).trimEnd(),
    'CRLF line ends': P384.publicPem.replace(/\n/g, '\r\n'),
    'surrounding blank lines': `\n\n${P384.publicPem}\n  \n`,
  };
  for (const [name, keyPem] of Object.entries(variants)) {
    const entry = kinds.canonicalize(mutate(proposed, (e) => (e.spec.signature.publicKey.content = b64(keyPem))));
    t.equal(text(entry.body), reference, name);
  }
  const { spec } = proposed;
  const reordered =
    `{ "spec" : {"signature":{"publicKey":{"content":"${spec.signature.publicKey.content}"},"content":"${spec.signature.content}"},\n` +
    `  "data":{"hash":{"value":"${spec.data.hash.value}","algorithm":"sha384"}}},\t"kind":"hashedrekord","apiVersion":"0.0.1"}`;
  t.equal(text(kinds.canonicalize(parseJson(reordered)).body), reference, 'key order and whitespace');
});

t.test('malformed entries are refused with ERR_ENTRY_INVALID, never a TypeError', async (t) => {
  const good = signedHashedRekord(P256);
  const sha256 = good.spec.data.hash.value;
  const privatePem = P256.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const rsaPkcs1Public = createPublicKey(RSA2048.privateKey).export({ type: 'pkcs1', format: 'pem' }) as string;
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const spki = P256.publicPem;
  const cases: Record<string, (e: any) => void> = {
    'spec is null': (e) => (e.spec = null),
    'spec is an array': (e) => (e.spec = []),
    'spec is a string': (e) => (e.spec = 'x'),
    'missing data': (e) => delete e.spec.data,
    'data is null': (e) => (e.spec.data = null),
    'data is a number': (e) => (e.spec.data = 1),
    'missing hash': (e) => (e.spec.data = {}),
    'missing algorithm': (e) => delete e.spec.data.hash.algorithm,
    'algorithm null': (e) => (e.spec.data.hash.algorithm = null),
    'algorithm upper case': (e) => (e.spec.data.hash.algorithm = 'SHA256'),
    'algorithm md5': (e) => (e.spec.data.hash.algorithm = 'md5'),
    'algorithm a number': (e) => (e.spec.data.hash.algorithm = 256),
    'missing value': (e) => delete e.spec.data.hash.value,
    'value a number': (e) => (e.spec.data.hash.value = 1),
    'value 63 characters': (e) => (e.spec.data.hash.value = sha256.slice(1)),
    'value not hex': (e) => (e.spec.data.hash.value = 'zz'.repeat(32)),
    'sha384 label on a sha256 digest': (e) => (e.spec.data.hash.algorithm = 'sha384'),
    'sha512 label on a sha256 digest': (e) => (e.spec.data.hash.algorithm = 'sha512'),
    'sha256 label on 96 hex': (e) => (e.spec.data.hash.value = 'ab'.repeat(48)),
    'sha256 label on 128 hex': (e) => (e.spec.data.hash.value = 'ab'.repeat(64)),
    'a megabyte of hex': (e) => (e.spec.data.hash.value = 'a'.repeat(1 << 20)),
    'missing signature': (e) => delete e.spec.signature,
    'missing signature content': (e) => delete e.spec.signature.content,
    'empty signature': (e) => (e.spec.signature.content = ''),
    'signature not base64': (e) => (e.spec.signature.content = '!!!!'),
    'signature in the URL alphabet': (e) => (e.spec.signature.content = '-_-_'),
    'signature without padding': (e) => (e.spec.signature.content = 'QQ'),
    'signature with whitespace': (e) => (e.spec.signature.content = `${e.spec.signature.content.slice(0, 8)}\n${e.spec.signature.content.slice(8)}`),
    'signature with non-canonical bits': (e) => (e.spec.signature.content = 'QR=='),
    'signature a number': (e) => (e.spec.signature.content = 5),
    'missing publicKey': (e) => delete e.spec.signature.publicKey,
    'missing publicKey content': (e) => (e.spec.signature.publicKey = {}),
    'publicKey content not base64': (e) => (e.spec.signature.publicKey.content = 'not base64'),
    'publicKey is text': (e) => (e.spec.signature.publicKey.content = b64('hello')),
    'publicKey is DER': (e) => (e.spec.signature.publicKey.content = unb64(spki.split('\n').slice(1, -2).join('')).toString('base64')),
    'publicKey is PKCS#1 RSA': (e) => (e.spec.signature.publicKey.content = b64(rsaPkcs1Public)),
    'PKCS#1 RSA in a PUBLIC KEY block': (e) => (e.spec.signature.publicKey.content = b64(rsaPkcs1Public.replace(/RSA PUBLIC/g, 'PUBLIC'))),
    'publicKey is a private key': (e) => (e.spec.signature.publicKey.content = b64(privatePem)),
    'publicKey with pem headers': (e) => (e.spec.signature.publicKey.content = b64(spki.replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\n\n'))),
    'publicKey with text before': (e) => (e.spec.signature.publicKey.content = b64(`my key:\n${spki}`)),
    'two public keys': (e) => (e.spec.signature.publicKey.content = b64(spki + spki)),
    'a broken public key': (e) => (e.spec.signature.publicKey.content = b64(pem('PUBLIC KEY', Buffer.from('3003020100', 'hex')))),
    'an RSA-1024 key': (e) => (e.spec.signature.publicKey.content = b64(rsa1024)),
    'a huge publicKey': (e) => (e.spec.signature.publicKey.content = b64('A'.repeat(2_000_000))),
    'unknown field in spec': (e) => (e.spec.extra = 1),
    'unknown field in data': (e) => (e.spec.data.content = 'aGk='),
    'unknown field in hash': (e) => (e.spec.data.hash.extra = null),
    'unknown field in signature': (e) => (e.spec.signature.format = 'x509'),
    'unknown field in publicKey': (e) => (e.spec.signature.publicKey.url = 'https://example.com/key'),
    'unknown top-level field': (e) => (e.extra = true),
    'missing spec': (e) => delete e.spec,
  };
  for (const [name, edit] of Object.entries(cases)) {
    t.throws(() => kinds.canonicalize(mutate(good, edit)), INVALID, name);
  }
});
