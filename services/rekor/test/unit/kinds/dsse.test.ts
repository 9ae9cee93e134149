import t from 'tap';
import { parseJson } from '@sigstack/crypto/canonical-json';
import { chain } from '../../fixtures/kinds/certs.js';
import {
  b64,
  dsseEntry,
  dsseSign,
  ED25519,
  IN_TOTO,
  INVALID,
  mutate,
  P256,
  P256_B,
  P384,
  P521,
  pem,
  publicPemOf,
  RSA2048,
  registry,
  sha256hex,
  STATEMENT,
  text,
  viaJson,
  type TestKey,
} from '../../fixtures/kinds/helpers.js';

const kinds = registry();

function envelopeOf(signatures: readonly { sig: string; keyid?: string }[], payload = STATEMENT, payloadType = IN_TOTO): string {
  return JSON.stringify({ payload: b64(payload), payloadType, signatures });
}
const sigOf = (key: TestKey, payload = STATEMENT, payloadType = IN_TOTO) => b64(dsseSign(key.privateKey, payloadType, payload));

t.test('envelopes signed by P-256, P-384, P-521, RSA-2048 and Ed25519 keys verify', async (t) => {
  for (const key of [P256, P384, P521, RSA2048, ED25519]) {
    const proposed = dsseEntry({ signers: [key] });
    const envelope = proposed.spec.proposedContent.envelope;
    const entry = kinds.canonicalize(viaJson(proposed));
    const sig = JSON.parse(envelope).signatures[0].sig;
    const expected =
      `{"apiVersion":"0.0.1","kind":"dsse","spec":{"envelopeHash":{"algorithm":"sha256","value":"${sha256hex(envelope)}"},` +
      `"payloadHash":{"algorithm":"sha256","value":"${sha256hex(STATEMENT)}"},` +
      `"signatures":[{"signature":"${sig}","verifier":"${b64(key.publicPem)}"}]}}`;
    t.equal(text(entry.body), expected, key.name);
  }
});

t.test('RSA and ECDSA DSSE signatures use SHA-256 whatever the curve, as upstream', async (t) => {
  const proposed = dsseEntry({ signers: [P384] });
  const sha384 = b64(dsseSign(P384.privateKey, IN_TOTO, STATEMENT, 'sha384'));
  const envelope = envelopeOf([{ sig: sha384 }]);
  t.ok(kinds.canonicalize(viaJson(proposed)));
  t.throws(() => kinds.canonicalize(mutate(proposed, (e) => (e.spec.proposedContent.envelope = envelope))), INVALID);
});

t.test('search keys: prefixed key hashes, SANs, both hashes and in-toto digests in lower case', async (t) => {
  const proposed = dsseEntry({ signers: [P256] });
  const keys = kinds.canonicalize(viaJson(proposed)).searchKeys;
  t.same(keys, [
    `sha256:${sha256hex(P256.publicPem)}`,
    `sha256:${sha256hex(STATEMENT)}`,
    `sha256:${sha256hex(proposed.spec.proposedContent.envelope)}`,
    `sha512:${'ab'.repeat(64)}`,
    `sha256:${'cd'.repeat(32)}`,
    `sha1:${'ef'.repeat(20)}`,
  ]);
  const other = dsseEntry({ payloadType: 'text/plain', payload: STATEMENT });
  t.equal(kinds.canonicalize(viaJson(other)).searchKeys.length, 3, 'no statement digests for another payload type');
  for (const payload of ['not json', '[1]', '{"subject":"x","predicate":[]}', '{"subject":[1,{"digest":[]},{"digest":{"a":1}}],"predicate":{"materials":{}}}']) {
    t.equal(kinds.canonicalize(viaJson(dsseEntry({ payload }))).searchKeys.length, 3, `payload ${payload}`);
  }
});

t.test('several signatures: each verified by one verifier, stored sorted by signature', async (t) => {
  const signers = [P256, RSA2048, ED25519];
  const proposed = dsseEntry({ signers, verifiers: [ED25519.publicPem, P256.publicPem, RSA2048.publicPem] });
  const body = JSON.parse(text(kinds.canonicalize(viaJson(proposed)).body));
  const sigs = JSON.parse(proposed.spec.proposedContent.envelope).signatures.map((s: { sig: string }) => s.sig);
  const stored = body.spec.signatures as { signature: string; verifier: string }[];
  t.same(stored.map((s) => s.signature), [...sigs].sort());
  for (const s of stored) {
    const signer = signers[sigs.indexOf(s.signature)] as TestKey;
    t.equal(s.verifier, b64(signer.publicPem));
  }
});

