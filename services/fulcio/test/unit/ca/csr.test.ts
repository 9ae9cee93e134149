import t from 'tap';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '@sigstack/crypto/encoding';
import { subjectAltNames, x509 } from '@sigstack/crypto/x509';
import { parseCertificateRequest } from '../../../src/ca/csr.js';
import { derChildren, derDecode, derEncode, derOid } from '@sigstack/crypto/der';
import { EMAIL_IDENTITY, makeCA, newKey } from './helpers.js';
import {
  csrPem,
  ECDSA_SHA256,
  ECDSA_SHA384,
  ECDSA_SHA512,
  ED25519,
  makeCsr,
  name,
  nestedSequences,
  RSA_PSS,
  RSA_SHA1,
  RSA_SHA256,
  RSA_SHA384,
} from './hostile.js';

t.test('CSRs of every allowed key and algorithm pair parse, and the key is returned', async (t) => {
  const cases = [
    { type: 'P-256', algorithm: ECDSA_SHA256, hash: 'sha256' },
    { type: 'P-384', algorithm: ECDSA_SHA384, hash: 'sha384' },
    { type: 'P-521', algorithm: ECDSA_SHA512, hash: 'sha512' },
    { type: 'rsa2048', algorithm: RSA_SHA256, hash: 'sha256', params: Uint8Array.of(5, 0) },
    { type: 'rsa3072', algorithm: RSA_SHA256, hash: 'sha256' },
    { type: 'ed25519', algorithm: ED25519, hash: null },
  ] as const;
  for (const c of cases) {
    const { privateKey, info } = newKey(c.type);
    const request = parseCertificateRequest(csrPem(makeCsr({ key: privateKey, algorithm: c.algorithm, hash: c.hash, ...('params' in c ? { params: c.params } : {}) })));
    t.equal(toHex(request.publicKey.spki), toHex(info.spki), c.type);
    t.equal(request.signatureHash, c.hash ?? 'sha512');
  }
});

