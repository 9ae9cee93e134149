import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import { buildSigningConfig, buildTrustedRoot, tsaEndpoint, type TrustedRootInput } from '../src/index.js';
import { caChain, ed25519PublicPem, issue, p256PublicPem, tsaChain } from './helpers.js';

const start = new Date('2026-01-01T00:00:00.123Z');

async function input(): Promise<TrustedRootInput> {
  return {
    tlogs: [{ baseUrl: 'http://127.0.0.1:3000/', publicKey: p256PublicPem(), start }],
    ctlogs: [{ baseUrl: 'http://127.0.0.1:6962', publicKey: ed25519PublicPem(), start }],
    certificateAuthorities: [{ uri: 'http://127.0.0.1:5555', chain: (await caChain()).pem, start }],
    timestampAuthorities: [{ uri: 'http://127.0.0.1:3004', chain: (await tsaChain()).pem, start }],
  };
}

t.test('a trusted root built from typed inputs is what protobuf-specs and @sigstore/verify read', async (t) => {
  const root = await buildTrustedRoot(await input());
  t.equal(root.mediaType, 'application/vnd.dev.sigstore.trustedroot+json;version=0.1');
  const tlog = root.tlogs[0]!;
  t.equal(tlog.baseUrl, 'http://127.0.0.1:3000', 'the trailing slash is dropped');
  t.equal(tlog.publicKey.keyDetails, 'PKIX_ECDSA_P256_SHA_256');
  t.equal(tlog.publicKey.validFor.start, '2026-01-01T00:00:00Z', 'whole seconds');
  t.notOk('checkpointKeyId' in tlog, 'no checkpointKeyId (it breaks sigstore-js)');
  t.equal(root.ctlogs[0]!.publicKey.keyDetails, 'PKIX_ED25519');
  t.equal(root.certificateAuthorities[0]!.certChain.certificates.length, 2);
  t.same(root.certificateAuthorities[0]!.subject, { organization: 'example', commonName: 'example intermediate' });
  t.equal(root.timestampAuthorities[0]!.certChain.certificates.length, 2);
  const parsed = TrustedRoot.fromJSON(root);
  const material = toTrustMaterial(parsed);
  t.equal(material.tlogs.length, 1);
  t.equal(material.certificateAuthorities.length, 1);
  t.equal(material.timestampAuthorities.length, 1);
  const back = TrustedRoot.toJSON(parsed) as typeof root;
  t.same(back.tlogs[0]!.logId, tlog.logId, 'protobuf-specs reads the log ID back unchanged');
  t.equal(Date.parse(back.tlogs[0]!.publicKey.validFor.start), start.getTime() - 123, 'and the start');
});

t.test('the transparency log key must be ECDSA P-256', async (t) => {
  const bad = await input();
  await t.rejects(buildTrustedRoot({ ...bad, tlogs: [{ baseUrl: 'http://a', publicKey: ed25519PublicPem(), start }] }), { code: 'ERR_TRUST_INVALID' });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  await t.rejects(buildTrustedRoot({ ...bad, tlogs: [{ baseUrl: 'http://a', publicKey: p384, start }] }), { code: 'ERR_TRUST_INVALID' });
  const withP384Ct = await buildTrustedRoot({ ...bad, ctlogs: [{ baseUrl: 'http://a', publicKey: p384, start }] });
  t.equal(withP384Ct.ctlogs[0]!.publicKey.keyDetails, 'PKIX_ECDSA_P384_SHA_384', 'a CT log may use another allowed key, with matching keyDetails');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const withRsaCt = await buildTrustedRoot({ ...bad, ctlogs: [{ baseUrl: 'http://a', publicKey: rsa, start }] });
  t.equal(withRsaCt.ctlogs[0]!.publicKey.keyDetails, 'PKIX_RSA_PKCS1V15_2048_SHA256');
});

t.test('a CA chain must list intermediates first and end at a self-signed root', async (t) => {
  const base = await input();
  const { root, intermediate } = await caChain();
  await t.rejects(buildTrustedRoot({ ...base, certificateAuthorities: [{ uri: 'http://ca', chain: root.pem + intermediate.pem, start }] }), { code: 'ERR_TRUST_INVALID' }, 'root first');
  await t.rejects(buildTrustedRoot({ ...base, certificateAuthorities: [{ uri: 'http://ca', chain: intermediate.pem, start }] }), { code: 'ERR_TRUST_INVALID' }, 'no root');
  const other = await caChain();
  await t.rejects(buildTrustedRoot({ ...base, certificateAuthorities: [{ uri: 'http://ca', chain: intermediate.pem + other.root.pem, start }] }), { code: 'ERR_TRUST_INVALID' }, 'another root');
  const leafCa = await tsaChain();
  await t.rejects(buildTrustedRoot({ ...base, certificateAuthorities: [{ uri: 'http://ca', chain: leafCa.pem, start }] }), { code: 'ERR_TRUST_INVALID' }, 'a non-CA certificate in a CA chain');
  const rootOnly = await buildTrustedRoot({ ...base, certificateAuthorities: [{ uri: 'http://ca', chain: [root.der], start }] });
  t.equal(rootOnly.certificateAuthorities[0]!.certChain.certificates.length, 1, 'a root alone is a chain');
  // A "root" whose issuer name is its own but that another key signed.
  const impostor = await issue('O=example,CN=example root', { issuer: other.root, ca: true });
  await t.rejects(buildTrustedRoot({ ...base, certificateAuthorities: [{ uri: 'http://ca', chain: impostor.pem, start }] }), { code: 'ERR_TRUST_INVALID' }, 'a root whose self-signature does not verify');
  await t.rejects(buildTrustedRoot({ ...base, certificateAuthorities: [{ uri: 'http://ca', chain: 'not pem', start }] }), { code: 'ERR_TRUST_INVALID' });
});

