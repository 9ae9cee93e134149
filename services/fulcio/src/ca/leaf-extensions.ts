/**
 * The DER of each leaf extension, byte for byte as Go's x509.CreateCertificate writes Fulcio's
 * template (fulcio `pkg/ca/common.go MakeX509`, `pkg/ca/baseca/baseca.go`; reference fulcio.md §4):
 * KeyUsage, ExtKeyUsage, SubjectKeyIdentifier, AuthorityKeyIdentifier, SubjectAltName, the Sigstore
 * extensions, then the CT poison or the SCT list. The constant ones are precomputed once.
 */
import { createHash } from 'node:crypto';
import { encodeSigstoreExtension, SIGSTORE_EXTENSIONS, SigstoreOid, type SanIdentity } from '@sigstack/crypto/x509';
import { CAError } from './errors.js';
import { derBitStringBytes, derDecode, derEncode, derOid, derSequence, TAG_BOOLEAN, TAG_OCTET_STRING, TAG_SEQUENCE, TAG_UTF8_STRING } from '@sigstack/crypto/der';

export const OID_KEY_USAGE = '2.5.29.15';
export const OID_EXT_KEY_USAGE = '2.5.29.37';
export const OID_SUBJECT_KEY_ID = '2.5.29.14';
export const OID_AUTHORITY_KEY_ID = '2.5.29.35';
export const OID_SUBJECT_ALT_NAME = '2.5.29.17';
export const OID_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
/** RFC 6962 §3.1: the critical poison extension that makes a precertificate unusable as a certificate. */
export const OID_CT_POISON = '1.3.6.1.4.1.11129.2.4.3';
/** RFC 6962 §3.3: the embedded SignedCertificateTimestampList. */
export const OID_CT_SCT_LIST = '1.3.6.1.4.1.11129.2.4.2';

const CRITICAL = Uint8Array.of(TAG_BOOLEAN, 1, 0xff);

/** `Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`; FALSE is omitted (DER). */
export function extension(extnId: Uint8Array, critical: boolean, value: Uint8Array): Uint8Array {
  const octets = derEncode(TAG_OCTET_STRING, value);
  return critical ? derEncode(TAG_SEQUENCE, extnId, CRITICAL, octets) : derEncode(TAG_SEQUENCE, extnId, octets);
}

/** KeyUsage, critical: digitalSignature only (BIT STRING 07 80: bit 0 set, 7 unused bits). */
export const KEY_USAGE = extension(derOid(OID_KEY_USAGE), true, Uint8Array.of(0x03, 0x02, 0x07, 0x80));
/** ExtendedKeyUsage, not critical: codeSigning only. */
export const EXT_KEY_USAGE = extension(derOid(OID_EXT_KEY_USAGE), false, derEncode(TAG_SEQUENCE, derOid(OID_CODE_SIGNING)));
/** The CT poison, critical, value ASN.1 NULL; always last in a precertificate. */
export const CT_POISON = extension(derOid(OID_CT_POISON), true, Uint8Array.of(0x05, 0x00));

const SKI_OID = derOid(OID_SUBJECT_KEY_ID);
const AKI_OID = derOid(OID_AUTHORITY_KEY_ID);
const SAN_OID = derOid(OID_SUBJECT_ALT_NAME);
const SCT_LIST_OID = derOid(OID_CT_SCT_LIST);

/**
 * RFC 5280 §4.2.1.2 method 1 (sigstore `cryptoutils.SKID`): SHA-1 of the subjectPublicKey BIT STRING
 * contents, without the unused-bits octet. Precondition: `spki` is a checked SubjectPublicKeyInfo.
 */
export function subjectKeyId(spki: Uint8Array): Uint8Array {
  const [, subjectPublicKey] = derSequence(derDecode(spki, 'subject public key info'), 2, 'subject public key info');
  return new Uint8Array(createHash('sha1').update(derBitStringBytes(subjectPublicKey, 'subject public key')).digest());
}

/** SubjectKeyIdentifier, not critical: OCTET STRING of the key id. */
export function subjectKeyIdExtension(keyId: Uint8Array): Uint8Array {
  return extension(SKI_OID, false, derEncode(TAG_OCTET_STRING, keyId));
}

/** AuthorityKeyIdentifier, not critical: `SEQUENCE { [0] IMPLICIT keyIdentifier }` (no issuer/serial, as Go writes it). */
export function authorityKeyIdExtension(issuerKeyId: Uint8Array): Uint8Array {
  return extension(AKI_OID, false, derEncode(TAG_SEQUENCE, derEncode(0x80, issuerKeyId)));
}

