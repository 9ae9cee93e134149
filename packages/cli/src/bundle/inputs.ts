/**
 * The two offline inputs of `bundle verify`, read into plain typed values: a Sigstore bundle (JSON,
 * media types v0.1 to v0.3) and a protobuf-specs TrustedRoot. Both are hostile files: nesting is
 * bounded by the parser, every field is type-checked, and anything malformed is AuditError
 * `input` (3) naming the field.
 */
import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import { parseJson, type JsonObject, type JsonValue } from '@sigstack/crypto/canonical-json';
import { parseBase64, parseDecimal, toHex } from '@sigstack/crypto/encoding';
import { AuditError } from '../errors.js';

export const BUNDLE_MEDIA_TYPES = [
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
] as const;

/** More tlog entries, certificates or logs than any real bundle or root holds: a bound on work. */
const MAX_ITEMS = 64;

export type TlogEntry = {
  logIndex: number;
  /** Lowercase hex. */
  logId: string;
  kind: string;
  version: string;
  integratedTime: number;
  set: Uint8Array | undefined;
  proof: { logIndex: number; treeSize: number; rootHash: Uint8Array; hashes: Uint8Array[]; checkpoint: string } | undefined;
  body: Uint8Array;
};

export type Bundle = {
  mediaType: string;
  /** The leaf certificate (DER in `raw`). */
  leaf: X509Certificate;
  content:
    | { type: 'messageSignature'; digest: { algorithm: string; value: Uint8Array } | undefined; signature: Uint8Array }
    | { type: 'dsseEnvelope'; payload: Uint8Array; payloadType: string; signatures: Uint8Array[] };
  tlogEntries: TlogEntry[];
  /** `timestampVerificationData.rfc3161Timestamps[].signedTimestamp`: DER TimeStampResps, unparsed. */
  timestamps: Uint8Array[];
};

export type ValidFor = { start: number; end: number };

export type TrustedLog = { baseUrl: string; key: KeyObject; spki: Uint8Array; logId: string; validFor: ValidFor };

export type TrustedCa = { uri: string; chain: X509Certificate[]; validFor: ValidFor };

/** A trusted root; `timestampAuthorities` have the shape of CAs, their chain starting with the TSA certificate. */
export type TrustedRoot = { tlogs: TrustedLog[]; ctlogs: TrustedLog[]; certificateAuthorities: TrustedCa[]; timestampAuthorities: TrustedCa[] };

function bad(what: string, message: string, cause?: unknown): AuditError {
  return new AuditError('input', 'ERR_ENCODING_INVALID', `${what} ${message}`, cause === undefined ? {} : { cause });
}

function obj(v: JsonValue | undefined, what: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(what, 'is not an object');
  return v;
}

function optObj(v: JsonValue | undefined, what: string): JsonObject | undefined {
  return v === undefined || v === null ? undefined : obj(v, what);
}

function arr(v: JsonValue | undefined, what: string, optional = false): JsonValue[] {
  if (optional && (v === undefined || v === null)) return [];
  if (!Array.isArray(v) || v.length > MAX_ITEMS) throw bad(what, `is not a list of at most ${MAX_ITEMS} items`);
  return v;
}

function str(v: JsonValue | undefined, what: string): string {
  if (typeof v !== 'string') throw bad(what, 'is not a string');
  return v;
}

function b64(v: JsonValue | undefined, what: string): Uint8Array {
  const s = str(v, what);
  try {
    return s === '' ? new Uint8Array(0) : parseBase64(s, what);
  } catch (err) {
    throw bad(what, 'is not base64', err);
  }
}

/** int64 fields are JSON strings in protobuf JSON (sigstore-js also accepts numbers). */
function int(v: JsonValue | undefined, what: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  try {
    return parseDecimal(str(v, what), what);
  } catch (err) {
    if (err instanceof AuditError) throw err;
    throw bad(what, 'is not a non-negative integer', err);
  }
}

/** An int64 field that proto3 JSON omits when it is 0 (sigstore-js writes no `logIndex` for the first entry of a log). */
function intOrZero(v: JsonValue | undefined, what: string): number {
  return v === undefined ? 0 : int(v, what);
}

function certificate(der: Uint8Array, what: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (err) {
    throw bad(what, 'is not an X.509 certificate', err);
  }
}

