/**
 * RFC 6962 (CT v1) structures in their TLS encodings: the MerkleTreeLeaf a log entry hashes, the
 * inputs the log signs for an SCT (§3.2) and a tree head (§3.5), DigitallySigned, the serialized
 * SCT and SCT list (§3.3), and the get-entries `extra_data` chains (§4.6).
 */
import { CtLogError } from '../errors.js';
import { TlsReader, TlsWriter } from './tls.js';

/** `LogEntryType`: x509_entry(0), precert_entry(1). */
export const ENTRY_TYPE = { x509: 0, precert: 1 } as const;
/** `SignatureType`: certificate_timestamp(0), tree_hash(1). */
const SIGNATURE_TYPE = { certificateTimestamp: 0, treeHash: 1 } as const;
/** `Version` v1(0); `MerkleLeafType` timestamped_entry(0). */
const V1 = 0;
const TIMESTAMPED_ENTRY = 0;
/** `HashAlgorithm` sha256(4) and `SignatureAlgorithm` ecdsa(3) (RFC 5246 §7.4.1.4.1). */
export const HASH_SHA256 = 4;
export const SIGNATURE_ECDSA = 3;

/** What an SCT commits to: a certificate, or a precertificate's issuer key hash and TBS. */
export type SignedEntry =
  | { readonly type: 'x509'; readonly certificate: Uint8Array }
  | { readonly type: 'precert'; readonly issuerKeyHash: Uint8Array; readonly tbsCertificate: Uint8Array };

/** The `TimestampedEntry` fields after the version bytes. */
export type TimestampedEntry = { readonly timestamp: number; readonly entry: SignedEntry; readonly extensions: Uint8Array };

function writeEntry(w: TlsWriter, entry: SignedEntry): TlsWriter {
  if (entry.type === 'x509') return w.u16(ENTRY_TYPE.x509).vector(3, entry.certificate);
  if (entry.issuerKeyHash.length !== 32) throw new CtLogError('ERR_ENCODING_INVALID', `issuer key hash of ${entry.issuerKeyHash.length} bytes, want 32`);
  return w.u16(ENTRY_TYPE.precert).bytes(entry.issuerKeyHash).vector(3, entry.tbsCertificate);
}

/** `entry_type ‖ signed_entry`: the part of a leaf that identifies the logged (pre)certificate. */
export function encodeSignedEntry(entry: SignedEntry): Uint8Array {
  return writeEntry(new TlsWriter(), entry).finish();
}

function writeTimestamped(w: TlsWriter, t: TimestampedEntry): TlsWriter {
  return writeEntry(w.u64(t.timestamp), t.entry).vector(2, t.extensions);
}

/** `MerkleTreeLeaf` v1 with a `TimestampedEntry` (§3.4): the bytes the log hashes as a leaf. */
export function encodeMerkleTreeLeaf(t: TimestampedEntry): Uint8Array {
  return writeTimestamped(new TlsWriter().u8(V1).u8(TIMESTAMPED_ENTRY), t).finish();
}

/**
 * The `digitally-signed` input of a v1 SCT (§3.2): version, signature_type certificate_timestamp,
 * timestamp, entry type, signed entry and extensions. For v1 these bytes equal the MerkleTreeLeaf
 * (both start with two zero octets), which a test pins.
 */
export function sctSignatureInput(t: TimestampedEntry): Uint8Array {
  return writeTimestamped(new TlsWriter().u8(V1).u8(SIGNATURE_TYPE.certificateTimestamp), t).finish();
}

/** The `TreeHeadSignature` input (§3.5): version, signature_type tree_hash, timestamp, size, root. */
export function sthSignatureInput(timestamp: number, treeSize: number, rootHash: Uint8Array): Uint8Array {
  if (rootHash.length !== 32) throw new CtLogError('ERR_ENCODING_INVALID', `root hash of ${rootHash.length} bytes, want 32`);
  return new TlsWriter().u8(V1).u8(SIGNATURE_TYPE.treeHash).u64(timestamp).u64(treeSize).bytes(rootHash).finish();
}