t.test('a repeated signature is stored once', async (t) => {
  const sig = sigOf(P256);
  const once = dsseEntry({ envelope: envelopeOf([{ sig }]) });
  const twice = dsseEntry({ envelope: envelopeOf([{ sig }, { sig, keyid: 'again' }]) });
  const a = JSON.parse(text(kinds.canonicalize(viaJson(once)).body));
  const b = JSON.parse(text(kinds.canonicalize(viaJson(twice)).body));
  t.same(b.spec.signatures, a.spec.signatures);
});

t.test('the envelope hash covers the envelope exactly as received', async (t) => {
  const sig = sigOf(P256);
  const compact = envelopeOf([{ sig }]);
  const spaced = JSON.stringify(JSON.parse(compact), null, 2);
  const a = kinds.canonicalize(viaJson(dsseEntry({ envelope: compact })));
  const b = kinds.canonicalize(viaJson(dsseEntry({ envelope: spaced })));
  t.equal(JSON.parse(text(b.body)).spec.envelopeHash.value, sha256hex(spaced));
  t.not(text(a.body), text(b.body));
  const extra = JSON.stringify({ ...JSON.parse(compact), comment: 'not part of DSSE' });
  t.ok(kinds.canonicalize(viaJson(dsseEntry({ envelope: extra }))), 'unknown envelope fields are ignored');
  const keyidNull = envelopeOf([{ sig, keyid: null as unknown as string }]);
  t.ok(kinds.canonicalize(viaJson(dsseEntry({ envelope: keyidNull }))), 'a null keyid');
});

t.test('verifier PEM is canonicalized; certificates are kept with their SANs', async (t) => {
  const { root, intermediate, leaf } = await chain();
  const leafKey: TestKey = { name: 'leaf', privateKey: leaf.privateKey, publicPem: publicPemOf(leaf.privateKey), hash: 'sha256' };
  const sloppy = pem('CERTIFICATE', leaf.der, 76).replace(/\n/g, '\r\n');
  const entry = kinds.canonicalize(viaJson(dsseEntry({ signers: [leafKey], verifiers: [sloppy] })));
  t.equal(JSON.parse(text(entry.body)).spec.signatures[0].verifier, b64(pem('CERTIFICATE', leaf.der)));
  // Upstream does not check chains given as dsse verifiers; the chain is stored as sent.
  const unrelated = [leaf, root, intermediate].map((c) => pem('CERTIFICATE', c.der)).join('');
  t.ok(kinds.canonicalize(viaJson(dsseEntry({ signers: [leafKey], verifiers: [unrelated] }))));
});

t.test('sigstore-python requests, with null server-computed fields, are accepted', async (t) => {
  const proposed = dsseEntry({});
  const withNulls = mutate(proposed, (e) => Object.assign(e.spec, { signatures: null, envelopeHash: null, payloadHash: null }));
  t.equal(text(kinds.canonicalize(withNulls).body), text(kinds.canonicalize(viaJson(proposed)).body));
});

t.test('the signature policy: every signature verified, every verifier used, no duplicate keys', async (t) => {
  const cases: Record<string, ReturnType<typeof dsseEntry>> = {
    'a signer that is not a verifier': dsseEntry({ signers: [P256], verifiers: [P256_B.publicPem] }),
    'one good and one bad signature': dsseEntry({ envelope: envelopeOf([{ sig: sigOf(P256) }, { sig: sigOf(P256, 'other') }]) }),
    'a verifier that verifies nothing': dsseEntry({ signers: [P256], verifiers: [P256.publicPem, P256_B.publicPem] }),
    'an unused verifier listed first': dsseEntry({ signers: [P256], verifiers: [P256_B.publicPem, P256.publicPem] }),
    'the same key twice': dsseEntry({ signers: [P256], verifiers: [P256.publicPem, P256.publicPem] }),
    'a signature over another payload type': dsseEntry({ envelope: envelopeOf([{ sig: sigOf(P256, STATEMENT, 'text/plain') }]) }),
  };
  for (const [name, proposed] of Object.entries(cases)) t.throws(() => kinds.canonicalize(viaJson(proposed)), INVALID, name);
});

