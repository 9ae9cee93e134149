/**
 * The fast path for the leaf: a TBSCertificate encoder for Fulcio's one fixed profile, written with
 * our small DER writer instead of @peculiar/x509's generic ASN.1 serializer (which builds only a few
 * hundred certificates per second). Everything that does not change between the precertificate and
 * the final certificate is encoded once, in the constructor; `tbs()` only appends the last extension
 * and wraps. A test checks the bytes against a certificate built by @peculiar/x509 from the same
 * inputs, field by field and as a whole.
 *
 *   TBSCertificate ::= SEQUENCE {
 *     [0] EXPLICIT version v3, serialNumber, signature AlgorithmIdentifier, issuer Name,
 *     validity, subject Name (empty), subjectPublicKeyInfo, [3] EXPLICIT extensions }
 *   extensions: KeyUsage, ExtKeyUsage, SubjectKeyIdentifier, AuthorityKeyIdentifier, SubjectAltName,
 *               Sigstore .1–.6 .8–.24, then the CT poison (precertificate) or the SCT list (final)
 */
import type { PublicKeyInfo } from '@sigstack/crypto/keys';
import type { SanIdentity } from '@sigstack/crypto/x509';
import { derEncode, TAG_BIT_STRING, TAG_SEQUENCE } from '@sigstack/crypto/der';
import { time, unsignedInteger } from './der.js';
import {
  authorityKeyIdExtension,
  EXT_KEY_USAGE,
  KEY_USAGE,
  sigstoreExtensions,
  subjectAltNameExtension,
  subjectKeyId,
  subjectKeyIdExtension,
} from './leaf-extensions.js';

/** What the identity layer decides for one request: the SAN and the Sigstore extension values. */
export interface LeafIdentity {
  /** The one SAN: rfc822Name, URI, or the Sigstore username OtherName. */
  readonly san: SanIdentity;
  /**
   * Sigstore extension values by OID (`1.3.6.1.4.1.57264.1.1` … `.24`, not `.7`). Undefined or
   * empty values are left out; the issuer `.8` is required.
   */
  readonly extensions: Readonly<Record<string, string | undefined>>;
}

/** The issuing CA as the leaf refers to it. */
export interface IssuerProfile {
  /** DER Name: the issuing certificate's subject, byte for byte (Go copies RawSubject). */
  readonly subject: Uint8Array;
  /** The issuing certificate's SubjectKeyIdentifier (the leaf's AuthorityKeyIdentifier). */
  readonly keyId: Uint8Array;
  /** DER AlgorithmIdentifier of the CA key's signatures. */
  readonly signatureAlgorithm: Uint8Array;
}

/** Everything that varies between two leaves. */
export interface LeafFields {
  readonly identity: LeafIdentity;
  /** The subject key (from the proof of possession or the CSR). */
  readonly publicKey: PublicKeyInfo;
  /** Big-endian unsigned serial number, not zero; written as a minimal positive INTEGER. */
  readonly serial: Uint8Array;
  /** Milliseconds since the epoch; written in whole seconds (milliseconds are truncated). */
  readonly notBefore: number;
  readonly notAfter: number;
}

const VERSION_3 = Uint8Array.of(0xa0, 0x03, 0x02, 0x01, 0x02);
const EMPTY_NAME = Uint8Array.of(TAG_SEQUENCE, 0x00);

/**
 * One leaf's TBSCertificate, encoded once and finished by `tbs(last)`. Immutable. Construction
 * throws CAError ERR_IDENTITY_INVALID when the identity cannot be written (see `subjectAltNameExtension`
 * and `sigstoreExtensions`).
 */
export class LeafTemplate {
  readonly issuer: IssuerProfile;
  readonly fields: LeafFields;
  /** The SHA-1 SubjectKeyIdentifier of the subject key. */
  readonly subjectKeyId: Uint8Array;
  readonly #head: Uint8Array;
  readonly #extensions: Uint8Array;

  constructor(issuer: IssuerProfile, fields: LeafFields) {
    this.issuer = issuer;
    this.fields = Object.freeze({ ...fields });
    const { identity, publicKey, serial, notBefore, notAfter } = fields;
    this.subjectKeyId = subjectKeyId(publicKey.spki);
    this.#extensions = concat([
      KEY_USAGE,
      EXT_KEY_USAGE,
      subjectKeyIdExtension(this.subjectKeyId),
      authorityKeyIdExtension(issuer.keyId),
      subjectAltNameExtension(identity.san),
      ...sigstoreExtensions(identity.extensions),
    ]);
    this.#head = concat([
      VERSION_3,
      unsignedInteger(serial),
      issuer.signatureAlgorithm,
      issuer.subject,
      derEncode(TAG_SEQUENCE, time(notBefore), time(notAfter)),
      EMPTY_NAME,
      publicKey.spki,
    ]);
  }

  /**
   * The DER TBSCertificate with `last` (one encoded Extension: the CT poison or the SCT list) as the
   * last extension, or without it when `last` is undefined: that form is the precertificate TBS
   * the CT log signs (RFC 6962 §3.2: the precertificate's TBS with the poison removed).
   */
  tbs(last?: Uint8Array): Uint8Array {
    const extensions = last === undefined ? derEncode(TAG_SEQUENCE, this.#extensions) : derEncode(TAG_SEQUENCE, this.#extensions, last);
    return derEncode(TAG_SEQUENCE, this.#head, derEncode(0xa3, extensions));
  }
}

/** `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }`. */
export function certificateDer(tbs: Uint8Array, signatureAlgorithm: Uint8Array, signature: Uint8Array): Uint8Array {
  return derEncode(TAG_SEQUENCE, tbs, signatureAlgorithm, derEncode(TAG_BIT_STRING, Uint8Array.of(0), signature));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
