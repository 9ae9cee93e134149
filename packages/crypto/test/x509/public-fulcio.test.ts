import t from 'tap';
import { verifySignature } from '../../src/keys/signature.js';
import { certificatePublicKey, parseCertificate, certificatesToPem } from '../../src/x509/certificate.js';
import { subjectAltNames } from '../../src/x509/san.js';
import { sigstoreExtensions, SigstoreOid } from '../../src/x509/sigstore-extensions.js';
import { FULCIO_LEAF_B64, FULCIO_LEAF_DIGEST_B64, FULCIO_LEAF_SAN_URI, FULCIO_LEAF_SIGNATURE_B64 } from '../fixtures/keys-public-fulcio.js';

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const leaf = parseCertificate(b64(FULCIO_LEAF_B64));

t.test('a real public-good Fulcio leaf parses, also from PEM', async (t) => {
  t.equal(leaf.issuer, 'O=sigstore.dev, CN=sigstore-intermediate');
  t.equal(leaf.subject, '');
  t.equal(leaf.notAfter.getTime() - leaf.notBefore.getTime(), 10 * 60 * 1000, 'ten minutes');
  t.equal(parseCertificate(certificatesToPem([leaf])).serialNumber, leaf.serialNumber);
});

t.test('its Sigstore extensions and SAN read back', async (t) => {
  const exts = sigstoreExtensions(leaf);
  t.equal(Object.keys(exts).length, 20, '.1–.6 and .8–.21');
  t.equal(exts[SigstoreOid.issuer], 'https://token.actions.githubusercontent.com');
  t.equal(exts[SigstoreOid.issuerV2], exts[SigstoreOid.issuer]);
  t.equal(exts[SigstoreOid.runnerEnvironment], 'github-hosted');
  t.equal(exts[SigstoreOid.buildSignerUri], FULCIO_LEAF_SAN_URI);
  t.equal(exts[SigstoreOid.sourceRepositoryIdentifier], '632596897');
  t.same(subjectAltNames(leaf), { emails: [], uris: [FULCIO_LEAF_SAN_URI], dnsNames: [], ipAddresses: [], usernames: [] });
});

t.test('its hashedrekord signature verifies over the digest alone', async (t) => {
  const key = certificatePublicKey(leaf);
  t.equal(key.curve, 'P-256');
  const digest = b64(FULCIO_LEAF_DIGEST_B64);
  const signature = b64(FULCIO_LEAF_SIGNATURE_B64);
  t.ok(verifySignature(key, digest, signature, { prehashed: true }));
  const other = Uint8Array.from(digest);
  other[0] = (other[0] as number) ^ 0x80;
  t.notOk(verifySignature(key, other, signature, { prehashed: true }));
});
