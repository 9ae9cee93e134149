/**
 * The fields of an X.509 certificate the CT log needs, read with the strict DER reader of @sigstack/crypto/der: the raw
 * TBSCertificate (for the precertificate entry), names and key (for chain building), signature
 * (for chain verification) and the extensions that decide what kind of certificate it is.
 *
 * Why not @peculiar/x509 here: it parses a certificate in about 0.5 ms, which alone would cap
 * submissions near 2,000/s per core; this walk takes a few microseconds.
 */
import { toHex } from '@sigstack/crypto/encoding';
import {
  derChildren,
  derDecode,
  derExpect,
  TAG_BIT_STRING,
  TAG_BOOLEAN,
  TAG_GENERALIZED_TIME,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  TAG_UTC_TIME,
  type DerElement,
} from '@sigstack/crypto/der';
import { asMalformed, checkTree, malformed } from './der.js';

/** OBJECT IDENTIFIER contents (hex) of the extensions and key purposes the log looks at. */
export const OID = {
  /** RFC 6962 §3.1 precertificate poison, 1.3.6.1.4.1.11129.2.4.3 (critical, ASN.1 NULL). */
  ctPoison: '2b06010401d679020403',
  /** RFC 6962 §3.3 embedded SCT list, 1.3.6.1.4.1.11129.2.4.2. */
  ctSctList: '2b06010401d679020402',
  /** RFC 6962 §3.1 Precertificate Signing Certificate key purpose, 1.3.6.1.4.1.11129.2.4.4. */
  ctPrecertSigning: '2b06010401d679020404',
  basicConstraints: '551d13',
  keyUsage: '551d0f',
  extKeyUsage: '551d25',
} as const;

/** DER of the poison extension's value: ASN.1 NULL. */
const ASN1_NULL = '0500';

/** Largest certificate accepted (DER bytes), as @sigstack/crypto/x509 MAX_CERTIFICATE_BYTES. */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;
/** Real certificates nest about 8 levels deep. */
const MAX_DEPTH = 32;

export type CertExtension = {
  /** Hex of the OBJECT IDENTIFIER contents. */
  readonly oid: string;
  readonly critical: boolean;
  /** Contents of extnValue (the DER of the extension's value). */
  readonly value: Uint8Array;
  /** The whole Extension SEQUENCE as it appears in the TBSCertificate. */
  readonly raw: Uint8Array;
};

export type CertInfo = {
  readonly der: Uint8Array;
  /** The whole TBSCertificate element. */
  readonly tbs: Uint8Array;
  /** Raw DER of the issuer and subject Names, compared byte for byte when building a chain (as Go does). */
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  /** Hex of the signature algorithm's OBJECT IDENTIFIER contents. */
  readonly signatureAlgorithm: string;
  readonly signature: Uint8Array;
  readonly extensions: readonly CertExtension[];
  /** BasicConstraints cA. */
  readonly ca: boolean;
  /** BasicConstraints pathLenConstraint, when present. */
  readonly pathLen: number | undefined;
  /** KeyUsage allows keyCertSign (true when there is no KeyUsage extension). */
  readonly keyCertSign: boolean;
  /** Hex OIDs of the ExtendedKeyUsage key purposes (empty without the extension). */
  readonly extKeyUsages: readonly string[];
};

function oidHex(tlv: DerElement | undefined, what: string): string {
  const oid = derExpect(tlv, TAG_OID, what);
  if (oid.content.length === 0 || oid.content.length > 64) malformed(`${what}: object identifier of ${oid.content.length} bytes`);
  return toHex(oid.content);
}

function smallUnsigned(tlv: DerElement | undefined, what: string): number {
  const { content } = derExpect(tlv, TAG_INTEGER, what);
  const [a, b] = content;
  if (a === undefined || a >= 0x80 || content.length > 4 || (a === 0 && b !== undefined && b < 0x80)) malformed(`${what}: not a small non-negative minimal integer`);
  let n = 0;
  for (const byte of content) n = n * 256 + byte;
  return n;
}

function parseExtension(raw: DerElement): CertExtension {
  const parts = derChildren(derExpect(raw, TAG_SEQUENCE, 'extension'), 'extension');
  if (parts.length !== 2 && parts.length !== 3) malformed(`extension has ${parts.length} fields`);
  const oid = oidHex(parts[0], 'extension id');
  let critical = false;
  if (parts.length === 3) {
    const flag = derExpect(parts[1], TAG_BOOLEAN, 'extension critical flag');
    if (flag.content.length !== 1 || (flag.content[0] !== 0 && flag.content[0] !== 0xff)) malformed('extension critical flag is not a DER boolean');
    critical = flag.content[0] === 0xff;
  }
  const value = derExpect(parts[parts.length - 1], TAG_OCTET_STRING, 'extension value').content;
  return { oid, critical, value, raw: raw.raw };
}

function basicConstraints(value: Uint8Array): { ca: boolean; pathLen: number | undefined } {
  const parts = derChildren(derExpect(derDecode(value, 'basic constraints'), TAG_SEQUENCE, 'basic constraints'), 'basic constraints');
  let i = 0;
  let ca = false;
  if (parts[i]?.tag === TAG_BOOLEAN) {
    ca = parts[i]!.content[0] === 0xff;
    i++;
  }
  const pathLen = parts[i] === undefined ? undefined : smallUnsigned(parts[i], 'basic constraints path length');
  if (parts.length > i + (pathLen === undefined ? 0 : 1)) malformed('basic constraints has extra fields');
  return { ca, pathLen };
}

