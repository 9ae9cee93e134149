/**
 * Strict readers for the JSON shapes of proposed entries. Every failure is a RekorError
 * ERR_ENTRY_INVALID naming the field, so that hostile input never surfaces as a TypeError.
 *
 * Conventions shared by every kind:
 * - `null` counts as absent. sigstore-python serializes unset optional fields as `null`
 *   (pydantic `model_dump` without `exclude_none`), and upstream's decoder ignores them too.
 *   A required field that is `null` is therefore "missing".
 * - Unknown fields are refused. Upstream silently drops them, but an entry that carries data the
 *   log then throws away is either a client bug or an attempt to make two different requests
 *   canonicalize to the same leaf; refusing is the safer reading.
 * - Base64 is standard, padded and canonical (`parseBase64`), the form every client emits.
 */
import type { JsonObject, JsonValue } from '@sigstack/crypto/canonical-json';
import { parseBase64 } from '@sigstack/crypto/encoding';
import { DIGEST_SIZE, type HashName } from '@sigstack/crypto/keys';
import { RekorError } from '../errors.js';

/** The one error of entry validation (HTTP 400 `error processing entry: <message>`). */
export function invalid(message: string, cause?: unknown): RekorError {
  return new RekorError('ERR_ENTRY_INVALID', message, cause === undefined ? undefined : { cause });
}

/** A short, safe rendering of a hostile value for an error message. */
export function shown(text: string): string {
  // Never echo a huge hostile value back to the client.
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function typeName(value: JsonValue | undefined): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `value` as an object whose keys are all in `allowed`. Works on null-prototype objects (from
 * parseJson) and on ordinary ones.
 */
export function objectAt(value: JsonValue | undefined, path: string, allowed: readonly string[]): JsonObject {
  if (!isObject(value)) throw invalid(`${path} must be an object, got ${typeName(value)}`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalid(`${path} has unknown field ${shown(key)}`);
  }
  return value;
}

/** The member `key` of `object`, or undefined when it is absent or null. Own members only. */
export function optional(object: JsonObject, key: string): JsonValue | undefined {
  const value = Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
  return value === null ? undefined : value;
}

/** The member `key` of `object`; absent or null is an error. */
export function required(object: JsonObject, key: string, path: string): JsonValue {
  const value = optional(object, key);
  if (value === undefined) throw invalid(`missing ${path}.${key}`);
  return value;
}

export function stringAt(value: JsonValue | undefined, path: string): string {
  if (typeof value !== 'string') throw invalid(`${path} must be a string, got ${typeName(value)}`);
  return value;
}

/** An array of `min`..`max` items (`max` bounds the work done per item on hostile input). */
export function arrayAt(value: JsonValue | undefined, path: string, min: number, max: number): JsonValue[] {
  if (!Array.isArray(value)) throw invalid(`${path} must be an array, got ${typeName(value)}`);
  // Security: caps the signatures or keys that are parsed and verified for one request.
  if (value.length < min || value.length > max) {
    throw invalid(`${path} has ${value.length} items, must have ${min === max ? min : `${min} to ${max}`}`);
  }
  return value;
}

/** A non-empty standard padded base64 string, with its decoded bytes. */
export function base64At(value: JsonValue | undefined, path: string): { text: string; bytes: Uint8Array } {
  const text = stringAt(value, path);
  if (text === '') throw invalid(`${path} must not be empty`);
  try {
    return { text, bytes: parseBase64(text, path) };
  } catch (err) {
    throw invalid(`${path} must be standard padded base64`, err);
  }
}

const HEX = /^[0-9a-fA-F]*$/;

/**
 * A hex digest of `hash`, returned in lower case. Upper case is accepted because upstream's
 * `hex.DecodeString` accepts it; it is normalized so that the same digest always gives the same
 * canonical body (and a resubmission is a duplicate, not a second leaf).
 */
export function hexDigestAt(value: JsonValue | undefined, path: string, hash: HashName): string {
  const text = stringAt(value, path);
  const want = DIGEST_SIZE[hash] * 2;
  // Length first: a long hostile string never reaches the regex.
  if (text.length !== want) throw invalid(`${path} must be ${want} hex characters for ${hash}, got ${text.length}`);
  if (!HEX.test(text)) throw invalid(`${path} must be hex, got ${shown(text)}`);
  return text.toLowerCase();
}
