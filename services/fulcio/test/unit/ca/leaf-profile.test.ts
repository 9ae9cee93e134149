import t from 'tap';
import { createHash, X509Certificate as NodeCertificate } from 'node:crypto';
import { toHex } from '@sigstack/crypto/encoding';
import { decodeSigstoreExtension, sigstoreExtensions, subjectAltNameExtension as cryptoSan, subjectAltNames, x509 } from '@sigstack/crypto/x509';
import { derChildren, derDecode } from '@sigstack/crypto/der';
import { time } from '../../../src/ca/der.js';
import { CT_POISON, subjectAltNameExtension } from '../../../src/ca/leaf-extensions.js';
import { CertificateAuthority } from '../../../src/ca/certificate-authority.js';
import type { LeafIdentity } from '../../../src/ca/leaf-template.js';
import { CI_IDENTITY, counterRandom, EMAIL_IDENTITY, ISSUER, makeCA, newKey, NOW, referenceCertificate, selfSignedCA, tbsOf, USERNAME_IDENTITY } from './helpers.js';

const IDENTITIES: Record<string, LeafIdentity> = { email: EMAIL_IDENTITY, ci: CI_IDENTITY, username: USERNAME_IDENTITY };
const SUBJECT_KEYS = ['P-256', 'P-384', 'P-521', 'ed25519', 'rsa2048'] as const;

t.test('the fast TBS equals the one @peculiar/x509 builds from the same inputs', async (t) => {
  const ca = await makeCA();
  for (const [name, identity] of Object.entries(IDENTITIES)) {
    for (const keyType of SUBJECT_KEYS) {
      const leaf = ca.ca.prepareLeaf(identity, newKey(keyType).info);
      const precert = await ca.ca.buildPrecertificate(leaf);
      const reference = await referenceCertificate(ca, leaf, 'poison');
      t.same(toHex(tbsOf(precert)), toHex(tbsOf(reference)), `${name} identity, ${keyType} subject key, precertificate`);
      const plain = await referenceCertificate(ca, leaf, 'none');
      t.same(toHex(leaf.tbs()), toHex(tbsOf(plain)), `${name} identity, ${keyType} subject key, without poison`);
      // Certificate.signatureAlgorithm equals the reference's too.
      const algorithmOf = (der: Uint8Array) => toHex((derChildren(derDecode(der, 'c'), 'c')[1] as { raw: Uint8Array }).raw);
      t.equal(algorithmOf(precert), algorithmOf(reference));
    }
  }
});

t.test('every CA key type signs with its own algorithm, byte-identical to the reference', async (t) => {
  const cases = [
    { name: 'P-384 intermediate', make: () => makeCA({ curve: 'P-384' }), alg: '1.2.840.10045.4.3.3' },
    { name: 'P-521 root', make: () => selfSignedCA('P-521'), alg: '1.2.840.10045.4.3.4' },
    { name: 'RSA-2048 root', make: () => selfSignedCA('rsa2048'), alg: '1.2.840.113549.1.1.11' },
    { name: 'Ed25519 root', make: () => selfSignedCA('ed25519'), alg: '1.3.101.112' },
  ];
  for (const c of cases) {
    const ca = await c.make();
    const leaf = ca.ca.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info);
    const precert = await ca.ca.buildPrecertificate(leaf);
    t.equal(toHex(tbsOf(precert)), toHex(tbsOf(await referenceCertificate(ca, leaf, 'poison'))), `${c.name}: tbs`);
    t.ok(new NodeCertificate(precert).verify(new NodeCertificate(ca.ca.chain[0] as Uint8Array).publicKey), `${c.name}: signature verifies`);
    const sigAlg = derChildren(derDecode(precert, 'c'), 'c')[1] as { raw: Uint8Array };
    t.equal(toHex(sigAlg.raw).includes(oidHex(c.alg)), true, `${c.name}: algorithm ${c.alg}`);
    if (c.alg.startsWith('1.2.840.113549')) t.equal(toHex(sigAlg.raw).endsWith('0500'), true, 'rsa parameters are NULL');
  }
});