const OTHER_NAME_TYPE_ID = derOid(SigstoreOid.otherNameSan);
/** Visible ASCII without spaces: what an rfc822Name or URI SAN may hold (IA5String, no controls). */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
/** A lone surrogate (in `u` mode, paired surrogates form one code point and do not match). */
const LONE_SURROGATE = /\p{Cs}/u;

function badIdentity(message: string): CAError {
  return new CAError('ERR_IDENTITY_INVALID', message);
}

/**
 * The SAN extension for the one identity, critical because the subject is empty: rfc822Name [1]
 * for email, URI [6] for uri, and for username the OtherName
 * `[0] { type-id 1.3.6.1.4.1.57264.1.7, [0] EXPLICIT UTF8String }`. The same bytes and the same
 * value rules as `subjectAltNameExtension` of @sigstack/crypto/x509 (a test checks both agree),
 * written here without @peculiar/x509's Extension object, which costs ~50 µs per certificate.
 * Throws CAError ERR_IDENTITY_INVALID for an empty value, a non-ASCII email or URI, or a username
 * that is not well-formed Unicode.
 */
export function subjectAltNameExtension(identity: SanIdentity): Uint8Array {
  const { type, value } = identity;
  if (typeof value !== 'string' || value.length === 0) throw badIdentity(`${String(type)} san value must be a non-empty string`);
  let name: Uint8Array;
  if (type === 'email' || type === 'uri') {
    if (!VISIBLE_ASCII.test(value)) throw badIdentity(`${type} san value must be visible ascii`);
    name = derEncode(type === 'email' ? 0x81 : 0x86, Buffer.from(value, 'latin1'));
  } else if (type === 'username') {
    if (LONE_SURROGATE.test(value)) throw badIdentity('username san value is not well-formed unicode');
    name = derEncode(0xa0, OTHER_NAME_TYPE_ID, derEncode(0xa0, derEncode(TAG_UTF8_STRING, Buffer.from(value, 'utf8'))));
  } else {
    throw badIdentity(`san type ${JSON.stringify(String(type))} is not email, uri or username`);
  }
  return extension(SAN_OID, true, derEncode(TAG_SEQUENCE, name));
}

const SIGSTORE_OIDS: ReadonlyMap<string, Uint8Array> = new Map(SIGSTORE_EXTENSIONS.map((e) => [e.oid, derOid(e.oid)]));

/**
 * The Sigstore extensions for `values` (OID → value), non-critical, in Fulcio's order (.1–.6,
 * .8–.24), each only when its value is non-empty, encoded by @sigstack/crypto's
 * `encodeSigstoreExtension` (raw UTF-8 for .1–.6, DER UTF8String for .8–.24). Throws CAError
 * ERR_IDENTITY_INVALID when the issuer (.8) is missing (upstream refuses to render without it),
 * for an OID outside the table, or for a value that is not well-formed Unicode.
 */
export function sigstoreExtensions(values: Readonly<Record<string, string | undefined>>): Uint8Array[] {
  for (const key of Object.keys(values)) {
    if (!SIGSTORE_OIDS.has(key)) throw badIdentity(`${JSON.stringify(key)} is not a sigstore certificate extension oid`);
  }
  const issuer = values[SigstoreOid.issuerV2];
  if (typeof issuer !== 'string' || issuer === '') throw badIdentity('the issuer extension (1.3.6.1.4.1.57264.1.8) is required');
  const out: Uint8Array[] = [];
  for (const [dotted, extnId] of SIGSTORE_OIDS) {
    const value = values[dotted];
    if (value === undefined || value === '') continue;
    let encoded: Uint8Array;
    try {
      encoded = encodeSigstoreExtension(dotted, value);
    } catch (err) {
      throw new CAError('ERR_IDENTITY_INVALID', `sigstore extension ${dotted} has an invalid value`, { cause: err });
    }
    out.push(extension(extnId, false, encoded));
  }
  return out;
}

/**
 * The embedded SCT list extension, not critical: extnValue = DER OCTET STRING wrapping the TLS
 * `SignedCertificateTimestampList` (RFC 6962 §3.3). Precondition: `tlsList` comes from `encodeSctList`.
 */
export function sctListExtension(tlsList: Uint8Array): Uint8Array {
  return extension(SCT_LIST_OID, false, derEncode(TAG_OCTET_STRING, tlsList));
}

