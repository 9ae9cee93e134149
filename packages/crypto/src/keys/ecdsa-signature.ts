/**
 * Conversion between the two ECDSA signature encodings: ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }`
 * (what Go, OpenSSL and cosign emit) and IEEE P1363 raw `r ‖ s` with each half left-padded to the
 * curve's coordinate size (what WebCrypto emits). Both directions are strict and throw
 * EncodingError ERR_ENCODING_INVALID on anything malformed.
 */
import { EncodingError } from '../errors.js';
import { CURVES, type EcCurve } from './ec.js';
import { bigIntToBytes, bytesToBigInt, derDecode, derEncode, derInteger, derSequence, derUnsigned, TAG_SEQUENCE } from './der.js';

function invalid(message: string, cause?: unknown): EncodingError {
  return new EncodingError('ERR_ENCODING_INVALID', message, { cause });
}

/**
 * DER signature → raw `r ‖ s` of 2 × coordinate size bytes (64, 96 or 132). Rejects non-minimal or
 * negative integers, zero values, values wider than the curve, wrong lengths and trailing bytes.
 */
export function ecdsaDerToRaw(der: Uint8Array, curve: EcCurve): Uint8Array {
  const { size } = CURVES[curve];
  // A DER signature is at most 2 × (size + 1 sign byte + 3 header bytes) + 4; refuse anything longer before parsing.
  if (der.length > 2 * size + 16) throw invalid(`ecdsa signature of ${der.length} bytes is too long for ${curve}`);
  let r: bigint;
  let s: bigint;
  try {
    const [re, se] = derSequence(derDecode(der, 'ecdsa signature'), 2, 'ecdsa signature');
    r = derUnsigned(re, 'ecdsa signature r');
    s = derUnsigned(se, 'ecdsa signature s');
  } catch (err) {
    throw invalid(`ecdsa signature is not valid der`, err);
  }
  const limit = 1n << BigInt(size * 8);
  if (r === 0n || s === 0n || r >= limit || s >= limit) throw invalid(`ecdsa signature values are out of range for ${curve}`);
  const raw = new Uint8Array(2 * size);
  raw.set(bigIntToBytes(r, size), 0);
  raw.set(bigIntToBytes(s, size), size);
  return raw;
}

/** Raw `r ‖ s` (exactly 2 × coordinate size bytes, neither half zero) → minimal DER. */
export function ecdsaRawToDer(raw: Uint8Array, curve: EcCurve): Uint8Array {
  const { size } = CURVES[curve];
  if (raw.length !== 2 * size) throw invalid(`raw ecdsa signature for ${curve} must be ${2 * size} bytes, got ${raw.length}`);
  const r = bytesToBigInt(raw.subarray(0, size));
  const s = bytesToBigInt(raw.subarray(size));
  if (r === 0n || s === 0n) throw invalid(`ecdsa signature values are out of range for ${curve}`);
  return derEncode(TAG_SEQUENCE, derInteger(r), derInteger(s));
}