function oidHex(dotted: string): string {
  const arcs = dotted.split('.').map(Number);
  const bytes = [40 * (arcs[0] as number) + (arcs[1] as number)];
  for (const arc of arcs.slice(2)) {
    const chunk = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return Buffer.from(bytes).toString('hex');
}

t.test('the leaf has the upstream profile, field by field', async (t) => {
  const ca = await makeCA();
  const key = newKey('P-256');
  const leaf = ca.ca.prepareLeaf(EMAIL_IDENTITY, key.info);
  const der = await ca.ca.buildPrecertificate(leaf);
  const cert = new x509.X509Certificate(Uint8Array.from(der));
  const issuing = ca.signer.chain[0] as x509.X509Certificate;

  t.equal(toHex(tbsOf(der).subarray(0, 9)).slice(-10), 'a003020102', 'version v3');
  t.equal(cert.subject, '', 'empty subject');
  t.equal(toHex(new Uint8Array(cert.subjectName.toArrayBuffer())), '3000', 'subject is an empty SEQUENCE');
  t.equal(toHex(new Uint8Array(cert.issuerName.toArrayBuffer())), toHex(new Uint8Array(issuing.subjectName.toArrayBuffer())), 'issuer = the CA subject, byte for byte');
  t.equal(cert.notBefore.getTime(), Math.floor(NOW / 1000) * 1000, 'notBefore = now in whole seconds');
  t.equal(cert.notAfter.getTime() - cert.notBefore.getTime(), 600_000, 'notAfter = notBefore + 10 minutes');
  t.equal(cert.serialNumber, toHex(leaf.fields.serial).replace(/^(00)+/, ''), 'serial from the injected randomness');
  t.equal(toHex(new Uint8Array(cert.publicKey.rawData)), toHex(key.info.spki), 'the subject key');

  const types = cert.extensions.map((e) => e.type);
  t.same(types, ['2.5.29.15', '2.5.29.37', '2.5.29.14', '2.5.29.35', '2.5.29.17', '1.3.6.1.4.1.57264.1.1', '1.3.6.1.4.1.57264.1.8', '1.3.6.1.4.1.57264.1.24', '1.3.6.1.4.1.11129.2.4.3'], 'extension order');
  t.same(cert.extensions.map((e) => e.critical), [true, false, false, false, true, false, false, false, true], 'criticality');
  t.equal(cert.getExtension(x509.BasicConstraintsExtension), null, 'no basic constraints');
  t.equal(cert.getExtension(x509.KeyUsagesExtension)?.usages, x509.KeyUsageFlags.digitalSignature, 'key usage digitalSignature only');
  t.same(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages, ['1.3.6.1.5.5.7.3.3'], 'ext key usage codeSigning only');
  const bits = (derChildren(derDecode(key.info.spki, 'spki'), 'spki')[1] as { content: Uint8Array }).content.subarray(1);
  t.equal(cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId, createHash('sha1').update(bits).digest('hex'), 'SKI = SHA-1 of the key bits');
  t.equal(cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId, issuing.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId, 'AKI = CA SKI');
  t.same(subjectAltNames(cert).emails, ['alice@example.com'], 'SAN rfc822Name');
  t.same(sigstoreExtensions(cert), EMAIL_IDENTITY.extensions, 'sigstore extension values');
  const raw = (oid: string) => new Uint8Array((cert.getExtension(oid) as x509.Extension).value);
  t.equal(Buffer.from(raw('1.3.6.1.4.1.57264.1.1')).toString(), ISSUER, '.1 is raw UTF-8');
  t.equal(raw('1.3.6.1.4.1.57264.1.8')[0], 0x0c, '.8 is a DER UTF8String');
  t.equal(decodeSigstoreExtension('1.3.6.1.4.1.57264.1.8', raw('1.3.6.1.4.1.57264.1.8')), ISSUER);
  t.equal(toHex(raw('1.3.6.1.4.1.11129.2.4.3')), '0500', 'poison value is NULL');
  t.ok(new NodeCertificate(der).verify(new NodeCertificate(ca.ca.chain[0] as Uint8Array).publicKey), 'signed by the CA key');
  t.equal((cert.signatureAlgorithm as { name?: string }).name, 'ECDSA');
});

t.test('the username and URI identities get their SAN and only the extensions given', async (t) => {
  const ca = await makeCA();
  const user = new x509.X509Certificate(Uint8Array.from(await ca.ca.buildPrecertificate(ca.ca.prepareLeaf(USERNAME_IDENTITY, newKey('P-256').info))));
  t.same(subjectAltNames(user).usernames, ['bob!example.com']);
  t.equal(user.getExtension('2.5.29.17')?.critical, true);
  const ci = new x509.X509Certificate(Uint8Array.from(await ca.ca.buildPrecertificate(ca.ca.prepareLeaf(CI_IDENTITY, newKey('P-256').info))));
  t.same(subjectAltNames(ci).uris, [CI_IDENTITY.san.value]);
  const order = ci.extensions.map((e) => e.type).filter((o) => o.startsWith('1.3.6.1.4.1.57264.1.'));
  t.same(order, ['1', '2', '3', '4', '5', '6', ...Array.from({ length: 17 }, (_, i) => String(i + 8))].map((n) => `1.3.6.1.4.1.57264.1.${n}`), 'upstream order .1–.6, .8–.24');
  t.same(sigstoreExtensions(ci), CI_IDENTITY.extensions);
});

t.test('empty extension values are left out', async (t) => {
  const ca = await makeCA();
  const identity = { san: EMAIL_IDENTITY.san, extensions: { '1.3.6.1.4.1.57264.1.8': ISSUER, '1.3.6.1.4.1.57264.1.1': '', '1.3.6.1.4.1.57264.1.24': undefined } };
  const cert = new x509.X509Certificate(Uint8Array.from(await ca.ca.buildPrecertificate(ca.ca.prepareLeaf(identity, newKey('P-256').info))));
  t.same(Object.keys(sigstoreExtensions(cert)), ['1.3.6.1.4.1.57264.1.8']);
});

t.test('the SAN bytes equal those of @sigstack/crypto subjectAltNameExtension', async (t) => {
  const names = [
    { type: 'email', value: 'a.b+c@sub.example.org' },
    { type: 'uri', value: 'https://kubernetes.io/namespaces/default/serviceaccounts/default' },
    { type: 'uri', value: 'spiffe://example.org/ns/a/sa/b' },
    { type: 'username', value: 'jöhn!example.com' },
    { type: 'username', value: '😀!x' },
  ] as const;
  for (const name of names) t.equal(toHex(subjectAltNameExtension(name)), toHex(new Uint8Array(cryptoSan(name).rawData)), `${name.type} ${name.value}`);
});

t.test('identities that cannot be written are refused with ERR_IDENTITY_INVALID', async (t) => {
  const ca = await makeCA();
  const key = newKey('P-256').info;
  const bad: LeafIdentity[] = [
    { san: EMAIL_IDENTITY.san, extensions: { '1.3.6.1.4.1.57264.1.1': ISSUER } },
    { san: EMAIL_IDENTITY.san, extensions: { '1.3.6.1.4.1.57264.1.8': '' } },
    { san: EMAIL_IDENTITY.san, extensions: { '1.3.6.1.4.1.57264.1.8': ISSUER, '1.3.6.1.4.1.57264.1.7': 'x' } },
    { san: EMAIL_IDENTITY.san, extensions: { '1.3.6.1.4.1.57264.1.8': ISSUER, '1.2.3': 'x' } },
    { san: EMAIL_IDENTITY.san, extensions: { '1.3.6.1.4.1.57264.1.8': ISSUER, '1.3.6.1.4.1.57264.1.9': 'bad \ud800 value' } },
    { san: { type: 'email', value: '' }, extensions: EMAIL_IDENTITY.extensions },
    { san: { type: 'email', value: 'ålice@example.com' }, extensions: EMAIL_IDENTITY.extensions },
    { san: { type: 'uri', value: 'https://example.com/a b' }, extensions: EMAIL_IDENTITY.extensions },
    { san: { type: 'username', value: 'x\udc00' }, extensions: EMAIL_IDENTITY.extensions },
    { san: { type: 'dns', value: 'example.com' } as unknown as LeafIdentity['san'], extensions: EMAIL_IDENTITY.extensions },
  ];
  for (const identity of bad) t.throws(() => ca.ca.prepareLeaf(identity, key), { code: 'ERR_IDENTITY_INVALID' }, JSON.stringify(identity.san) + JSON.stringify(Object.keys(identity.extensions)));
});

t.test('serials are positive, below 2^159, and come from the injected randomness', async (t) => {
  const ones = await makeCA({ random: (n) => new Uint8Array(n).fill(0xff) });
  const leaf = ones.ca.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info);
  t.equal(toHex(leaf.fields.serial), `7f${'ff'.repeat(19)}`);
  const cert = new x509.X509Certificate(Uint8Array.from(await ones.ca.buildPrecertificate(leaf)));
  t.equal(cert.serialNumber, `7f${'ff'.repeat(19)}`);

  // A leading zero byte is dropped and a high bit after it gets a 0x00 pad: minimal positive INTEGER.
  let calls = 0;
  const zeros = await makeCA({ random: (n) => (calls++ === 0 ? new Uint8Array(n) : Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 0x80 : i === 1 ? 0x90 : 1))) });
  const retried = zeros.ca.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info);
  t.equal(retried.fields.serial[0], 0x00, 'an all-zero draw is retried; the top bit is cleared');
  t.ok(toHex(retried.tbs()).includes(`0214${'0090'}${'01'.repeat(18)}`), 'INTEGER 00 90 01…: 20 content bytes');
  const parsed = new x509.X509Certificate(Uint8Array.from(await zeros.ca.buildPrecertificate(retried)));
  t.equal(parsed.serialNumber, `90${'01'.repeat(18)}`);

  const broken = await makeCA({ random: (n) => new Uint8Array(n) });
  t.throws(() => broken.ca.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info), /zero serial/);
  const short = await makeCA({ random: () => new Uint8Array(4) });
  t.throws(() => short.ca.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info), /4 bytes/);
});

