/**
 * RFC 3161 timestamps as Sigstore bundles carry them: `signedTimestamp` is a DER `TimeStampResp`
 * (RFC 3161 §2.4.2; the form sigstore-js parses), whose token is CMS `SignedData` (RFC 5652) over a
 * `TSTInfo`. `parseTimestamp` takes one apart into the values a verifier checks; it verifies
 * nothing (see timestamp.ts). The bytes come from the bundle, a hostile file: they are bounded
 * before parsing, every layer must be exactly one element, and anything unexpected is an
 * AuditError `timestamp` (19) naming the token.
 */
import { createHash } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { id_signedData, SignedData, type Attribute } from '@peculiar/asn1-cms';
import { id_ct_tstInfo, TimeStampResp } from '@peculiar/asn1-tsp';
import type { HashName } from '@sigstack/crypto/keys';
import { toHex } from '@sigstack/crypto/encoding';
import { ID_AA_SIGNING_CERTIFICATE, ID_AA_SIGNING_CERTIFICATE_V2, SigningCertificate, SigningCertificateV2, type IssuerSerial } from '@sigstack/crypto/x509';
import { AuditError } from '../errors.js';
import { AnySet, TstInfoRawTime } from './rfc3161-asn1.js';

/**
 * The largest token we parse. A TimeStampResp is a few hundred bytes plus the certificates the TSA
 * chose to embed (a couple of kilobytes); 64 KiB bounds the ASN.1 parser's time and memory on a
 * hostile bundle that lists many huge "tokens".
 */
export const MAX_TIMESTAMP_BYTES = 64 * 1024;

const ID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const ID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
/** DER of the OBJECT IDENTIFIER id-ct-TSTInfo: the only value the content-type attribute may hold. */
const TSTINFO_OID_DER = Buffer.from('060b2a864886f70d0109100104', 'hex');

/** The SHA-2 digest algorithms (by OID) accepted for message imprints, message digests and ESS hashes. */
const HASHES: Readonly<Record<string, HashName>> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** One ESSCertID(v2): the TSA certificate named by hash, and optionally by issuer and serial. */
export type EssCertRef = {
  hash: HashName | 'sha1';
  certHash: Uint8Array;
  /** DER Names of the issuer's directoryName entries, and the serial INTEGER contents. */
  issuerSerial: { issuers: Uint8Array[]; serialNumber: Uint8Array } | undefined;
};

export type ParsedTimestamp = {
  /** genTime in milliseconds since the epoch, and as written. */
  genTime: number;
  genTimeText: string;
  policy: string;
  /** The TSTInfo serial number, hex. */
  serialNumber: string;
  imprint: { hash: HashName; digest: Uint8Array };
  /** The DER TSTInfo: what the message-digest attribute covers. */
  tstInfo: Uint8Array;
  /** The SignerInfo's issuerAndSerialNumber: the DER issuer Name (re-encoded) and serial contents. */
  signer: { issuer: Uint8Array; serialNumber: Uint8Array };
  digestHash: HashName;
  signatureAlgorithm: string;
  signature: Uint8Array;
  /** The signed attributes as the DER SET OF that the signature covers. */
  signedAttributes: Uint8Array;
  /** The message-digest attribute's value. */
  messageDigest: Uint8Array;
  /** The first ESSCertID of each signing-certificate attribute present (v1 and/or v2). */
  essCertRefs: EssCertRef[];
};

function bad(what: string, message: string, cause?: unknown): AuditError {
  return new AuditError('timestamp', 'ERR_ENCODING_INVALID', `${what} ${message}`, cause === undefined ? {} : { cause });
}

/**
 * Checks that `bytes` is exactly one DER element with a definite length (asn1js ignores trailing
 * bytes and accepts BER): a token is signed and compared as bytes, so it has one encoding only.
 */
