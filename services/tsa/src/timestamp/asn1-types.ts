/**
 * ASN.1 types the @peculiar packages do not define, declared with @peculiar/asn1-schema (decorators
 * applied as plain calls: the build has no decorator syntax) so that the library does all encoding.
 */
import { AsnArray, AsnIntegerArrayBufferConverter, AsnProp, AsnPropTypes, AsnSerializer, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import { Attribute, id_signedData, SignedData } from '@peculiar/asn1-cms';
import { AlgorithmIdentifier, GeneralNames } from '@peculiar/asn1-x509';

/** id-aa-signingCertificateV2 (RFC 5035 §3). */
export const ID_AA_SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';

/** `IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }` (RFC 5035). */
export class IssuerSerial {
  issuer = new GeneralNames();
  serialNumber = new ArrayBuffer(0);
  constructor(params: Partial<IssuerSerial> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: GeneralNames })(IssuerSerial.prototype, 'issuer');
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })(IssuerSerial.prototype, 'serialNumber');

/**
 * `ESSCertIDv2 ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT {id-sha256}, certHash OCTET
 * STRING, issuerSerial IssuerSerial OPTIONAL }`. Leave `hashAlgorithm` unset for SHA-256: DER omits
 * default values.
 */
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

/** `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL }`; no policies. */
export class SigningCertificateV2 {
  certs: EssCertIdV2[] = [];
  constructor(params: Partial<SigningCertificateV2> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: EssCertIdV2, repeated: 'sequence' })(SigningCertificateV2.prototype, 'certs');

/** A bare OBJECT IDENTIFIER value, for the content-type attribute (RFC 5652 §11.1). */
export class ObjectIdentifierValue {
  value = '';
  constructor(value = '') {
    this.value = value;
  }
}
AsnType({ type: AsnTypeTypes.Choice })(ObjectIdentifierValue);
AsnProp({ type: AsnPropTypes.ObjectIdentifier })(ObjectIdentifierValue.prototype, 'value');

/**
 * `SET OF Attribute`: the encoding the signature over signed attributes covers (RFC 5652 §5.4: the
 * EXPLICIT SET OF tag, not the [0] IMPLICIT one of SignerInfo).
 */
export class AttributeSet extends AsnArray<Attribute> {
  constructor(items?: Attribute[]) {
    super(items);
    Object.setPrototypeOf(this, AttributeSet.prototype);
  }
}
AsnType({ type: AsnTypeTypes.Set, itemType: Attribute })(AttributeSet);

/**
 * `Attribute` (RFC 5652 §5.3) with values of one known type. asn1-cms types attribute values as
 * ANY, which its serializer re-parses on every encoding; a typed class encodes them directly. An
 * instance stands in for an asn1-cms `Attribute` (the serializer encodes each element by its own
 * class's schema), with the same encoding.
 */
export function typedAttribute<T>(valueType: new () => T) {
  class TypedAttribute {
    attrType: string;
    attrValues: T[];
    constructor(attrType = '', attrValues: T[] = []) {
      this.attrType = attrType;
      this.attrValues = attrValues;
    }
  }
  AsnProp({ type: AsnPropTypes.ObjectIdentifier })(TypedAttribute.prototype, 'attrType');
  AsnProp({ type: valueType, repeated: 'set' })(TypedAttribute.prototype, 'attrValues');
  return TypedAttribute;
}

/**
 * `ContentInfo` whose content is SignedData (RFC 5652 §3). asn1-cms types the content as ANY, so
 * wrapping an encoded SignedData would parse it again; this class encodes the SignedData in place.
 * An instance stands in for an asn1-tsp `TimeStampToken`, with the same encoding.
 */
export class SignedDataContentInfo {
  contentType = id_signedData;
  content: SignedData;
  constructor(content: SignedData) {
    this.content = content;
  }
}
AsnProp({ type: AsnPropTypes.ObjectIdentifier })(SignedDataContentInfo.prototype, 'contentType');
AsnProp({ type: SignedData, context: 0 })(SignedDataContentInfo.prototype, 'content');

/**
 * A value converted to its ASN.1 form once and reused in every encoding: the parts of a token that
 * depend only on the TSA certificate. asn1-schema takes an object with `toASN` as already converted.
 * Encoding is synchronous and only rewrites lengths with the values they already have, so one
 * instance serves every token.
 */
export class Precomputed {
  readonly #asn: ReturnType<typeof AsnSerializer.toASN>;
  constructor(value: unknown) {
    this.#asn = AsnSerializer.toASN(value);
  }
  toASN(): ReturnType<typeof AsnSerializer.toASN> {
    return this.#asn;
  }
  fromASN(): this {
    throw new Error('a precomputed value is only ever encoded');
  }
}
