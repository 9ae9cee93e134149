import t from 'tap';
import { parseJson } from '@sigstack/crypto/canonical-json';
import {
  b64,
  dsseSign,
  ED25519,
  IN_TOTO,
  intotoEntry,
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
  STATEMENT,
  text,
  unb64,
  viaJson,
} from '../../fixtures/kinds/helpers.js';

const kinds = registry();

t.test('envelopes signed by P-256, P-384, P-521, RSA-2048 and Ed25519 keys verify', async (t) => {
  for (const key of [P256, P384, P521, RSA2048, ED25519]) {
    const proposed = intotoEntry({ signers: [key] });
    const { envelope, hash } = proposed.spec.content;
    const sig = envelope.signatures[0]!;
    const expected =
      `{"apiVersion":"0.0.2","kind":"intoto","spec":{"content":{"envelope":{"payloadType":"${IN_TOTO}",` +
      `"signatures":[{"publicKey":"${sig.publicKey}","sig":"${sig.sig}"}]},"hash":{"algorithm":"sha256","value":"${hash.value}"},` +
      `"payloadHash":{"algorithm":"sha256","value":"${sha256hex(STATEMENT)}"}}}}`;
    t.equal(text(kinds.canonicalize(viaJson(proposed)).body), expected, key.name);
  }
});

t.test('signatures are stored exactly as sent: keyid kept unless empty, key not re-encoded', async (t) => {
  const odd = pem('PUBLIC KEY', unb64(P256.publicPem.split('\n').slice(1, -2).join('')), 200).trimEnd();
  const proposed = mutate(intotoEntry({ keyid: 'SHA256:abc' }), (e) => (e.spec.content.envelope.signatures[0].publicKey = b64(odd)));
  const stored = JSON.parse(text(kinds.canonicalize(proposed).body)).spec.content.envelope.signatures[0];
  t.same(stored, { keyid: 'SHA256:abc', publicKey: b64(odd), sig: (proposed as any).spec.content.envelope.signatures[0].sig });
  for (const keyid of ['', null]) {
    const entry = kinds.canonicalize(mutate(intotoEntry({}), (e) => (e.spec.content.envelope.signatures[0].keyid = keyid)));
    t.notOk('keyid' in JSON.parse(text(entry.body)).spec.content.envelope.signatures[0], `keyid ${keyid}`);
  }
});

t.test('payloadHash is computed by the log; a client value is checked for shape only', async (t) => {
  const proposed = intotoEntry({});
  const wrong = mutate(proposed, (e) => (e.spec.content.payloadHash.value = sha256hex('something else')));
  const entry = kinds.canonicalize(wrong);
  t.equal(JSON.parse(text(entry.body)).spec.content.payloadHash.value, sha256hex(STATEMENT));
  const absent = mutate(proposed, (e) => delete e.spec.content.payloadHash);
  t.equal(text(kinds.canonicalize(absent).body), text(entry.body));
});

t.test('the client hash is required and normalized to lower case', async (t) => {
  const lower = intotoEntry({ hash: 'ab'.repeat(32) });
  const upper = mutate(lower, (e) => (e.spec.content.hash.value = 'AB'.repeat(32)));
  t.equal(text(kinds.canonicalize(upper).body), text(kinds.canonicalize(viaJson(lower)).body));
});

t.test('several signatures, each with its own key', async (t) => {
  const proposed = intotoEntry({ signers: [P256, RSA2048] });
  t.equal(JSON.parse(text(kinds.canonicalize(viaJson(proposed)).body)).spec.content.envelope.signatures.length, 2);
  const swapped = mutate(proposed, (e) => {
    const [a, b] = e.spec.content.envelope.signatures;
    [a.publicKey, b.publicKey] = [b.publicKey, a.publicKey];
  });
  t.throws(() => kinds.canonicalize(swapped), INVALID, 'a signature must verify with its own key');
  const eleven = intotoEntry({ signers: Array.from({ length: 11 }, () => P256) });
  t.throws(() => kinds.canonicalize(viaJson(eleven)), INVALID, 'at most 10 signatures');
});

t.test('an empty payload is verified like any other', async (t) => {
  const empty = mutate(intotoEntry({}), (e) => {
    e.spec.content.envelope.payload = '';
    e.spec.content.envelope.signatures[0].sig = b64(b64(dsseSign(P256.privateKey, IN_TOTO, '')));
  });
  t.equal(JSON.parse(text(kinds.canonicalize(empty).body)).spec.content.payloadHash.value, sha256hex(''));
  const unsigned = mutate(intotoEntry({}), (e) => (e.spec.content.envelope.payload = ''));
  t.throws(() => kinds.canonicalize(unsigned), INVALID, 'upstream would skip verification here');
});