function parseFile(bytes: Uint8Array, what: string): JsonObject {
  try {
    return obj(parseJson(bytes, { maxDepth: 16 }), what);
  } catch (err) {
    if (err instanceof AuditError) throw err;
    throw bad(what, `is not valid json: ${(err as Error).message}`, err);
  }
}

function tlogEntry(v: JsonValue, what: string): TlogEntry {
  const e = obj(v, what);
  const kv = obj(e.kindVersion, `${what}.kindVersion`);
  const promise = optObj(e.inclusionPromise, `${what}.inclusionPromise`);
  const p = optObj(e.inclusionProof, `${what}.inclusionProof`);
  return {
    logIndex: intOrZero(e.logIndex, `${what}.logIndex`),
    logId: toHex(b64(obj(e.logId, `${what}.logId`).keyId, `${what}.logId.keyId`)),
    kind: str(kv.kind, `${what}.kindVersion.kind`),
    version: str(kv.version, `${what}.kindVersion.version`),
    integratedTime: intOrZero(e.integratedTime, `${what}.integratedTime`),
    set: promise === undefined ? undefined : b64(promise.signedEntryTimestamp, `${what}.inclusionPromise.signedEntryTimestamp`),
    // A v0.1 proof may come without a checkpoint: its root is then unsigned and proves nothing, so it is ignored.
    proof: p === undefined || p.checkpoint === undefined || p.checkpoint === null ? undefined : {
      logIndex: intOrZero(p.logIndex, `${what}.inclusionProof.logIndex`),
      treeSize: int(p.treeSize, `${what}.inclusionProof.treeSize`),
      rootHash: b64(p.rootHash, `${what}.inclusionProof.rootHash`),
      // Empty for a tree of one entry, and then omitted by proto3 JSON.
      hashes: arr(p.hashes, `${what}.inclusionProof.hashes`, true).map((h, i) => b64(h, `${what}.inclusionProof.hashes[${i}]`)),
      checkpoint: str(obj(p.checkpoint, `${what}.inclusionProof.checkpoint`).envelope, `${what}.inclusionProof.checkpoint.envelope`),
    },
    body: b64(e.canonicalizedBody, `${what}.canonicalizedBody`),
  };
}

/** Parses a bundle file. Only keyless bundles (a certificate, not a public key hint) are supported. */
export function parseBundle(bytes: Uint8Array): Bundle {
  const b = parseFile(bytes, 'bundle');
  const mediaType = str(b.mediaType, 'bundle.mediaType');
  if (!(BUNDLE_MEDIA_TYPES as readonly string[]).includes(mediaType)) throw bad('bundle.mediaType', `${JSON.stringify(mediaType)} is not a known bundle media type`);
  const vm = obj(b.verificationMaterial, 'bundle.verificationMaterial');
  let leafDer: Uint8Array;
  if (vm.certificate !== undefined) leafDer = b64(obj(vm.certificate, 'bundle.verificationMaterial.certificate').rawBytes, 'bundle.verificationMaterial.certificate.rawBytes');
  else if (vm.x509CertificateChain !== undefined) {
    const certs = arr(obj(vm.x509CertificateChain, 'bundle.verificationMaterial.x509CertificateChain').certificates, 'bundle.verificationMaterial.x509CertificateChain.certificates');
    if (certs[0] === undefined) throw bad('bundle.verificationMaterial.x509CertificateChain', 'is empty');
    leafDer = b64(obj(certs[0], 'the leaf certificate').rawBytes, 'the leaf certificate rawBytes');
  } else throw bad('bundle.verificationMaterial', 'holds no certificate (public-key bundles are not supported)');
  let content: Bundle['content'];
  if (b.messageSignature !== undefined) {
    const ms = obj(b.messageSignature, 'bundle.messageSignature');
    const md = optObj(ms.messageDigest, 'bundle.messageSignature.messageDigest');
    content = {
      type: 'messageSignature',
      digest: md === undefined ? undefined : { algorithm: str(md.algorithm, 'bundle.messageSignature.messageDigest.algorithm'), value: b64(md.digest, 'bundle.messageSignature.messageDigest.digest') },
      signature: b64(ms.signature, 'bundle.messageSignature.signature'),
    };
  } else if (b.dsseEnvelope !== undefined) {
    const env = obj(b.dsseEnvelope, 'bundle.dsseEnvelope');
    content = {
      type: 'dsseEnvelope',
      payload: b64(env.payload, 'bundle.dsseEnvelope.payload'),
      payloadType: str(env.payloadType, 'bundle.dsseEnvelope.payloadType'),
      signatures: arr(env.signatures, 'bundle.dsseEnvelope.signatures').map((s, i) => b64(obj(s, `bundle.dsseEnvelope.signatures[${i}]`).sig, `bundle.dsseEnvelope.signatures[${i}].sig`)),
    };
  } else throw bad('bundle', 'has neither messageSignature nor dsseEnvelope');
  return {
    mediaType,
    leaf: certificate(leafDer, 'the bundle\'s leaf certificate'),
    content,
    tlogEntries: arr(vm.tlogEntries, 'bundle.verificationMaterial.tlogEntries', true).map((e, i) => tlogEntry(e, `bundle.verificationMaterial.tlogEntries[${i}]`)),
    timestamps: arr(optObj(vm.timestampVerificationData, 'bundle.verificationMaterial.timestampVerificationData')?.rfc3161Timestamps, 'bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps', true)
      .map((ts, i) => b64(obj(ts, `bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps[${i}]`).signedTimestamp, `bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps[${i}].signedTimestamp`)),
  };
}