function oneElement(bytes: Uint8Array, what: string): void {
  const first = bytes[1];
  if (bytes.length < 2 || first === undefined) throw bad(what, 'is empty or truncated');
  let header = 2;
  let length = first;
  if (first >= 0x80) {
    const count = first & 0x7f;
    // 0x80 is BER's indefinite length; DER needs a definite one. Four octets are far beyond our bound.
    if (count === 0 || count > 4 || bytes.length < 2 + count || bytes[2] === 0) throw bad(what, 'does not have a DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[2 + i] as number);
    if (length < 0x80) throw bad(what, 'does not have a minimal DER length');
    header += count;
  }
  if (header + length !== bytes.length) throw bad(what, `is ${bytes.length} bytes but its DER length says ${header + length}`);
}

function parseAs<T>(bytes: Uint8Array, type: new () => T, what: string): T {
  oneElement(bytes, what);
  try {
    return AsnConvert.parse(bytes, type);
  } catch (err) {
    throw bad(what, `does not parse: ${(err as Error).message}`, err);
  }
}

function hashOf(oid: string, what: string): HashName {
  const hash = HASHES[oid];
  if (hash === undefined) throw new AuditError('timestamp', 'ERR_ALGORITHM_UNSUPPORTED', `${what} uses hash algorithm ${oid.slice(0, 64)}; sha256, sha384 or sha512 are accepted`);
  return hash;
}

const bytes = (b: ArrayBuffer | ArrayBufferView): Uint8Array => (b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength));

/**
 * genTime as RFC 3161 §2.4.2 requires it: `YYYYMMDDhhmmss[.s+]Z` in UTC, seconds always present,
 * fractions without trailing zeros. Returns milliseconds (finer fractions are truncated).
 */
export function parseGenTime(raw: Uint8Array, what: string): { ms: number; text: string } {
  // 0x18 GeneralizedTime with a short length: the text is at most 15 + 1 + a few digits.
  if (raw[0] !== 0x18 || raw[1] === undefined || raw[1] >= 0x80 || raw.length !== raw[1] + 2) throw bad(what, 'genTime is not a DER GeneralizedTime');
  const text = Buffer.from(raw.subarray(2)).toString('latin1');
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d*[1-9]))?Z$/.exec(text);
  if (m === null) throw bad(what, `genTime ${JSON.stringify(text.slice(0, 40))} is not YYYYMMDDhhmmss[.fff]Z`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s, fraction);
  const check = new Date(ms);
  // Date.UTC rolls 31 February over to March: a real date must come back unchanged.
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || check.getUTCHours() !== h || check.getUTCMinutes() !== mi || check.getUTCSeconds() !== s) {
    throw bad(what, `genTime ${text} is not a valid time`);
  }
  return { ms, text };
}

function issuerSerialOf(is: IssuerSerial | undefined): EssCertRef['issuerSerial'] {
  if (is === undefined) return undefined;
  const issuers = is.issuer.filter((n) => n.directoryName !== undefined).map((n) => bytes(AsnConvert.serialize(n.directoryName)));
  return { issuers, serialNumber: bytes(is.serialNumber) };
}

function essCertRef(attribute: Attribute, what: string): EssCertRef {
  const [value] = attribute.attrValues;
  if (attribute.attrValues.length !== 1 || value === undefined) throw bad(what, `has ${attribute.attrValues.length} values in its signing-certificate attribute, want 1`);
  if (attribute.attrType === ID_AA_SIGNING_CERTIFICATE) {
    const first = parseAs(bytes(value), SigningCertificate, `${what} signing-certificate attribute`).certs[0];
    if (first === undefined) throw bad(what, 'has a signing-certificate attribute without certificates');
    return { hash: 'sha1', certHash: bytes(first.certHash.buffer), issuerSerial: issuerSerialOf(first.issuerSerial) };
  }
  const first = parseAs(bytes(value), SigningCertificateV2, `${what} signing-certificate-v2 attribute`).certs[0];
  if (first === undefined) throw bad(what, 'has a signing-certificate-v2 attribute without certificates');
  const hash = first.hashAlgorithm === undefined ? 'sha256' : hashOf(first.hashAlgorithm.algorithm, `${what} signing-certificate-v2 attribute`);
  return { hash, certHash: bytes(first.certHash.buffer), issuerSerial: issuerSerialOf(first.issuerSerial) };
}

/**
 * Parses one `signedTimestamp` (a DER TimeStampResp with status granted or grantedWithMods) into
 * its checkable parts. `what` names it in errors (`timestamp 0`). Throws AuditError `timestamp`
 * (ERR_ENCODING_INVALID, or ERR_ALGORITHM_UNSUPPORTED for a hash outside SHA-2) for anything
 * that is not such a token with exactly one signer, signed attributes holding exactly one
 * content-type (id-ct-TSTInfo) and one message-digest, and an RFC 3161 genTime.
 */
