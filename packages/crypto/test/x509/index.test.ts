import t from 'tap';
import * as entry from '../../src/x509/index.js';

t.test('the x509 entry point exports the helpers and the library namespace', async (t) => {
  for (const name of [
    'buildSigstoreExtensions', 'decodeSigstoreExtension', 'encodeSigstoreExtension', 'sigstoreExtension', 'sigstoreExtensionInfo', 'sigstoreExtensions',
    'decodeSubjectAltNames', 'subjectAltNameExtension', 'subjectAltNames',
    'certificateDer', 'certificatePublicKey', 'certificatesToPem', 'parseCertificate', 'parseCertificateChain',
  ] as const) {
    t.equal(typeof entry[name], 'function', name);
  }
  t.equal(entry.SIGSTORE_EXTENSIONS.length, 23);
  t.equal(entry.SIGSTORE_OID_ARC, '1.3.6.1.4.1.57264.1');
  t.equal(entry.OID_SUBJECT_ALT_NAME, '2.5.29.17');
  t.equal(entry.DEFAULT_MAX_CHAIN, 10);
  t.equal(entry.MAX_CERTIFICATE_BYTES, 65536);
  t.equal(typeof entry.x509.X509CertificateGenerator, 'function');
  t.equal(typeof entry.SigstoreOid.tokenSubject, 'string');
});
