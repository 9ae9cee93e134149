/**
 * ASN.1 types of RFC 3161 tokens that the @peculiar packages do not define the way a verifier
 * needs them, declared with @peculiar/asn1-schema (decorators applied as plain calls: the build
 * has no decorator syntax):
 * - `TstInfoRawTime`: TSTInfo (RFC 3161 §2.4.2) with `genTime` kept as its raw TLV, so that its
 *   text is checked against the one form RFC 3161 allows (asn1-tsp's TSTInfo turns it into a Date
 *   and accepts local times and offsets);
 * - the ESS signing-certificate attributes (RFC 2634 §5.4, RFC 5035 §3) that bind a CMS signature
 *   to the TSA certificate.
 */
import { AsnArray, AsnIntegerArrayBufferConverter, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import { Accuracy, MessageImprint } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier, Extensions, GeneralName, GeneralNames } from '@peculiar/asn1-x509';

/** id-aa-signingCertificate (RFC 2634 §5.4): ESSCertID with a SHA-1 certificate hash. */
export const ID_AA_SIGNING_CERTIFICATE = '1.2.840.113549.1.9.16.2.12';
/** id-aa-signingCertificateV2 (RFC 5035 §3): ESSCertIDv2 with any hash, SHA-256 by default. */
export const ID_AA_SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';

/** `TSTInfo` with `genTime` as the raw DER of the GeneralizedTime (tag, length and text). */
export class TstInfoRawTime {
  version = 0;
  policy = '';
  messageImprint = new MessageImprint();
  serialNumber = new ArrayBuffer(0);
  genTime = new ArrayBuffer(0);
  accuracy?: Accuracy;
  ordering = false;
  nonce?: ArrayBuffer;
  tsa?: GeneralName;
  extensions?: Extensions;
}
AsnProp({ type: AsnPropTypes.Integer })(TstInfoRawTime.prototype, 'version');
AsnProp({ type: AsnPropTypes.ObjectIdentifier })(TstInfoRawTime.prototype, 'policy');
AsnProp({ type: MessageImprint })(TstInfoRawTime.prototype, 'messageImprint');
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })(TstInfoRawTime.prototype, 'serialNumber');
AsnProp({ type: AsnPropTypes.Any })(TstInfoRawTime.prototype, 'genTime');
AsnProp({ type: Accuracy, optional: true })(TstInfoRawTime.prototype, 'accuracy');
AsnProp({ type: AsnPropTypes.Boolean, defaultValue: false })(TstInfoRawTime.prototype, 'ordering');
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter, optional: true })(TstInfoRawTime.prototype, 'nonce');
AsnProp({ type: GeneralName, context: 0, optional: true })(TstInfoRawTime.prototype, 'tsa');
AsnProp({ type: Extensions, context: 1, implicit: true, optional: true })(TstInfoRawTime.prototype, 'extensions');

/** `IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }`. */
export class IssuerSerial {
  issuer = new GeneralNames();
  serialNumber = new ArrayBuffer(0);
  constructor(params: Partial<IssuerSerial> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: GeneralNames })(IssuerSerial.prototype, 'issuer');
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })(IssuerSerial.prototype, 'serialNumber');

/** `ESSCertID ::= SEQUENCE { certHash OCTET STRING (SHA-1), issuerSerial IssuerSerial OPTIONAL }`. */
export class EssCertId {
  certHash = new OctetString();
  issuerSerial?: IssuerSerial;
  constructor(params: Partial<EssCertId> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: OctetString })(EssCertId.prototype, 'certHash');
AsnProp({ type: IssuerSerial, optional: true })(EssCertId.prototype, 'issuerSerial');

/** `ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT {id-sha256}, certHash, issuerSerial OPTIONAL }`. */
export class EssCertIdV2 {
  hashAlgorithm?: AlgorithmIdentifier;
  certHash = new OctetString();
  issuerSerial?: IssuerSerial;
  constructor(params: Partial<EssCertIdV2> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: AlgorithmIdentifier, optional: true })(EssCertIdV2.prototype, 'hashAlgorithm');
AsnProp({ type: OctetString })(EssCertIdV2.prototype, 'certHash');
AsnProp({ type: IssuerSerial, optional: true })(EssCertIdV2.prototype, 'issuerSerial');

/** `SigningCertificate ::= SEQUENCE { certs SEQUENCE OF ESSCertID, policies OPTIONAL }` (policies ignored). */
export class SigningCertificate {
  certs: EssCertId[] = [];
  policies?: ArrayBuffer;
  constructor(params: Partial<SigningCertificate> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: EssCertId, repeated: 'sequence' })(SigningCertificate.prototype, 'certs');
AsnProp({ type: AsnPropTypes.Any, optional: true })(SigningCertificate.prototype, 'policies');

/** `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies OPTIONAL }` (policies ignored). */
export class SigningCertificateV2 {
  certs: EssCertIdV2[] = [];
  policies?: ArrayBuffer;
  constructor(params: Partial<SigningCertificateV2> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: EssCertIdV2, repeated: 'sequence' })(SigningCertificateV2.prototype, 'certs');
AsnProp({ type: AsnPropTypes.Any, optional: true })(SigningCertificateV2.prototype, 'policies');

/** `SET OF ANY`: the signed attributes re-encoded with the SET tag the CMS signature covers (RFC 5652 §5.4). */
export class AnySet extends AsnArray<ArrayBuffer> {
  constructor(items?: ArrayBuffer[]) {
    super(items);
    Object.setPrototypeOf(this, AnySet.prototype);
  }
}
AsnType({ type: AsnTypeTypes.Set, itemType: AsnPropTypes.Any })(AnySet);