function time(v: JsonValue | undefined, what: string, missing: number): number {
  if (v === undefined || v === null) return missing;
  const ms = Date.parse(str(v, what));
  if (Number.isNaN(ms)) throw bad(what, 'is not an RFC 3339 time');
  return ms;
}

function validFor(v: JsonValue | undefined, what: string): ValidFor {
  const o = optObj(v, what);
  return { start: time(o?.start, `${what}.start`, -Infinity), end: time(o?.end, `${what}.end`, Infinity) };
}

function trustedLog(v: JsonValue, what: string): TrustedLog {
  const l = obj(v, what);
  const pk = obj(l.publicKey, `${what}.publicKey`);
  const spki = b64(pk.rawBytes, `${what}.publicKey.rawBytes`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (err) {
    throw bad(`${what}.publicKey`, 'is not a DER SubjectPublicKeyInfo', err);
  }
  return { baseUrl: str(l.baseUrl, `${what}.baseUrl`), key, spki, logId: toHex(b64(obj(l.logId, `${what}.logId`).keyId, `${what}.logId.keyId`)), validFor: validFor(pk.validFor, `${what}.publicKey.validFor`) };
}

/** A CertificateAuthority of a trusted root (also the shape of its timestamp authorities). */
function trustedCa(v: JsonValue, what: string): TrustedCa {
  const ca = obj(v, what);
  const certs = arr(obj(ca.certChain, `${what}.certChain`).certificates, `${what}.certChain.certificates`);
  if (certs.length === 0) throw bad(`${what}.certChain`, 'is empty');
  return {
    uri: typeof ca.uri === 'string' ? ca.uri : '',
    chain: certs.map((c, j) => certificate(b64(obj(c, `${what}.certChain.certificates[${j}]`).rawBytes, `${what}.certChain.certificates[${j}].rawBytes`), `${what}.certChain.certificates[${j}]`)),
    validFor: validFor(ca.validFor, `${what}.validFor`),
  };
}

/** Parses a protobuf-specs TrustedRoot: logs, CT logs, certificate and timestamp authorities. */
export function parseTrustedRoot(bytes: Uint8Array): TrustedRoot {
  const r = parseFile(bytes, 'trusted root');
  return {
    tlogs: arr(r.tlogs, 'trustedRoot.tlogs', true).map((l, i) => trustedLog(l, `trustedRoot.tlogs[${i}]`)),
    ctlogs: arr(r.ctlogs, 'trustedRoot.ctlogs', true).map((l, i) => trustedLog(l, `trustedRoot.ctlogs[${i}]`)),
    certificateAuthorities: arr(r.certificateAuthorities, 'trustedRoot.certificateAuthorities', true).map((v, i) => trustedCa(v, `trustedRoot.certificateAuthorities[${i}]`)),
    timestampAuthorities: arr(r.timestampAuthorities, 'trustedRoot.timestampAuthorities', true).map((v, i) => trustedCa(v, `trustedRoot.timestampAuthorities[${i}]`)),
  };
}