t.test('a CSR made by openssl req parses, as text or as bytes, under either label', async (t) => {
  const dir = t.testdir();
  const { privateKey, info } = newKey('P-256');
  writeFileSync(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const pem = execFileSync('openssl', ['req', '-new', '-key', join(dir, 'key.pem'), '-subj', '/CN=whoever/emailAddress=x@example.com', '-addext', 'subjectAltName=email:mallory@evil.example', '-addext', 'basicConstraints=critical,CA:FALSE'], { encoding: 'utf8' });
  t.equal(toHex(parseCertificateRequest(pem).publicKey.spki), toHex(info.spki));
  t.equal(toHex(parseCertificateRequest(Buffer.from(pem)).publicKey.spki), toHex(info.spki));
  const legacy = pem.replaceAll('CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST');
  t.equal(toHex(parseCertificateRequest(legacy).publicKey.spki), toHex(info.spki));
});

t.test('a CSR made by @peculiar/x509 parses', async (t) => {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=someone', keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'email', value: 'mallory@evil.example' }])] });
  const request = parseCertificateRequest(csr.toString('pem'));
  t.equal(request.publicKey.curve, 'P-256');
});

t.test('B.18: SANs, extensions and subject requested in the CSR are ignored', async (t) => {
  const { ca } = await makeCA();
  const { privateKey } = newKey('P-256');
  const request = parseCertificateRequest(csrPem(makeCsr({ key: privateKey, algorithm: ECDSA_SHA256, hash: 'sha256', subject: name('2.5.4.3', 0x0c, Buffer.from('admin')) })));
  const cert = new x509.X509Certificate(Uint8Array.from(await ca.buildPrecertificate(ca.prepareLeaf(EMAIL_IDENTITY, request.publicKey))));
  t.same(subjectAltNames(cert).emails, ['alice@example.com']);
  t.equal(cert.subject, '');
  t.notOk(cert.toString('pem').includes('mallory'));
  t.equal(new x509.X509Certificate(cert.rawData).extensions.filter((e) => e.type === '2.5.29.17').length, 1);
});

t.test('B.18: a broken self-signature is refused with ERR_SIGNATURE_INVALID', async (t) => {
  const a = newKey('P-256');
  const b = newKey('P-256');
  const flip = (s: Uint8Array) => {
    const out = Uint8Array.from(s);
    out[out.length - 1] = (out[out.length - 1] as number) ^ 1;
    return out;
  };
  const cases = {
    'flipped bit': makeCsr({ key: a.privateKey, algorithm: ECDSA_SHA256, hash: 'sha256', tamper: flip }),
    'signed by another key': makeCsr({ key: b.privateKey, spki: a.info.spki, algorithm: ECDSA_SHA256, hash: 'sha256' }),
    'raw r ‖ s instead of DER': makeCsr({ key: a.privateKey, algorithm: ECDSA_SHA256, hash: 'sha256', dsaEncoding: 'ieee-p1363' }),
    'ed25519 flipped': makeCsr({ key: newKey('ed25519').privateKey, algorithm: ED25519, hash: null, tamper: flip }),
    'rsa flipped': makeCsr({ key: newKey('rsa2048').privateKey, algorithm: RSA_SHA256, hash: 'sha256', tamper: flip }),
  };
  for (const [label, der] of Object.entries(cases)) t.throws(() => parseCertificateRequest(csrPem(der)), { code: 'ERR_SIGNATURE_INVALID' }, label);
});

t.test('B.18: a disallowed algorithm or key/hash pair is refused with ERR_ALGORITHM_UNSUPPORTED', async (t) => {
  const p256 = newKey('P-256').privateKey;
  const p384 = newKey('P-384').privateKey;
  const rsa = newKey('rsa2048').privateKey;
  const cases = {
    'RSASSA-PSS': makeCsr({ key: rsa, algorithm: RSA_PSS, hash: 'sha256', pss: true }),
    'sha1WithRSAEncryption': makeCsr({ key: rsa, algorithm: RSA_SHA1, hash: 'sha1' }),
    'RSA with SHA-384': makeCsr({ key: rsa, algorithm: RSA_SHA384, hash: 'sha384' }),
    'P-384 with SHA-256': makeCsr({ key: p384, algorithm: ECDSA_SHA256, hash: 'sha256' }),
    'P-256 with SHA-384': makeCsr({ key: p256, algorithm: ECDSA_SHA384, hash: 'sha384' }),
    'an ECDSA algorithm on an RSA key': makeCsr({ key: rsa, algorithm: ECDSA_SHA256, hash: 'sha256' }),
    'ECDSA with NULL parameters': makeCsr({ key: p256, algorithm: ECDSA_SHA256, hash: 'sha256', params: Uint8Array.of(5, 0) }),
    'RSA with other parameters': makeCsr({ key: rsa, algorithm: RSA_SHA256, hash: 'sha256', params: Uint8Array.of(2, 1, 0) }),
    'an unknown OID': makeCsr({ key: p256, algorithm: '1.2.3.4', hash: 'sha256' }),
  };
  for (const [label, der] of Object.entries(cases)) t.throws(() => parseCertificateRequest(csrPem(der)), { code: 'ERR_ALGORITHM_UNSUPPORTED' }, label);
  t.throws(() => parseCertificateRequest(csrPem(cases['RSASSA-PSS'])), { message: /unrecognized signature algorithm: RSASSA-PSS/ });
});

t.test('B.15 in a CSR: keys outside the allowed set are refused as unsupported', async (t) => {
  const p224 = generateKeyPairSync('ec', { namedCurve: 'secp224r1' }).privateKey;
  const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  for (const [label, key] of Object.entries({ 'P-224': p224, secp256k1: k1, 'RSA-1024': rsa1024 })) {
    const algorithm = key.asymmetricKeyType === 'rsa' ? RSA_SHA256 : ECDSA_SHA256;
    t.throws(() => parseCertificateRequest(csrPem(makeCsr({ key, algorithm, hash: 'sha256' }))), { code: 'ERR_KEY_UNSUPPORTED' }, label);
  }
});

t.test('B.17 in a CSR: malformed requests are refused with ERR_CSR_MALFORMED, without a crash', async (t) => {
  const { privateKey, info } = newKey('P-256');
  const good = makeCsr({ key: privateKey, algorithm: ECDSA_SHA256, hash: 'sha256' });
  const offCurve = Uint8Array.from(info.spki);
  offCurve[offCurve.length - 1] = (offCurve[offCurve.length - 1] as number) ^ 1;
  const cases: Record<string, string | Uint8Array> = {
    'bare DER': good,
    'empty': '',
    'two blocks': csrPem(good) + csrPem(good),
    'wrong label': csrPem(good, 'CERTIFICATE'),
    'trailing garbage': `${csrPem(good)}x`,
    'truncated': csrPem(good.subarray(0, good.length - 3)),
    'trailing der byte': csrPem(Uint8Array.from([...good, 0])),
    'non-minimal length': csrPem(Uint8Array.from([0x30, 0x82, 0x00, good[1] as number, ...good.subarray(2)])),
    'version 1': csrPem(makeCsr({ key: privateKey, algorithm: ECDSA_SHA256, hash: 'sha256', version: 1 })),
    'no attributes field': csrPem(makeCsr({ key: privateKey, algorithm: ECDSA_SHA256, hash: 'sha256', attributes: null })),
    'attributes that are not attributes': csrPem(makeCsr({ key: privateKey, algorithm: ECDSA_SHA256, hash: 'sha256', attributes: derEncode(0xa0, derEncode(0x02, Uint8Array.of(1))) })),
    'an extension request that is not extensions': csrPem(makeCsr({ key: privateKey, algorithm: ECDSA_SHA256, hash: 'sha256', attributes: derEncode(0xa0, derEncode(0x30, derOid('1.2.840.113549.1.9.14'), derEncode(0x31, derEncode(0x30, derEncode(0x30, derOid('2.5.29.17')))))) })),
    'a non-ASCII IA5String emailAddress (sigstore-python#1507)': csrPem(makeCsr({ key: privateKey, algorithm: ECDSA_SHA256, hash: 'sha256', subject: name('1.2.840.113549.1.9.1', 0x16, Buffer.from('jöhn@example.com')) })),
    'a PrintableString with an @': csrPem(makeCsr({ key: privateKey, algorithm: ECDSA_SHA256, hash: 'sha256', subject: name('2.5.4.3', 0x13, Buffer.from('a@b')) })),
    'an invalid UTF8String': csrPem(makeCsr({ key: privateKey, algorithm: ECDSA_SHA256, hash: 'sha256', subject: name('2.5.4.3', 0x0c, Uint8Array.of(0xc3, 0x28)) })),
    'an odd BMPString': csrPem(makeCsr({ key: privateKey, algorithm: ECDSA_SHA256, hash: 'sha256', subject: name('2.5.4.3', 0x1e, Uint8Array.of(0, 0x41, 0)) })),
    'a subject that is not a Name': csrPem(makeCsr({ key: privateKey, algorithm: ECDSA_SHA256, hash: 'sha256', subject: derEncode(0x30, derEncode(0x30, Uint8Array.of())) })),
    'an off-curve key': csrPem(makeCsr({ key: privateKey, spki: offCurve, algorithm: ECDSA_SHA256, hash: 'sha256' })),
    'a signature algorithm without an OID': csrPem(Uint8Array.from(derEncode(0x30, ...splitCsr(good, derEncode(0x30, derEncode(0x05, Uint8Array.of())))))),
    '~40 KB of nested SEQUENCEs': csrPem(nestedSequences(40_000)),
    '~55 KB of nested SEQUENCEs (over the size bound)': csrPem(nestedSequences(55_000)),
    'not a string or bytes': 42 as unknown as string,
  };
  for (const [label, input] of Object.entries(cases)) t.throws(() => parseCertificateRequest(input), { code: 'ERR_CSR_MALFORMED' }, label);
});

/** The CSR's info and signature with `algorithm` in between: the three children of a new CertificationRequest. */
function splitCsr(der: Uint8Array, algorithm: Uint8Array): Uint8Array[] {
  const [info, , signature] = derChildren(derDecode(der, 'csr'), 'csr');
  return [(info as { raw: Uint8Array }).raw, algorithm, (signature as { raw: Uint8Array }).raw];
}
