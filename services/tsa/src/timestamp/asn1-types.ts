/**
 * ASN.1 types the @peculiar packages do not define (the ESS signing-certificate attributes are in
 * @sigstack/crypto/x509, shared with the verifier), declared with @peculiar/asn1-schema (decorators
 * applied as plain calls: the build has no decorator syntax) so that the library does all encoding.
 */
import { AsnArray, AsnProp, AsnPropTypes, AsnSerializer, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';
import { Attribute, id_signedData, SignedData } from '@peculiar/asn1-cms';

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
