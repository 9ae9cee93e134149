import t from 'tap';
import { serializeSct } from '../../../src/ca/sct.js';
import { EMAIL_IDENTITY, makeCA, newKey, NOW, openssl, USERNAME_IDENTITY, writePem } from './helpers.js';

const SCT = serializeSct({
  version: 0,
  logId: new Uint8Array(32).fill(0x11),
  timestamp: NOW,
  extensions: new Uint8Array(0),
  signature: Uint8Array.from([4, 3, 0, 4, 0xde, 0xad, 0xbe, 0xef]),
});
/** A time inside the leaf's 10 minutes, for `openssl verify -attime`. */
const AT = String(Math.floor(NOW / 1000) + 60);

t.test('openssl x509 -text shows the profile of the final certificate', async (t) => {
  const { ca } = await makeCA();
  const leaf = ca.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info);
  const dir = t.testdir();
  const text = openssl(['x509', '-in', writePem(dir, 'leaf.pem', await ca.buildFinalCertificate(leaf, [SCT])), '-text', '-noout']);
  t.match(text, /Version: 3 \(0x2\)/);
  t.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
  t.match(text, /Issuer: O = sigstack test, CN = test intermediate/);
  t.match(text, /Not Before: Jan 15 12:00:00 2026 GMT/);
  t.match(text, /Not After : Jan 15 12:10:00 2026 GMT/);
  t.match(text, /Subject: *\n/, 'empty subject');
  t.match(text, /X509v3 Key Usage: critical\s+Digital Signature\n/);
  t.match(text, /X509v3 Extended Key Usage: \s+Code Signing\n/);
  t.match(text, /X509v3 Subject Key Identifier: \s+[0-9A-F:]{59}\n/);
  t.match(text, /X509v3 Authority Key Identifier: \s+(keyid:)?[0-9A-F:]{59}\n/);
  t.match(text, /X509v3 Subject Alternative Name: critical\s+email:alice@example.com\n/);
  t.match(text, /1\.3\.6\.1\.4\.1\.57264\.1\.1: \s+https:\/\/issuer\.example\.com\n/);
  t.match(text, /1\.3\.6\.1\.4\.1\.57264\.1\.8: \s+\.\.https:\/\/issuer\.example\.com\n/, '.8 is a UTF8String (tag and length shown as dots)');
  t.match(text, /CT Precertificate SCTs: \s+Signed Certificate Timestamp:\s+Version\s+: v1 \(0x0\)\s+Log ID\s+: 11:11/);
  t.notMatch(text, /Basic Constraints/);
  t.notMatch(text, /Poison/);
});

t.test('openssl x509 -text shows the poison of the precertificate and the username SAN', async (t) => {
  const { ca } = await makeCA();
  const leaf = ca.prepareLeaf(USERNAME_IDENTITY, newKey('ed25519').info);
  const text = openssl(['x509', '-in', writePem(t.testdir(), 'pre.pem', await ca.buildPrecertificate(leaf)), '-text', '-noout']);
  t.match(text, /CT Precertificate Poison: critical\s+NULL/);
  t.match(text, /X509v3 Subject Alternative Name: critical\s+othername: 1\.3\.6\.1\.4\.1\.57264\.1\.7::bob!example\.com/);
  t.match(text, /Public Key Algorithm: ED25519/);
  t.notMatch(text, /CT Precertificate SCTs/);
});

t.test('openssl verify accepts leaf → intermediate → root, strictly, inside the validity', async (t) => {
  const { ca } = await makeCA();
  const dir = t.testdir();
  const root = writePem(dir, 'root.pem', ca.chain[1] as Uint8Array);
  const intermediate = writePem(dir, 'intermediate.pem', ca.chain[0] as Uint8Array);
  for (const [name, identity, key] of [['email', EMAIL_IDENTITY, 'P-256'], ['username', USERNAME_IDENTITY, 'rsa2048']] as const) {
    const leaf = writePem(dir, `${name}.pem`, await ca.buildFinalCertificate(ca.prepareLeaf(identity, newKey(key).info), [SCT]));
    t.equal(openssl(['verify', '-x509_strict', '-attime', AT, '-CAfile', root, '-untrusted', intermediate, leaf]).trim(), `${leaf}: OK`, name);
  }
});

t.test('openssl verify refuses the leaf after its ten minutes and under another root', async (t) => {
  const { ca } = await makeCA();
  const other = await makeCA();
  const dir = t.testdir();
  const leaf = writePem(dir, 'leaf.pem', await ca.buildFinalCertificate(ca.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info), [SCT]));
  const intermediate = writePem(dir, 'intermediate.pem', ca.chain[0] as Uint8Array);
  const late = String(Math.floor(NOW / 1000) + 601);
  t.throws(() => openssl(['verify', '-attime', late, '-CAfile', writePem(dir, 'root.pem', ca.chain[1] as Uint8Array), '-untrusted', intermediate, leaf]), /certificate has expired/);
  t.throws(() => openssl(['verify', '-attime', AT, '-CAfile', writePem(dir, 'other.pem', other.ca.chain[1] as Uint8Array), '-untrusted', intermediate, leaf]), /unable to get (local )?issuer certificate/);
});

t.test('openssl verify accepts the CA chain itself', async (t) => {
  const { ca } = await makeCA();
  const dir = t.testdir();
  const intermediate = writePem(dir, 'intermediate.pem', ca.chain[0] as Uint8Array);
  t.equal(openssl(['verify', '-x509_strict', '-attime', AT, '-CAfile', writePem(dir, 'root.pem', ca.chain[1] as Uint8Array), intermediate]).trim(), `${intermediate}: OK`);
  const text = openssl(['x509', '-in', intermediate, '-text', '-noout']);
  t.match(text, /X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
  t.match(text, /X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);
  t.match(text, /X509v3 Extended Key Usage: \s+Code Signing/);
});