t.test('times are UTCTime up to 2049 and GeneralizedTime from 2050, in whole seconds', async (t) => {
  t.equal(Buffer.from(time(Date.UTC(2026, 0, 15, 12, 0, 5, 999))).toString('latin1').slice(2), '260115120005Z');
  t.equal(time(Date.UTC(2049, 11, 31, 23, 59, 59))[0], 0x17);
  t.equal(Buffer.from(time(Date.UTC(2050, 0, 1))).toString('latin1').slice(2), '20500101000000Z');
  t.equal(time(Date.UTC(2050, 0, 1))[0], 0x18);
  t.equal(Buffer.from(time(Date.UTC(1950, 0, 1))).toString('latin1').slice(2), '500101000000Z');
  t.equal(Buffer.from(time(Date.UTC(1949, 11, 31))).toString('latin1').slice(2), '19491231000000Z');

  const at = Date.UTC(2049, 11, 31, 23, 55, 0, 500);
  const ca = await makeCA({ at });
  const leaf = ca.ca.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info);
  t.equal(toHex(tbsOf(await ca.ca.buildPrecertificate(leaf))), toHex(tbsOf(await referenceCertificate(ca, leaf, 'poison'))), 'a leaf across 2050 matches the reference');
  const cert = new x509.X509Certificate(Uint8Array.from(await ca.ca.buildPrecertificate(leaf)));
  t.equal(cert.notAfter.toISOString(), '2050-01-01T00:05:00.000Z');
});