function keyCertSign(value: Uint8Array): boolean {
  const bits = derExpect(derDecode(value, 'key usage'), TAG_BIT_STRING, 'key usage').content;
  if (bits.length < 1 || (bits[0] as number) > 7) malformed('key usage is not a bit string');
  // keyCertSign is bit 5: the 0x04 bit of the first content octet.
  return bits.length > 1 && ((bits[1] as number) & 0x04) !== 0;
}

function extKeyUsages(value: Uint8Array): string[] {
  const list = derChildren(derExpect(derDecode(value, 'extended key usage'), TAG_SEQUENCE, 'extended key usage'), 'extended key usage');
  return list.map((p) => oidHex(p, 'key purpose'));
}

/**
 * Parses a DER certificate. Checks the whole encoding is strict DER TLVs (bounded depth), the
 * TBSCertificate has the RFC 5280 shape, the inner and outer signature algorithms agree, and no
 * extension appears twice. Throws CtLogError ERR_CERT_MALFORMED.
 */
export function parseCertificateInfo(der: Uint8Array): CertInfo {
  // Bound hostile input before any parsing.
  if (der.length > MAX_CERTIFICATE_BYTES) malformed(`certificate of ${der.length} bytes is larger than ${MAX_CERTIFICATE_BYTES}`);
  return asMalformed(() => readCertificate(der));
}

function readCertificate(der: Uint8Array): CertInfo {
  const cert = derDecode(der, 'certificate');
  checkTree(cert, MAX_DEPTH, 'certificate');
  const top = derChildren(derExpect(cert, TAG_SEQUENCE, 'certificate'), 'certificate');
  if (top.length !== 3) malformed(`certificate has ${top.length} fields, want 3`);
  const [tbs, outerAlg, signatureValue] = top as [DerElement, DerElement, DerElement];
  const fields = derChildren(derExpect(tbs, TAG_SEQUENCE, 'tbs certificate'), 'tbs certificate');
  let i = 0;
  if (fields[0]?.tag === 0xa0) {
    const version = smallUnsigned(derChildren(fields[0], 'version')[0], 'version');
    if (version > 2) malformed(`certificate version ${version + 1} is unknown`);
    i++;
  }
  derExpect(fields[i++], TAG_INTEGER, 'serial number');
  const innerAlg = derExpect(fields[i++], TAG_SEQUENCE, 'signature algorithm');
  const issuer = derExpect(fields[i++], TAG_SEQUENCE, 'issuer');
  const validity = derChildren(derExpect(fields[i++], TAG_SEQUENCE, 'validity'), 'validity');
  if (validity.length !== 2 || validity.some((t) => t.tag !== TAG_UTC_TIME && t.tag !== TAG_GENERALIZED_TIME)) malformed('validity is not two times');
  const subject = derExpect(fields[i++], TAG_SEQUENCE, 'subject');
  const spki = derExpect(fields[i++], TAG_SEQUENCE, 'subject public key info');
  if (fields[i]?.tag === 0x81) i++;
  if (fields[i]?.tag === 0x82) i++;
  let extensions: CertExtension[] = [];
  if (fields[i]?.tag === 0xa3) {
    const wrapped = derChildren(fields[i]!, 'extensions');
    if (wrapped.length !== 1) malformed('extensions field does not hold one sequence');
    extensions = derChildren(derExpect(wrapped[0], TAG_SEQUENCE, 'extensions'), 'extensions').map(parseExtension);
    i++;
  }
  if (i !== fields.length) malformed('tbs certificate has unexpected fields');
  if (Buffer.compare(innerAlg.raw, outerAlg.raw) !== 0) malformed('inner and outer signature algorithms differ');
  const algParts = derChildren(derExpect(outerAlg, TAG_SEQUENCE, 'signature algorithm'), 'signature algorithm');
  const signatureAlgorithm = oidHex(algParts[0], 'signature algorithm');
  const sigBits = derExpect(signatureValue, TAG_BIT_STRING, 'signature').content;
  if (sigBits[0] !== 0) malformed('signature bit string has unused bits');

  const seen = new Set<string>();
  let ca = false;
  let pathLen: number | undefined;
  let certSign = true;
  let ekus: string[] = [];
  for (const ext of extensions) {
    if (seen.has(ext.oid)) malformed(`certificate has extension ${ext.oid} more than once`);
    seen.add(ext.oid);
    if (ext.oid === OID.basicConstraints) ({ ca, pathLen } = basicConstraints(ext.value));
    else if (ext.oid === OID.keyUsage) certSign = keyCertSign(ext.value);
    else if (ext.oid === OID.extKeyUsage) ekus = extKeyUsages(ext.value);
  }
  return {
    der,
    tbs: tbs.raw,
    issuer: issuer.raw,
    subject: subject.raw,
    spki: spki.raw,
    signatureAlgorithm,
    signature: sigBits.subarray(1),
    extensions,
    ca,
    pathLen,
    keyCertSign: certSign,
    extKeyUsages: ekus,
  };
}

/**
 * The certificate's precertificate poison: `absent`, `valid` (critical, value ASN.1 NULL, as
 * RFC 6962 §3.1 requires) or `invalid` (present but not critical or another value; CTFE refuses
 * those too).
 */
export function poisonOf(cert: CertInfo): 'absent' | 'valid' | 'invalid' {
  const ext = cert.extensions.find((e) => e.oid === OID.ctPoison);
  if (ext === undefined) return 'absent';
  return ext.critical && toHex(ext.value) === ASN1_NULL ? 'valid' : 'invalid';
}

/** Dotted text of an OID given as the hex of its contents, for messages. */
export function oidText(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  const arcs: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}