t.test('signatures and verifiers are capped', async (t) => {
  const eleven = Array.from({ length: 11 }, () => ({ sig: sigOf(P256) }));
  t.throws(() => kinds.canonicalize(viaJson(dsseEntry({ envelope: envelopeOf(eleven) }))), INVALID, '11 signatures');
  t.ok(kinds.canonicalize(viaJson(dsseEntry({ envelope: envelopeOf(eleven.slice(1)) }))), '10 signatures');
  const manyVerifiers = Array.from({ length: 11 }, () => P256.publicPem);
  t.throws(() => kinds.canonicalize(viaJson(dsseEntry({ verifiers: manyVerifiers }))), INVALID, '11 verifiers');
  const tight = registry({ maxDsseSignatures: 1, maxVerifiers: 1 });
  t.throws(() => tight.canonicalize(viaJson(dsseEntry({ signers: [P256, P256_B] }))), INVALID);
});

t.test('a dsse body is not a proposed entry, and server-computed fields are refused', async (t) => {
  const proposed = dsseEntry({});
  const body = kinds.canonicalize(viaJson(proposed)).body;
  t.throws(() => kinds.canonicalize(parseJson(body)), INVALID, 'the canonical form');
  for (const field of ['envelopeHash', 'payloadHash', 'signatures']) {
    const sent = mutate(proposed, (e) => (e.spec[field] = JSON.parse(text(body)).spec[field]));
    t.throws(() => kinds.canonicalize(sent), INVALID, field);
  }
});

t.test('malformed entries are refused with ERR_ENTRY_INVALID, never a TypeError', async (t) => {
  const good = dsseEntry({});
  const env = JSON.parse(good.spec.proposedContent.envelope);
  const withEnvelope = (value: unknown) => (e: any) => (e.spec.proposedContent.envelope = typeof value === 'string' ? value : JSON.stringify(value));
  const cases: Record<string, (e: any) => void> = {
    'spec null': (e) => (e.spec = null),
    'missing proposedContent': (e) => (e.spec = {}),
    'proposedContent an array': (e) => (e.spec.proposedContent = []),
    'unknown field in spec': (e) => (e.spec.extra = 1),
    'unknown field in proposedContent': (e) => (e.spec.proposedContent.extra = 1),
    'missing envelope': (e) => delete e.spec.proposedContent.envelope,
    'envelope an object': (e) => (e.spec.proposedContent.envelope = env),
    'envelope empty': withEnvelope(''),
    'envelope not json': withEnvelope('{"payload":'),
    'envelope with duplicate keys': withEnvelope(good.spec.proposedContent.envelope.replace('{', '{"payload":"",')),
    'envelope an array': withEnvelope([env]),
    'envelope nested too deep': withEnvelope('['.repeat(100_000) + ']'.repeat(100_000)),
    'missing payload': withEnvelope({ ...env, payload: undefined }),
    'payload not base64': withEnvelope({ ...env, payload: 'a b' }),
    'payload url-safe base64': withEnvelope({ ...env, payload: env.payload.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') + '-_' }),
    'payload a number': withEnvelope({ ...env, payload: 1 }),
    'missing payloadType': withEnvelope({ ...env, payloadType: undefined }),
    'payloadType null': withEnvelope({ ...env, payloadType: null }),
    'missing signatures': withEnvelope({ ...env, signatures: undefined }),
    'no signatures': withEnvelope({ ...env, signatures: [] }),
    'signatures an object': withEnvelope({ ...env, signatures: {} }),
    'a null signature': withEnvelope({ ...env, signatures: [null] }),
    'a string signature': withEnvelope({ ...env, signatures: ['x'] }),
    'a signature without sig': withEnvelope({ ...env, signatures: [{ keyid: '' }] }),
    'an empty sig': withEnvelope({ ...env, signatures: [{ sig: '' }] }),
    'a sig that is not base64': withEnvelope({ ...env, signatures: [{ sig: '%%%%' }] }),
    'a numeric keyid': withEnvelope({ ...env, signatures: [{ sig: env.signatures[0].sig, keyid: 7 }] }),
    'missing verifiers': (e) => delete e.spec.proposedContent.verifiers,
    'no verifiers': (e) => (e.spec.proposedContent.verifiers = []),
    'verifiers a string': (e) => (e.spec.proposedContent.verifiers = e.spec.proposedContent.verifiers[0]),
    'a null verifier': (e) => e.spec.proposedContent.verifiers.push(null),
    'an empty verifier': (e) => (e.spec.proposedContent.verifiers = ['']),
    'a verifier that is not base64': (e) => (e.spec.proposedContent.verifiers = ['***']),
    'a verifier that is not pem': (e) => (e.spec.proposedContent.verifiers = [b64('hello')]),
  };
  for (const [name, edit] of Object.entries(cases)) {
    t.throws(() => kinds.canonicalize(mutate(good, edit)), INVALID, name);
  }
});
