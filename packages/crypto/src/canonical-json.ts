/**
 * Canonical JSON: the JSON Canonicalization Scheme (JCS, RFC 8785). Rekor stores and hashes
 * JCS(entry), so two requests that mean the same entry must give the same bytes.
 *
 * The input side is ours: `parseJson` (src/json/parse.ts) is a strict, bounded, non-recursive parser
 * that rejects what JCS cannot represent faithfully (duplicate keys, lone surrogates, integers beyond
 * 2^53 − 1, numbers that overflow). The output side is the `canonicalize` package (by one of the RFC's
 * authors): keys sorted by UTF-16 code units, ECMAScript number and string serialization. It is
 * recursive and throws plain Errors, so `canonicalJson` first checks every value iteratively and only
 * then hands it over; nothing but EncodingError can escape.
 */
import canonicalize from 'canonicalize';
import { utf8Bytes } from './encoding.js';
import { EncodingError } from './errors.js';
import { resolveJsonLimits, type JsonLimits } from './json/limits.js';
import { parseJson } from './json/parse.js';
import { isExactJsonNumber, isWellFormedString, type JsonValue } from './json/value.js';

export type { JsonArray, JsonObject, JsonValue } from './json/value.js';
export { DEFAULT_JSON_LIMITS, MAX_JSON_DEPTH, type JsonLimits } from './json/limits.js';
export { parseJson } from './json/parse.js';

/**
 * Checks, without recursion, that `root` is a JSON value JCS can serialize exactly: numbers that
 * pass isExactJsonNumber (finite; no integer beyond 2^53 − 1 below 1e21), well-formed strings and
 * keys, arrays without holes, plain objects (prototype Object.prototype or null) without `undefined`
 * members, nested at most `maxDepth` deep.
 */
function assertSerializable(root: unknown, maxDepth: number): void {
  const values: unknown[] = [root];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    switch (typeof value) {
      case 'boolean':
        break;
      case 'number':
        // Non-finite numbers have no JSON form; large integers would print as literals parseJson rejects.
        if (!isExactJsonNumber(value)) throw new EncodingError('ERR_JSON_INVALID', `json number ${value} is not finite or not a safe integer`);
        break;
      case 'string':
        if (!isWellFormedString(value)) throw new EncodingError('ERR_JSON_INVALID', 'json string has a lone surrogate');
        break;
      case 'object': {
        if (value === null) break;
        // Security: `canonicalize` recurses; a bounded depth keeps it (and us, on a cycle) finite.
        if (depth >= maxDepth) throw new EncodingError('ERR_JSON_LIMIT', `json value nested deeper than ${maxDepth} (or cyclic)`);
        if (Array.isArray(value)) {
          for (let k = 0; k < value.length; k++) {
            values.push(value[k]);
            depths.push(depth + 1);
          }
          break;
        }
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          throw new EncodingError('ERR_JSON_INVALID', 'json value is an object that is not a plain object');
        }
        const object = value as Record<string, unknown>;
        for (const key of Object.keys(object)) {
          if (!isWellFormedString(key)) throw new EncodingError('ERR_JSON_INVALID', 'json key has a lone surrogate');
          values.push(object[key]);
          depths.push(depth + 1);
        }
        break;
      }
      default:
        // undefined (also array holes and missing members), function, symbol, bigint.
        throw new EncodingError('ERR_JSON_INVALID', `a ${typeof value} is not a json value`);
    }
  }
}

/**
 * The RFC 8785 canonical form of `value`. Only `limits.maxDepth` applies (default 64). Throws
 * EncodingError ERR_JSON_INVALID for anything that is not an exactly serializable JSON value (NaN,
 * ±Infinity, integers with 2^53 − 1 < |n| < 1e21, lone surrogates, undefined, functions, class
 * instances) and ERR_JSON_LIMIT for nesting deeper than maxDepth or a cycle. Every output parses
 * back with `parseJson` (within the same limits) to an equal value.
 */
export function canonicalJson(value: JsonValue, limits?: Partial<JsonLimits>): string {
  assertSerializable(value, resolveJsonLimits(limits).maxDepth);
  // `canonicalize` returns undefined only for undefined, functions and symbols, ruled out above.
  return canonicalize(value) as string;
}

/** `canonicalJson(value)` as UTF-8 bytes: what gets hashed and signed. */
export function canonicalJsonBytes(value: JsonValue, limits?: Partial<JsonLimits>): Uint8Array {
  return utf8Bytes(canonicalJson(value, limits));
}

/**
 * Parses `text` strictly with `limits` and returns its canonical form: `canonicalJson(parseJson(text))`.
 * Idempotent: `canonicalizeText(canonicalizeText(t)) === canonicalizeText(t)`.
 */
export function canonicalizeText(text: string | Uint8Array, limits?: Partial<JsonLimits>): string {
  return canonicalJson(parseJson(text, limits), limits);
}
