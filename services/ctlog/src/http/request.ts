import { parseBase64, parseDecimal } from '@sigstack/crypto/encoding';
import { isSigstackError } from '@sigstack/crypto/errors';
import type { JsonValue } from '@sigstack/crypto/canonical-json';
import { CtLogError } from '../errors.js';

/** Helpers that check the shape of hostile request parts before the domain sees them. */

function invalid(message: string): never {
  throw new CtLogError('ERR_REQUEST_INVALID', message);
}

/** A query parameter given exactly once, as a string; repeated parameters are refused. */
export function queryString(query: unknown, name: string): string {
  const value = (query as Record<string, unknown>)[name];
  if (value === undefined || value === '') invalid(`parameter '${name}' is required`);
  if (typeof value !== 'string') invalid(`parameter '${name}' must be given once`);
  return value;
}

/**
 * A required decimal query parameter of at least `min`: `^(0|[1-9][0-9]*)$` and at most 2^53 − 1,
 * so `-1`, `1e3`, `0x10`, `+5`, `05`, ` 5` and 2^63 all fail with 400 (never wrap or round).
 */
export function queryInteger(query: unknown, name: string, min = 0): number {
  const text = queryString(query, name);
  let n: number;
  try {
    n = parseDecimal(text, `parameter '${name}'`);
  } catch (err) {
    if (isSigstackError(err)) invalid(err.message);
    throw err;
  }
  if (n < min) invalid(`parameter '${name}' must be at least ${min}, got ${n}`);
  return n;
}

/** A required standard-base64 query parameter decoding to exactly `bytes` bytes. */
export function queryHash(query: unknown, name: string, bytes: number): Uint8Array {
  const text = queryString(query, name);
  // Bound before decoding: a hash is 44 characters.
  if (text.length > 64) invalid(`parameter '${name}' must be ${bytes} bytes of base64`);
  let decoded: Uint8Array;
  try {
    decoded = parseBase64(text, `parameter '${name}'`);
  } catch (err) {
    if (isSigstackError(err)) invalid(err.message);
    throw err;
  }
  if (decoded.length !== bytes) invalid(`parameter '${name}' must be ${bytes} bytes, got ${decoded.length}`);
  return decoded;
}

/** Largest base64 text of one certificate: 64 KiB of DER. */
const MAX_CERT_BASE64 = Math.ceil((64 * 1024) / 3) * 4;

/**
 * The `chain` of an add-chain / add-pre-chain body: 1..`max` standard-base64 DER certificates.
 * Other members are ignored, as CTFE (Go's encoding/json) does.
 */
export function chainOf(body: unknown, max: number): Uint8Array[] {
  const value = body as JsonValue | undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) invalid('request body must be a JSON object with a "chain" array');
  const chain = value.chain;
  if (!Array.isArray(chain)) invalid('"chain" must be an array of base64 DER certificates');
  if (chain.length === 0) invalid('cert chain was empty');
  // Count before decoding anything: a chain longer than any real one is refused unread.
  if (chain.length > max) invalid(`cert chain has ${chain.length} certificates, at most ${max} allowed`);
  return chain.map((item, i) => {
    if (typeof item !== 'string' || item.length === 0) invalid(`chain[${i}] must be a base64 DER certificate`);
    if (item.length > MAX_CERT_BASE64) invalid(`chain[${i}] is larger than 64 KiB`);
    try {
      return parseBase64(item, `chain[${i}]`);
    } catch (err) {
      if (isSigstackError(err)) invalid(err.message);
      throw err;
    }
  });
}