t.test('search keys: prefixed key hash, payload hash and in-toto digests, not the client hash', async (t) => {
  const proposed = intotoEntry({ signers: [P256_B] });
  t.same(kinds.canonicalize(viaJson(proposed)).searchKeys, [
    `sha256:${sha256hex(P256_B.publicPem)}`,
    `sha256:${sha256hex(STATEMENT)}`,
    `sha512:${'ab'.repeat(64)}`,
    `sha256:${'cd'.repeat(32)}`,
    `sha1:${'ef'.repeat(20)}`,
  ]);
});

t.test('an intoto body is not a proposed entry (its payload is gone)', async (t) => {
  const body = kinds.canonicalize(viaJson(intotoEntry({}))).body;
  t.throws(() => kinds.canonicalize(parseJson(body)), INVALID);
});

t.test('a payloadType JCS cannot represent is refused cleanly', async (t) => {
  // Only a caller that bypasses parseJson can hand over a lone surrogate; it still gets a 400.
  const payloadType = 'text/\ud800';
  const proposed = mutate(intotoEntry({ payloadType: 'text/plain' }), (e) => {
    e.spec.content.envelope.signatures[0].sig = b64(b64(dsseSign(P256.privateKey, payloadType, STATEMENT)));
  }) as any;
  proposed.spec.content.envelope.payloadType = payloadType;
  t.throws(() => kinds.canonicalize(proposed), INVALID);
});

t.test('malformed entries are refused with ERR_ENTRY_INVALID, never a TypeError', async (t) => {
  const good = intotoEntry({});
  const sigPath = (edit: (s: any) => void) => (e: any) => edit(e.spec.content.envelope.signatures[0]);
  const cases: Record<string, (e: any) => void> = {
    'spec an array': (e) => (e.spec = [e.spec]),
    'missing content': (e) => (e.spec = {}),
    'unknown field in spec': (e) => (e.spec.publicKey = 'x'),
    'unknown field in content': (e) => (e.spec.content.extra = 1),
    'missing envelope': (e) => delete e.spec.content.envelope,
    'envelope a string': (e) => (e.spec.content.envelope = '{}'),
    'unknown field in envelope': (e) => (e.spec.content.envelope.extra = 1),
    'missing payloadType': (e) => delete e.spec.content.envelope.payloadType,
    'missing payload': (e) => delete e.spec.content.envelope.payload,
    'payload not base64': (e) => (e.spec.content.envelope.payload = '!'),
    'payload single base64': (e) => (e.spec.content.envelope.payload = b64(STATEMENT)),
    'missing signatures': (e) => delete e.spec.content.envelope.signatures,
    'no signatures': (e) => (e.spec.content.envelope.signatures = []),
    'a null signature': (e) => (e.spec.content.envelope.signatures = [null]),
    'unknown field in a signature': sigPath((s) => (s.extra = 1)),
    'a numeric keyid': sigPath((s) => (s.keyid = 1)),
    'missing sig': sigPath((s) => delete s.sig),
    'sig single base64': sigPath((s) => (s.sig = unb64(s.sig).toString())),
    'sig inner not base64': sigPath((s) => (s.sig = b64('not base64!'))),
    'missing publicKey': sigPath((s) => delete s.publicKey),
    'publicKey not base64': sigPath((s) => (s.publicKey = '@@@@')),
    'publicKey not pem': sigPath((s) => (s.publicKey = b64('x'))),
    'missing hash': (e) => delete e.spec.content.hash,
    'hash null': (e) => (e.spec.content.hash = null),
    'hash sha512': (e) => (e.spec.content.hash.algorithm = 'sha512'),
    'hash value short': (e) => (e.spec.content.hash.value = 'abc'),
    'hash value not hex': (e) => (e.spec.content.hash.value = 'xy'.repeat(32)),
    'unknown field in hash': (e) => (e.spec.content.hash.extra = 1),
    'payloadHash sha1': (e) => (e.spec.content.payloadHash.algorithm = 'sha1'),
    'payloadHash value missing': (e) => delete e.spec.content.payloadHash.value,
    'payloadHash a string': (e) => (e.spec.content.payloadHash = 'abc'),
    'a bad signature': sigPath((s) => (s.sig = b64(b64(dsseSign(P256.privateKey, IN_TOTO, 'other'))))),
    'another key': sigPath((s) => (s.publicKey = b64(P256_B.publicPem))),
  };
  for (const [name, edit] of Object.entries(cases)) {
    t.throws(() => kinds.canonicalize(mutate(good, edit)), INVALID, name);
  }
});
