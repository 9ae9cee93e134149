import t from 'tap';
import { derEncode, TAG_NULL, TAG_SEQUENCE } from '../../src/keys/der.js';
import { pemDecode, pemEncode } from '../../src/keys/pem.js';
import { parsePublicKey } from '../../src/keys/public-key.js';
import {
  certificateDer,
  certificatePublicKey,
  certificatesToPem,
  DEFAULT_MAX_CHAIN,
  MAX_CERTIFICATE_BYTES,
  parseCertificate,
  parseCertificateChain,
} from '../../src/x509/certificate.js';
import { x509 } from '../../src/x509/index.js';
import { sigstoreExtension, SigstoreOid } from '../../src/x509/sigstore-extensions.js';
import { buildCa, buildLeaf, NOT_AFTER, NOT_BEFORE } from '../fixtures/keys-certs.js';
import * as K from '../fixtures/keys.js';

const MALFORMED = { code: 'ERR_CERT_MALFORMED' };
const ca = await buildCa();
const leaf = await buildLeaf(ca);
const leafDer = certificateDer(leaf);
const leafPem = certificatesToPem([leaf]);

t.test('parseCertificate reads PEM text, PEM bytes and DER', async (t) => {
  for (const input of [leafPem, new TextEncoder().encode(leafPem), leafDer]) {
    const cert = parseCertificate(input);
    t.equal(cert.serialNumber, '7b');
    t.equal(cert.issuer, 'CN=sigstack test CA, O=sigstack');
    t.equal(cert.subject, '');
    t.same([cert.notBefore, cert.notAfter], [NOT_BEFORE, NOT_AFTER]);
    t.same([...certificateDer(cert)], [...leafDer]);
  }
  const parsed = parseCertificate(leafPem);
  t.ok(await parsed.verify({ publicKey: parseCertificate(certificatesToPem([ca])).publicKey, signatureOnly: true }), 'the CA signature verifies');
});

t.test('certificatesToPem uses Go pem.Encode layout', async (t) => {
  t.equal(leafPem, pemEncode('CERTIFICATE', leafDer));
  const lines = leafPem.trimEnd().split('\n');
  t.equal(lines[0], '-----BEGIN CERTIFICATE-----');
  t.ok(lines.slice(1, -2).every((l) => l.length === 64));
  t.ok(leafPem.endsWith('-----END CERTIFICATE-----\n'));
  t.equal(certificatesToPem([]), '');
});

t.test('certificatePublicKey applies the key checks', async (t) => {
  const info = certificatePublicKey(leaf);
  t.equal(info.curve, 'P-256');
  t.same([...info.spki], [...parsePublicKey(K.P256_LEAF_PUBLIC).spki]);
});

t.test('parseCertificateChain reads 1..max certificates in order', async (t) => {
  const chain = parseCertificateChain(certificatesToPem([leaf, ca]));
  t.same(chain.map((c) => c.serialNumber), ['7b', '01']);
  t.equal(parseCertificateChain(`\n${leafPem}\n\n${leafPem}  \n`, { max: 2 }).length, 2);
  const ten = certificatesToPem(new Array(DEFAULT_MAX_CHAIN).fill(leaf));
  t.equal(parseCertificateChain(ten).length, 10);
  t.throws(() => parseCertificateChain(ten + leafPem), MALFORMED, 'eleven by default');
  t.throws(() => parseCertificateChain(certificatesToPem([leaf, ca, ca]), { max: 2 }), MALFORMED, 'three for max 2');
  t.throws(() => parseCertificateChain(leafPem + ' '.repeat(200_000), { max: 1 }), MALFORMED, 'text too long for the bound');
  for (const max of [0, -1, 1.5, Number.NaN]) t.throws(() => parseCertificateChain(leafPem, { max }), MALFORMED, `max ${max}`);
});

t.test('parseCertificateChain refuses anything but CERTIFICATE blocks', async (t) => {
  t.throws(() => parseCertificateChain(leafPem + K.P256_CA_PUBLIC), MALFORMED, 'a public key in the chain');
  t.throws(() => parseCertificateChain(''), MALFORMED, 'empty');
  t.throws(() => parseCertificateChain(`${leafPem}junk`), MALFORMED, 'trailing junk');
  t.throws(() => parseCertificateChain(leafDer as unknown as string), MALFORMED, 'bytes');
  t.throws(() => parseCertificateChain(pemEncode('CERTIFICATE', Uint8Array.of(0x30, 0))), MALFORMED, 'an empty certificate');
});

t.test('parseCertificate refuses hostile and malformed input cleanly', async (t) => {
  let nested = derEncode(TAG_NULL);
  while (nested.length < 55_000) nested = derEncode(TAG_SEQUENCE, nested);
  const ber = Uint8Array.of(0x30, 0x83, 0x00, ...leafDer.subarray(2));
  const cases: Record<string, string | Uint8Array> = {
    '55 KB of nested sequences (DER)': nested,
    '55 KB of nested sequences (PEM)': pemEncode('CERTIFICATE', nested),
    'a BER length': ber,
    'a trailing byte': Uint8Array.of(...leafDer, 0),
    truncated: leafDer.subarray(0, 200),
    'empty sequence': Uint8Array.of(0x30, 0),
    'not a certificate': derEncode(TAG_SEQUENCE, derEncode(TAG_NULL)),
    'too large': derEncode(TAG_SEQUENCE, new Uint8Array(MAX_CERTIFICATE_BYTES)),
    'too large PEM': ' '.repeat(100_000),
    'too large PEM bytes': new Uint8Array(100_000).fill(0x20),
    'two certificates': leafPem + leafPem,
    'a public key': K.P256_CA_PUBLIC,
    garbage: 'garbage',
    'binary garbage': Uint8Array.of(1, 2, 3),
    'empty bytes': new Uint8Array(),
  };
  for (const [name, input] of Object.entries(cases)) t.throws(() => parseCertificate(input), MALFORMED, name);
  t.throws(() => parseCertificate(null as unknown as string), MALFORMED, 'null');
  t.equal(pemDecode(pemEncode('CERTIFICATE', nested)).length, 1, 'the nested input is valid PEM, so the DER walk is what refuses it');
});

t.test('duplicate and malformed extensions are refused', async (t) => {
  const dup = await buildLeaf(ca, {
    extensions: [sigstoreExtension(SigstoreOid.issuerV2, 'a'), sigstoreExtension(SigstoreOid.issuerV2, 'b')],
  });
  t.throws(() => parseCertificate(certificateDer(dup)), MALFORMED, 'the same extension twice');
  const badKeyUsage = await buildLeaf(ca, { extensions: [new x509.Extension('2.5.29.15', true, Uint8Array.of(0x04, 0x00))] });
  t.throws(() => parseCertificate(certificateDer(badKeyUsage)), MALFORMED, 'a key usage that is not a bit string');
  const fine = await buildLeaf(ca, { extensions: [sigstoreExtension(SigstoreOid.issuerV2, 'a')] });
  t.equal(parseCertificate(certificateDer(fine)).extensions.length, 1);
});
