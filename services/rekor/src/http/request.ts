import { parseDecimal } from '@sigstack/crypto/encoding';
import { isSigstackError } from '@sigstack/crypto/errors';
import type { JsonValue } from '@sigstack/crypto/canonical-json';
import { RekorError } from '../errors.js';

/** Helpers that check the shape of hostile request parts before the domain sees them. */

function invalid(message: string): never {
  throw new RekorError('ERR_REQUEST_INVALID', message);
}

/** A query parameter given at most once, as a string; repeated parameters are refused. */
export function queryString(query: unknown, name: string): string | undefined {
  const value = (query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') invalid(`${name} must be given once`);
  return value;
}

/** A decimal query parameter within [min, max]: `^(0|[1-9][0-9]*)$` first, so `1e3`, `0x10`, `+5`, `05` and ` 5` fail. */
export function queryInteger(query: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = queryString(query, name);
  if (text === undefined) return undefined;
  let n: number;
  try {
    n = parseDecimal(text, name);
  } catch (err) {
    if (isSigstackError(err)) invalid(err.message);
    throw err;
  }
  if (n < min || n > max) invalid(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The body as a JSON object whose keys are all in `allowed`. */
export function bodyObject(body: unknown, allowed: readonly string[]): { [key: string]: JsonValue } {
  const value = body as JsonValue | undefined;
  if (!isObject(value)) invalid('request body must be a JSON object');
  for (const key of Object.keys(value)) if (!allowed.includes(key)) invalid(`unknown field "${key.slice(0, 64)}"`);
  return value;
}

export function optionalArray(obj: { [key: string]: JsonValue }, name: string): JsonValue[] | undefined {
  const value = obj[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) invalid(`${name} must be an array`);
  return value;
}

export function optionalString(obj: { [key: string]: JsonValue }, name: string, maxLength = 4096): string | undefined {
  const value = obj[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) invalid(`${name} must be a string of 1 to ${maxLength} characters`);
  return value;
}
