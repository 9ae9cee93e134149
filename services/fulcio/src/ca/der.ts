/**
 * The CA's own DER writers, built on the shared strict reader and writer of `@sigstack/crypto/der`
 * (which the CA uses directly for everything else): INTEGERs from raw serial-number bytes and the
 * certificate Time encoding. Both are on the leaf encoder's hot path and allocate once.
 */
import { derEncode, TAG_GENERALIZED_TIME, TAG_INTEGER, TAG_UTC_TIME } from '@sigstack/crypto/der';

/** A non-negative INTEGER from big-endian unsigned bytes: leading zeros stripped, 0x00 added before a high bit. */
export function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const value = bytes.length === 0 ? Uint8Array.of(0) : bytes.subarray(start);
  return (value[0] as number) >= 0x80 ? derEncode(TAG_INTEGER, Uint8Array.of(0), value) : derEncode(TAG_INTEGER, value);
}

const TWO = (n: number): string => String(n).padStart(2, '0');

/**
 * A certificate Time as Go and RFC 5280 §4.1.2.5 write it: UTCTime `YYMMDDHHMMSSZ` for the years
 * 1950–2049, GeneralizedTime `YYYYMMDDHHMMSSZ` otherwise. Milliseconds are dropped (truncated).
 */
export function time(ms: number): Uint8Array {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const rest = `${TWO(d.getUTCMonth() + 1)}${TWO(d.getUTCDate())}${TWO(d.getUTCHours())}${TWO(d.getUTCMinutes())}${TWO(d.getUTCSeconds())}Z`;
  if (year >= 1950 && year < 2050) return derEncode(TAG_UTC_TIME, Buffer.from(`${TWO(year % 100)}${rest}`, 'latin1'));
  return derEncode(TAG_GENERALIZED_TIME, Buffer.from(`${String(year).padStart(4, '0')}${rest}`, 'latin1'));
}