export function parseTimestamp(der: Uint8Array, what: string): ParsedTimestamp {
  // Bound hostile input before the ASN.1 parser sees it (see MAX_TIMESTAMP_BYTES).
  if (der.length > MAX_TIMESTAMP_BYTES) throw bad(what, `of ${der.length} bytes is larger than ${MAX_TIMESTAMP_BYTES}`);
  const resp = parseAs(der, TimeStampResp, what);
  // granted (0) or grantedWithMods (1): any other status carries no token (RFC 3161 §2.4.2).
  if (resp.status.status !== 0 && resp.status.status !== 1) throw bad(what, `has status ${resp.status.status}, not granted`);
  const token = resp.timeStampToken;
  if (token === undefined) throw bad(what, 'holds no timeStampToken');
  if (token.contentType !== id_signedData) throw bad(what, `is a ${token.contentType} content, not signed data`);
  const signedData = parseAs(bytes(token.content), SignedData, `${what} signed data`);
  if (signedData.encapContentInfo.eContentType !== id_ct_tstInfo) throw bad(what, `encapsulates ${signedData.encapContentInfo.eContentType}, not a TSTInfo`);
  const eContent = signedData.encapContentInfo.eContent?.single;
  if (eContent === undefined) throw bad(what, 'has no TSTInfo content');
  const tstInfo = bytes(eContent.buffer);
  const info = parseAs(tstInfo, TstInfoRawTime, `${what} TSTInfo`);
  if (info.version !== 1) throw bad(what, `TSTInfo has version ${info.version}, want 1`);
  const genTime = parseGenTime(bytes(info.genTime), what);
  // RFC 3161 §2.4.2: the token MUST NOT contain any signature other than the TSA's.
  if (signedData.signerInfos.length !== 1) throw bad(what, `has ${signedData.signerInfos.length} signers, want 1`);
  const signer = signedData.signerInfos[0]!;
  const sid = signer.sid.issuerAndSerialNumber;
  if (sid === undefined) throw bad(what, 'names its signer by key identifier; issuer and serial number are required');
  const attributes = signer.signedAttrs ?? [];
  const once = (type: string): Attribute | undefined => {
    const found = attributes.filter((a) => a.attrType === type);
    // RFC 5652 §11: content-type and message-digest occur once; a second ESS attribute could name another certificate.
    if (found.length > 1) throw bad(what, `has ${found.length} signed attributes of type ${type}`);
    return found[0];
  };
  const contentType = once(ID_CONTENT_TYPE);
  const messageDigest = once(ID_MESSAGE_DIGEST);
  // RFC 5652 §5.3: with signed attributes (always, for a TSTInfo) both are present, the content type being the eContentType.
  if (contentType === undefined || contentType.attrValues.length !== 1 || !Buffer.from(contentType.attrValues[0]!).equals(TSTINFO_OID_DER)) {
    throw bad(what, 'has no content-type signed attribute saying id-ct-TSTInfo');
  }
  if (messageDigest === undefined || messageDigest.attrValues.length !== 1) throw bad(what, 'has no message-digest signed attribute');
  const digestValue = parseAs(bytes(messageDigest.attrValues[0]!), OctetString, `${what} message-digest attribute`);
  const essCertRefs = [once(ID_AA_SIGNING_CERTIFICATE), once(ID_AA_SIGNING_CERTIFICATE_V2)].flatMap((a) => (a === undefined ? [] : [essCertRef(a, what)]));
  return {
    genTime: genTime.ms,
    genTimeText: genTime.text,
    policy: info.policy,
    serialNumber: toHex(bytes(info.serialNumber)),
    imprint: { hash: hashOf(info.messageImprint.hashAlgorithm.algorithm, `${what} message imprint`), digest: bytes(info.messageImprint.hashedMessage.buffer) },
    tstInfo,
    signer: { issuer: bytes(AsnConvert.serialize(sid.issuer)), serialNumber: bytes(sid.serialNumber) },
    digestHash: hashOf(signer.digestAlgorithm.algorithm, `${what} signer digest`),
    signatureAlgorithm: signer.signatureAlgorithm.algorithm,
    signature: bytes(signer.signature.buffer),
    // The signature covers the DER SET OF the attributes (RFC 5652 §5.4), not the [0] IMPLICIT form in the SignerInfo.
    signedAttributes: bytes(AsnConvert.serialize(new AnySet(attributes.map((a) => AsnConvert.serialize(a))))),
    messageDigest: bytes(digestValue.buffer),
    essCertRefs,
  };
}

/** The digest of `data` with `hash` (sha1 only for ESS v1 certificate hashes). */
export function digestOf(hash: HashName | 'sha1', data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(hash).update(data).digest());
}
