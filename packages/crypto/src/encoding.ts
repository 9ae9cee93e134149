/**
 * Strict parsers for values that arrive from the network, and the byte helpers the rest of the
 * package shares. Every parser throws `EncodingError` (code ERR_ENCODING_INVALID); none of them
 * lets a `SyntaxError` or `RangeError` escape.
 */
import { EncodingError } from './errors.js';

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX = /^[0-9a-f]*$/;

function describe(text: string): string {
  // Never echo a huge hostile value back into an error message.
  return text.length > 40 ? `${JSON.stringify(text.slice(0, 40))}…` : JSON.stringify(text);
}

/**
 * Parses a non-negative decimal integer in the safe-integer range.
 * Rejects what `Number()`/`parseInt()`/`BigInt()` would quietly accept: "", " 5", "+5", "05",
 * "1e3", "0x10", "1.5", "-1", and anything above 2^53−1 (it would lose precision).
 */
export function parseDecimal(text: string, what = 'value'): number {
  // Length check first: a 10 MB string of digits must not reach the regex engine or Number().
  if (typeof text !== 'string' || text.length > 16 || !DECIMAL.test(text)) {
    throw new EncodingError('ERR_ENCODING_INVALID', `${what} must be a decimal integer, got ${describe(String(text))}`);
  }
  const n = Number(text);
  if (!Number.isSafeInteger(n)) {
    throw new EncodingError('ERR_ENCODING_INVALID', `${what} ${text} is above the largest safe integer`);
  }
  return n;
}

/** Decodes lowercase hex. With `bytes`, the decoded length must be exactly that many bytes. */
export function parseHex(text: string, bytes?: number, what = 'hex value'): Uint8Array {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !HEX.test(text)) {
    throw new EncodingError('ERR_ENCODING_INVALID', `${what} must be lowercase hex, got ${describe(String(text))}`);
  }
  if (bytes !== undefined && text.length !== bytes * 2) {
    throw new EncodingError('ERR_ENCODING_INVALID', `${what} must be ${bytes * 2} hex characters, got ${text.length}`);
  }
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/**
 * Decodes standard, padded base64 (RFC 4648 §4) and nothing else: no URL alphabet, no missing
 * padding, no whitespace. Node's decoder silently skips such characters, so we check first.
 */
export function parseBase64(text: string, what = 'base64 value'): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new EncodingError('ERR_ENCODING_INVALID', `${what} must be standard padded base64`);
  }
  const bytes = Buffer.from(text, 'base64');
  // Non-canonical trailing bits ("QQ==" vs "QR==") decode the same; require the canonical form so
  // that one value has exactly one encoding.
  if (bytes.toString('base64') !== text) {
    throw new EncodingError('ERR_ENCODING_INVALID', `${what} is not canonical base64`);
  }
  return new Uint8Array(bytes);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Constant-time-irrelevant equality of two byte strings (all our compared values are public). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

const utf8 = new TextEncoder();
export function utf8Bytes(text: string): Uint8Array {
  return utf8.encode(text);
}
