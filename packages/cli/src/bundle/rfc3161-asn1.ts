/**
 * ASN.1 types of RFC 3161 tokens that the @peculiar packages do not define the way a verifier
 * needs them, declared with @peculiar/asn1-schema (decorators applied as plain calls: the build
 * has no decorator syntax):
 * - `TstInfoRawTime`: TSTInfo (RFC 3161 §2.4.2) with `genTime` kept as its raw TLV, so that its
 *   text is checked against the one form RFC 3161 allows (asn1-tsp's TSTInfo turns it into a Date
 *   and accepts local times and offsets);
 * - `AnySet`, the SET OF ANY the signed attributes are re-encoded as.
 * The ESS signing-certificate attributes are in @sigstack/crypto/x509, shared with the TSA.
 */
import { AsnArray, AsnIntegerArrayBufferConverter, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';
import { Accuracy, MessageImprint } from '@peculiar/asn1-tsp';
import { Extensions, GeneralName } from '@peculiar/asn1-x509';

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

/** `SET OF ANY`: the signed attributes re-encoded with the SET tag the CMS signature covers (RFC 5652 §5.4). */
export class AnySet extends AsnArray<ArrayBuffer> {
  constructor(items?: ArrayBuffer[]) {
    super(items);
    Object.setPrototypeOf(this, AnySet.prototype);
  }
}
AsnType({ type: AsnTypeTypes.Set, itemType: AsnPropTypes.Any })(AnySet);