/** Reads a MerkleTreeLeaf; throws ERR_ENCODING_INVALID for anything else (or trailing bytes). */
export function parseMerkleTreeLeaf(bytes: Uint8Array): TimestampedEntry {
  const r = new TlsReader(bytes, 'merkle tree leaf');
  if (r.u8() !== V1 || r.u8() !== TIMESTAMPED_ENTRY) throw new CtLogError('ERR_ENCODING_INVALID', 'merkle tree leaf is not a v1 timestamped entry');
  const timestamp = r.u64();
  const type = r.u16();
  let entry: SignedEntry;
  if (type === ENTRY_TYPE.x509) entry = { type: 'x509', certificate: r.vector(3) };
  else if (type === ENTRY_TYPE.precert) entry = { type: 'precert', issuerKeyHash: r.bytes(32), tbsCertificate: r.vector(3) };
  else throw new CtLogError('ERR_ENCODING_INVALID', `merkle tree leaf has unknown entry type ${type}`);
  const extensions = r.vector(2);
  r.end();
  return { timestamp, entry, extensions };
}

/** `DigitallySigned` with SHA-256 and ECDSA: hash, signature algorithm, `signature<0..2^16-1>`. */
export function encodeDigitallySigned(signature: Uint8Array): Uint8Array {
  return new TlsWriter().u8(HASH_SHA256).u8(SIGNATURE_ECDSA).vector(2, signature).finish();
}

export function parseDigitallySigned(bytes: Uint8Array): { hash: number; signatureAlgorithm: number; signature: Uint8Array } {
  const r = new TlsReader(bytes, 'digitally signed');
  const out = { hash: r.u8(), signatureAlgorithm: r.u8(), signature: r.vector(2) };
  r.end();
  return out;
}

/** A v1 SCT as the log returns it, with the signature still TLS-encoded. */
export type Sct = { readonly logId: Uint8Array; readonly timestamp: number; readonly extensions: Uint8Array; readonly signature: Uint8Array };

/** `SignedCertificateTimestamp` (§3.2) serialized, as it goes into an SCT list. */
export function encodeSct(sct: Sct): Uint8Array {
  if (sct.logId.length !== 32) throw new CtLogError('ERR_ENCODING_INVALID', `log id of ${sct.logId.length} bytes, want 32`);
  return new TlsWriter().u8(V1).bytes(sct.logId).u64(sct.timestamp).vector(2, sct.extensions).bytes(sct.signature).finish();
}

/** `SignedCertificateTimestampList` (§3.3): `SerializedSCT sct_list<1..2^16-1>`. */
export function encodeSctList(serialized: readonly Uint8Array[]): Uint8Array {
  const inner = new TlsWriter();
  for (const s of serialized) inner.vector(2, s);
  return new TlsWriter().vector(2, inner.finish()).finish();
}

function writeChain(w: TlsWriter, chain: readonly Uint8Array[]): TlsWriter {
  const inner = new TlsWriter();
  for (const cert of chain) inner.vector(3, cert);
  return w.vector(3, inner.finish());
}

/** `extra_data` of an X.509 entry: its `certificate_chain` (the issuers, leaf excluded). */
export function encodeX509ChainEntry(chain: readonly Uint8Array[]): Uint8Array {
  return writeChain(new TlsWriter(), chain).finish();
}

/** `extra_data` of a precertificate entry: the whole `PrecertChainEntry`. */
export function encodePrecertChainEntry(precertificate: Uint8Array, chain: readonly Uint8Array[]): Uint8Array {
  return writeChain(new TlsWriter().vector(3, precertificate), chain).finish();
}

/** Reads one serialized v1 SCT (the inverse of encodeSct). */
export function parseSct(bytes: Uint8Array): Sct {
  const r = new TlsReader(bytes, 'signed certificate timestamp');
  if (r.u8() !== V1) throw new CtLogError('ERR_ENCODING_INVALID', 'signed certificate timestamp is not v1');
  const logId = r.bytes(32);
  const timestamp = r.u64();
  const extensions = r.vector(2);
  const signature = new TlsWriter().u8(r.u8()).u8(r.u8()).vector(2, r.vector(2)).finish();
  r.end();
  return { logId, timestamp, extensions, signature };
}

/** Reads a SignedCertificateTimestampList into its serialized SCTs. */
export function parseSctList(bytes: Uint8Array): Uint8Array[] {
  const outer = new TlsReader(bytes, 'sct list');
  const list = outer.vector(2);
  outer.end();
  const r = new TlsReader(list, 'sct list');
  const out: Uint8Array[] = [];
  while (!r.done) out.push(r.vector(2));
  return out;
}
