/**
 * The strongest check of byte-exactness: rebuild the request a client sent from a real bundle,
 * canonicalize it, and compare with the canonicalizedBody real Rekor logged for it.
 */
import t from 'tap';
import { parseJson } from '@sigstack/crypto/canonical-json';
import {
  DSSE_PUBLIC_GOOD,
  HASHEDREKORD_OTHERNAME,
  HASHEDREKORD_PUBLIC_GOOD,
  INTOTO_PROVENANCE,
  INTOTO_PUBLISH,
} from '../../fixtures/kinds/public-entries.js';
import { b64, INVALID, pem, registry, sha256hex, text, unb64, viaJson } from '../../fixtures/kinds/helpers.js';

const kinds = registry();

/** What sigstore-js / sigstore-go send for a message signature (`toProposedHashedRekordEntry`). */
function proposedHashedRekord(f: { certificate: string; digest: string; signature: string }) {
  return viaJson({
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: unb64(f.digest).toString('hex') } },
      signature: { content: f.signature, publicKey: { content: b64(pem('CERTIFICATE', f.certificate)) } },
    },
  });
}

function intotoRequest(f: typeof INTOTO_PUBLISH | typeof INTOTO_PROVENANCE) {
  return viaJson({
    apiVersion: '0.0.2',
    kind: 'intoto',
    spec: {
      content: {
        envelope: {
          payloadType: f.payloadType,
          payload: b64(f.payload),
          signatures: [{ ...(f.keyid === '' ? {} : { keyid: f.keyid }), sig: b64(f.signature), publicKey: f.publicKey }],
        },
        hash: { algorithm: 'sha256', value: f.hash },
        payloadHash: { algorithm: 'sha256', value: sha256hex(unb64(f.payload)) },
      },
    },
  });
}

const bodyText = (body: string) => unb64(body).toString('utf8');

t.test('a public-good hashedrekord entry canonicalizes to the exact logged body', async (t) => {
  const entry = kinds.canonicalize(proposedHashedRekord(HASHEDREKORD_PUBLIC_GOOD));
  t.equal(text(entry.body), bodyText(HASHEDREKORD_PUBLIC_GOOD.body));
  t.equal(entry.kind, 'hashedrekord');
  t.equal(entry.apiVersion, '0.0.1');
  const keyHash = sha256hex(pem('CERTIFICATE', HASHEDREKORD_PUBLIC_GOOD.certificate));
  t.same(entry.searchKeys, [
    keyHash,
    'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main',
    'sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf',
  ]);
});

t.test('a hashedrekord entry with an OtherName SAN and an RSA-signed certificate matches its logged body', async (t) => {
  const entry = kinds.canonicalize(proposedHashedRekord(HASHEDREKORD_OTHERNAME));
  t.equal(text(entry.body), bodyText(HASHEDREKORD_OTHERNAME.body));
  t.ok(entry.searchKeys.includes('foo!oidc.local'), 'the Sigstore username is a search key');
});

t.test('a logged hashedrekord body is itself a proposed entry with the same canonical form', async (t) => {
  for (const f of [HASHEDREKORD_PUBLIC_GOOD, HASHEDREKORD_OTHERNAME]) {
    const entry = kinds.canonicalize(parseJson(unb64(f.body)));
    t.equal(text(entry.body), bodyText(f.body));
  }
});

t.test('a public-good dsse entry signed by sigstore-js canonicalizes to the exact logged body', async (t) => {
  const f = DSSE_PUBLIC_GOOD;
  const envelope = JSON.stringify({ payload: f.payload, payloadType: f.payloadType, signatures: [{ sig: f.signature, keyid: f.keyid }] });
  const proposed = viaJson({
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: { proposedContent: { envelope, verifiers: [b64(pem('CERTIFICATE', f.certificate))] } },
  });
  const entry = kinds.canonicalize(proposed);
  t.equal(text(entry.body), bodyText(f.body));
  const keys = entry.searchKeys;
  t.ok(keys.includes(`sha256:${sha256hex(pem('CERTIFICATE', f.certificate))}`), 'the verifier key hash, with its prefix');
  t.ok(keys.includes(`sha256:${sha256hex(unb64(f.payload))}`), 'the payload hash');
  t.ok(keys.includes(`sha256:${sha256hex(envelope)}`), 'the envelope hash');
  t.ok(keys.includes(`sha512:7bea9f6e7ff37f5fab0b36bf061200fff03099fd2fd696b91d04bc5e4f225eb9fd6e0cadcad54ba980f43fb352a99e8810b4e0abeb5c0ef2cf9108cd1f258b36`), 'the subject digest');
  t.ok(keys.includes('brian@dehamer.com'), 'the email SAN');
});

t.test('a dsse body with server-computed fields is not a proposed entry', async (t) => {
  t.throws(() => kinds.canonicalize(parseJson(unb64(DSSE_PUBLIC_GOOD.body))), INVALID);
});

t.test('public-good intoto entries canonicalize to the exact logged bodies', async (t) => {
  for (const f of [INTOTO_PUBLISH, INTOTO_PROVENANCE]) {
    const entry = kinds.canonicalize(intotoRequest(f));
    t.equal(text(entry.body), bodyText(f.body), `logIndex ${f.logIndex}`);
    t.ok(entry.searchKeys.includes(`sha256:${sha256hex(unb64(f.payload))}`), 'the payload hash');
    t.notOk(entry.searchKeys.includes(`sha256:${f.hash}`), 'not the client-computed envelope hash');
  }
});

t.test('intoto search keys include the subject and SLSA material digests', async (t) => {
  const keys = kinds.canonicalize(intotoRequest(INTOTO_PROVENANCE)).searchKeys;
  t.ok(keys.includes('sha512:76176ffa33808b54602c7c35de5c6e9a4deb96066dba6533f50ac234f4f1f4c6b3527515dc17c06fbe2860030f410eee69ea20079bd3a2c6f3dcf3b329b10751'));
  t.ok(keys.includes('sha1:dae8bd8eb433a4147b4655c00fe73e0f22bc0fb1'));
});

t.test('an intoto body without its payload is not a proposed entry', async (t) => {
  t.throws(() => kinds.canonicalize(parseJson(unb64(INTOTO_PUBLISH.body))), INVALID);
});

t.test('search keys re-derived from logged bodies match the keys of the original request', async (t) => {
  const cases = [
    [HASHEDREKORD_PUBLIC_GOOD.body, proposedHashedRekord(HASHEDREKORD_PUBLIC_GOOD)],
    [INTOTO_PUBLISH.body, intotoRequest(INTOTO_PUBLISH)],
  ] as const;
  for (const [body, proposed] of cases) {
    const original = kinds.canonicalize(proposed).searchKeys;
    const derived = kinds.searchKeys(unb64(body));
    t.ok(derived.length > 0);
    t.ok(derived.every((k) => original.includes(k)), 'a subset (no payload digests)');
  }
  const dsseKeys = kinds.searchKeys(unb64(DSSE_PUBLIC_GOOD.body));
  t.ok(dsseKeys.includes(`sha256:${sha256hex(pem('CERTIFICATE', DSSE_PUBLIC_GOOD.certificate))}`));
  t.ok(dsseKeys.includes('brian@dehamer.com'));
  t.equal(dsseKeys.length, 4, 'key hash, email, payload hash, envelope hash');
  t.equal(kinds.searchKeys(unb64(INTOTO_PROVENANCE.body)).length, 3, 'key hash, URI SAN, payload hash');
});
