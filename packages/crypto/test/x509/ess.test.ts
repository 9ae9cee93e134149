import t from 'tap';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, GeneralName, GeneralNames } from '@peculiar/asn1-x509';
import { EssCertId, EssCertIdV2, ID_AA_SIGNING_CERTIFICATE, ID_AA_SIGNING_CERTIFICATE_V2, IssuerSerial, SigningCertificate, SigningCertificateV2 } from '../../src/x509/index.js';

const hex = (b: ArrayBuffer) => Buffer.from(b).toString('hex');
const issuerSerial = () => new IssuerSerial({ issuer: new GeneralNames([new GeneralName({ dNSName: 'tsa.example' })]), serialNumber: new Uint8Array([0x01, 0x02]).buffer });

t.test('the attribute OIDs are RFC 2634 and RFC 5035 id-aa-signingCertificate(V2)', async (t) => {
  t.equal(ID_AA_SIGNING_CERTIFICATE, '1.2.840.113549.1.9.16.2.12');
  t.equal(ID_AA_SIGNING_CERTIFICATE_V2, '1.2.840.113549.1.9.16.2.47');
});

t.test('SigningCertificateV2 round-trips, and a SHA-256 ESSCertIDv2 leaves the default hash out', async (t) => {
  const value = new SigningCertificateV2({ certs: [new EssCertIdV2({ certHash: new OctetString(new Uint8Array(32).fill(7)), issuerSerial: issuerSerial() })] });
  const der = AsnConvert.serialize(value);
  const back = AsnConvert.parse(der, SigningCertificateV2);
  t.equal(back.certs.length, 1);
  t.equal(back.certs[0]!.hashAlgorithm, undefined, 'no hashAlgorithm: SHA-256 is the DEFAULT');
  t.equal(hex(back.certs[0]!.certHash.buffer), '07'.repeat(32));
  t.equal(hex(back.certs[0]!.issuerSerial!.serialNumber), '0102');
  t.equal(back.policies, undefined);
  t.equal(hex(AsnConvert.serialize(back)), hex(der), 'the same DER again');
  const sha384 = new EssCertIdV2({ hashAlgorithm: new AlgorithmIdentifier({ algorithm: '2.16.840.1.101.3.4.2.2' }), certHash: new OctetString(new Uint8Array(48)) });
  t.equal(AsnConvert.parse(AsnConvert.serialize(new SigningCertificateV2({ certs: [sha384] })), SigningCertificateV2).certs[0]!.hashAlgorithm?.algorithm, '2.16.840.1.101.3.4.2.2');
});

t.test('SigningCertificate (v1, SHA-1 hashes) round-trips', async (t) => {
  const der = AsnConvert.serialize(new SigningCertificate({ certs: [new EssCertId({ certHash: new OctetString(new Uint8Array(20).fill(9)), issuerSerial: issuerSerial() }), new EssCertId({ certHash: new OctetString(new Uint8Array(20)) })] }));
  const back = AsnConvert.parse(der, SigningCertificate);
  t.equal(back.certs.length, 2);
  t.equal(hex(back.certs[0]!.certHash.buffer), '09'.repeat(20));
  t.equal(back.certs[1]!.issuerSerial, undefined);
});

t.test('empty values construct', async (t) => {
  t.same(new SigningCertificate().certs, []);
  t.same(new SigningCertificateV2().certs, []);
  t.equal(new EssCertId().issuerSerial, undefined);
  t.equal(new EssCertIdV2().hashAlgorithm, undefined);
  t.equal(new IssuerSerial().serialNumber.byteLength, 0);
});