t.test('bad URLs, windows, empty lists and duplicates are refused', async (t) => {
  const base = await input();
  const key = base.tlogs[0]!.publicKey;
  await t.rejects(buildTrustedRoot({ ...base, tlogs: [] }), { code: 'ERR_TRUST_INVALID' });
  await t.rejects(buildTrustedRoot({ ...base, certificateAuthorities: [] }), { code: 'ERR_TRUST_INVALID' });
  await t.rejects(buildTrustedRoot({ ...base, tlogs: [{ baseUrl: 'ftp://x', publicKey: key, start }] }), { code: 'ERR_TRUST_INVALID' });
  await t.rejects(buildTrustedRoot({ ...base, tlogs: [{ baseUrl: 'http://x?y=1', publicKey: key, start }] }), { code: 'ERR_TRUST_INVALID' });
  await t.rejects(buildTrustedRoot({ ...base, tlogs: [{ baseUrl: 'http://x', publicKey: key, start, end: start }] }), { code: 'ERR_TRUST_INVALID' });
  await t.rejects(buildTrustedRoot({ ...base, tlogs: [{ baseUrl: 'http://x', publicKey: key, start }, { baseUrl: 'http://y', publicKey: key, start }] }), { code: 'ERR_TRUST_INVALID' }, 'one key twice at the same time');
  const rotated = await buildTrustedRoot({ ...base, tlogs: [{ baseUrl: 'http://x', publicKey: key, start, end: new Date('2026-06-01T00:00:00Z') }, { baseUrl: 'http://y', publicKey: key, start: new Date('2026-06-01T00:00:00Z') }] });
  t.equal(rotated.tlogs.length, 2, 'one key in two windows that do not overlap');
  t.equal(rotated.tlogs[0]!.publicKey.validFor.end, '2026-06-01T00:00:00Z');
});

t.test('a signing config v0.2 lists the CA, OIDC, log and TSA URLs with ANY selectors', async (t) => {
  const s = { start, operator: 'example' };
  const config = buildSigningConfig({
    ca: [{ url: 'http://127.0.0.1:5555/', ...s }],
    oidc: [{ url: 'http://127.0.0.1:5556', ...s }],
    rekor: [{ url: 'http://127.0.0.1:3000', ...s }],
    tsa: [{ url: tsaEndpoint('http://127.0.0.1:3004'), ...s }],
  });
  t.same(config, {
    mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
    caUrls: [{ url: 'http://127.0.0.1:5555', majorApiVersion: 1, validFor: { start: '2026-01-01T00:00:00Z' }, operator: 'example' }],
    oidcUrls: [{ url: 'http://127.0.0.1:5556', majorApiVersion: 1, validFor: { start: '2026-01-01T00:00:00Z' }, operator: 'example' }],
    rekorTlogUrls: [{ url: 'http://127.0.0.1:3000', majorApiVersion: 1, validFor: { start: '2026-01-01T00:00:00Z' }, operator: 'example' }],
    rekorTlogConfig: { selector: 'ANY' },
    tsaUrls: [{ url: 'http://127.0.0.1:3004/api/v1/timestamp', majorApiVersion: 1, validFor: { start: '2026-01-01T00:00:00Z' }, operator: 'example' }],
    tsaConfig: { selector: 'ANY' },
  });
  t.throws(() => buildSigningConfig({ ca: [], oidc: [], rekor: [{ url: 'http://r', ...s }], tsa: [] }), { code: 'ERR_TRUST_INVALID' });
  t.throws(() => buildSigningConfig({ ca: [{ url: 'http://c', ...s, majorApiVersion: 2 }], oidc: [], rekor: [{ url: 'http://r', ...s }], tsa: [] }), { code: 'ERR_TRUST_INVALID' });
  t.throws(() => buildSigningConfig({ ca: [{ url: 'http://c', ...s, operator: '' }], oidc: [], rekor: [{ url: 'http://r', ...s }], tsa: [] }), { code: 'ERR_TRUST_INVALID' });
  t.equal(buildSigningConfig({ ca: [{ url: 'http://c', ...s }], oidc: [], rekor: [{ url: 'http://r', ...s, majorApiVersion: 2 }], tsa: [] }).rekorTlogUrls[0]!.majorApiVersion, 2, 'Rekor v2 is allowed');
});
