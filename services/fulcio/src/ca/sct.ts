/**
 * Signed certificate timestamps in their TLS encoding (RFC 6962 §3.2, §3.3), for embedding in the
 * final certificate:
 *
 *   SignedCertificateTimestamp = version u8 (0 = v1) ‖ log_id [32] ‖ timestamp u64 (ms)
 *                                ‖ extensions opaque<0..2^16-1> ‖ DigitallySigned
 *   DigitallySigned            = hash u8 ‖ signature algorithm u8 ‖ signature opaque<0..2^16-1>
 *   SignedCertificateTimestampList = sct_list SerializedSCT<1..2^16-1>, SerializedSCT = opaque<1..2^16-1>
 *
 * i.e. the list is a u16 total length followed by u16-length-prefixed serialized SCTs.
 */
import { CAError } from './errors.js';

/** An SCT's fields, as a CT log's `add-pre-chain` answers them (`sct_version`, `id`, `timestamp`, `extensions`, `signature`). */
export interface SctFields {
  /** 0 (v1) is the only version RFC 6962 defines. */
  readonly version: number;
  /** 32 bytes: SHA-256 of the log's DER SubjectPublicKeyInfo. */
  readonly logId: Uint8Array;
  /** Milliseconds since the epoch. */
  readonly timestamp: number | bigint;
  /** CtExtensions, usually empty. */
  readonly extensions: Uint8Array;
  /** The TLS-encoded DigitallySigned struct (hash, signature algorithm, u16-length-prefixed signature). */
  readonly signature: Uint8Array;
}

const U16_MAX = 0xffff;
const U64_MAX = (1n << 64n) - 1n;
/** version + log id + timestamp + extensions length + hash + algorithm + signature length. */
const MIN_SCT = 1 + 32 + 8 + 2 + 1 + 1 + 2;

function bad(message: string): CAError {
  // The SCT comes from the CT log: a malformed one is a fault of the log (or of us), never of the client.
  return new CAError('ERR_CLIENT_RESPONSE', message);
}

/** Serializes one SCT. Throws CAError ERR_CLIENT_RESPONSE for fields that cannot be encoded or a malformed DigitallySigned. */
export function serializeSct(fields: SctFields): Uint8Array {
  const { version, logId, timestamp, extensions, signature } = fields;
  if (version !== 0) throw bad(`sct version ${String(version)} is not v1 (0)`);
  if (!(logId instanceof Uint8Array) || logId.length !== 32) throw bad('sct log id must be 32 bytes');
  const ts = typeof timestamp === 'bigint' ? timestamp : Number.isSafeInteger(timestamp) ? BigInt(timestamp) : -1n;
  if (ts < 0n || ts > U64_MAX) throw bad(`sct timestamp ${String(timestamp)} is not a u64`);
  if (extensions.length > U16_MAX) throw bad(`sct extensions of ${extensions.length} bytes do not fit a u16 length`);
  const out = new Uint8Array(1 + 32 + 8 + 2 + extensions.length + signature.length);
  const view = new DataView(out.buffer);
  out[0] = 0;
  out.set(logId, 1);
  view.setBigUint64(33, ts);
  view.setUint16(41, extensions.length);
  out.set(extensions, 43);
  out.set(signature, 43 + extensions.length);
  checkSct(out);
  return out;
}

/** Checks the TLS structure of one serialized SCT (lengths consistent, nothing after the signature). */
function checkSct(sct: Uint8Array): void {
  if (sct.length < MIN_SCT) throw bad(`sct of ${sct.length} bytes is too short`);
  if (sct[0] !== 0) throw bad(`sct version ${String(sct[0])} is not v1 (0)`);
  const view = new DataView(sct.buffer, sct.byteOffset, sct.byteLength);
  const extensionsEnd = 43 + view.getUint16(41);
  if (extensionsEnd + 4 > sct.length) throw bad('sct extensions run past the end of the sct');
  const signatureLength = view.getUint16(extensionsEnd + 2);
  if (signatureLength === 0) throw bad('sct signature is empty');
  if (extensionsEnd + 4 + signatureLength !== sct.length) throw bad('sct signature length does not match the sct');
}

/**
 * The TLS `SignedCertificateTimestampList` of `scts` (each already serialized), in order. Each SCT is
 * checked structurally. Throws CAError ERR_CLIENT_RESPONSE for an empty list, a malformed SCT, or
 * lengths beyond u16.
 */
export function encodeSctList(scts: readonly Uint8Array[]): Uint8Array {
  if (scts.length === 0) throw bad('the sct list must hold at least one sct');
  let body = 0;
  for (const sct of scts) {
    if (!(sct instanceof Uint8Array)) throw bad('an sct must be bytes');
    checkSct(sct);
    if (sct.length > U16_MAX) throw bad(`sct of ${sct.length} bytes does not fit a u16 length`);
    body += 2 + sct.length;
  }
  if (body > U16_MAX) throw bad(`sct list of ${body} bytes does not fit a u16 length`);
  const out = new Uint8Array(2 + body);
  const view = new DataView(out.buffer);
  view.setUint16(0, body);
  let offset = 2;
  for (const sct of scts) {
    view.setUint16(offset, sct.length);
    out.set(sct, offset + 2);
    offset += 2 + sct.length;
  }
  return out;
}