t.test('a leaf that would outlive the issuing certificate is refused with ERR_CA_UNAVAILABLE', async (t) => {
  const ca = await makeCA();
  let first = true;
  // The start-up check runs at NOW; the request comes 5 minutes before the chain expires.
  const expiry = (ca.signer.chain[0] as x509.X509Certificate).notAfter.getTime();
  const late = new CertificateAuthority({ signer: ca.signer, clock: () => (first ? ((first = false), NOW) : expiry - 300_000), random: counterRandom() });
  t.throws(() => late.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info), { code: 'ERR_CA_UNAVAILABLE' });
});

t.test('a leaf prepared by one CA cannot be signed by another', async (t) => {
  const a = await makeCA();
  const b = await makeCA();
  const leaf = a.ca.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info);
  await t.rejects(b.ca.buildPrecertificate(leaf), /another certificate authority/);
  await t.rejects(b.ca.buildFinalCertificate(leaf, []), /another certificate authority/);
});

t.test('the poison is the last extension of the precertificate and absent from the plain TBS', async (t) => {
  const ca = await makeCA();
  const leaf = ca.ca.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info);
  const precert = tbsOf(await ca.ca.buildPrecertificate(leaf));
  t.equal(toHex(precert).endsWith(toHex(CT_POISON)), true);
  t.equal(toHex(leaf.tbs()).includes(toHex(CT_POISON)), false);
});
