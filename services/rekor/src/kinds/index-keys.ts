/**
 * Search-index keys (upstream `IndexKeys` of each kind, and the query side of
 * `POST /api/v1/index/retrieve`).
 *
 * Every key is stored and looked up in lower case: upstream's default index (Redis) lowercases
 * every key it writes, and the search API lowercases email, subject and hash queries, so a key
 * with upper-case letters (a URI SAN, an in-toto digest) could never be found otherwise.
 */
import { createHash } from 'node:crypto';
import { parseJson, type JsonObject, type JsonValue } from '@sigstack/crypto/canonical-json';
import { parseBase64, toHex, utf8Bytes } from '@sigstack/crypto/encoding';
import { RekorError } from '../errors.js';
import { parseVerifier, type Verifier } from './pem.js';

/** The payload type whose payloads are read for subject and material digests. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** Upstream's MySQL index column is varchar(512); longer keys are not indexed. */
export const MAX_SEARCH_KEY_LENGTH = 512;

/**
 * Most keys indexed for one entry. A statement with thousands of subjects (or a certificate with
 * thousands of names) must not turn one request into thousands of index writes; the index is
 * best effort, as upstream's is.
 */
export const MAX_SEARCH_KEYS = 1024;

/** Chains longer than this are refused by every kind; the search side uses the same bound. */
const SEARCH_MAX_CHAIN = 10;

/** hex(sha256(canonical PEM)): the key of a public key or certificate (hashedrekord, and search). */
export function keyHash(verifier: Verifier): string {
  return toHex(createHash('sha256').update(utf8Bytes(verifier.pem)).digest());
}

/** The keys of one verifier in dsse and intoto entries: `sha256:<keyHash>` (prefixed!) and the SANs. */
export function prefixedVerifierKeys(verifier: Verifier): string[] {
  return [`sha256:${keyHash(verifier)}`, ...verifier.subjects];
}

/** Lower-cases, drops over-long keys and duplicates, and caps the count (order kept). */
export function finishKeys(keys: readonly string[]): string[] {
  const out = new Set<string>();
  for (const key of keys) {
    if (out.size >= MAX_SEARCH_KEYS) break;
    if (key.length === 0 || key.length > MAX_SEARCH_KEY_LENGTH) continue;
    out.add(key.toLowerCase());
  }
  return [...out];
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function member(object: JsonObject, key: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** `<alg>:<digest>` for every string member of each item's `digest` object. */
function digestKeys(items: JsonValue | undefined, out: string[]): void {
  if (!Array.isArray(items)) return;
  for (const item of items) {
    const digest = isObject(item) ? member(item, 'digest') : undefined;
    if (!isObject(digest)) continue;
    for (const alg of Object.keys(digest)) {
      const value = digest[alg];
      if (typeof value === 'string') out.push(`${alg}:${value}`);
    }
  }
}

/**
 * For an in-toto payload: `<alg>:<digest>` of every `subject[].digest` and (SLSA provenance v0.x)
 * `predicate.materials[].digest`. A payload that is not a JSON object yields none: like upstream,
 * a statement that does not parse only loses its index keys.
 */
export function inTotoKeys(payloadType: string, payload: Uint8Array): string[] {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) return [];
  let statement: JsonValue;
  try {
    statement = parseJson(payload);
  } catch {
    return [];
  }
  if (!isObject(statement)) return [];
  const out: string[] = [];
  digestKeys(member(statement, 'subject'), out);
  const predicate = member(statement, 'predicate');
  if (isObject(predicate)) digestKeys(member(predicate, 'materials'), out);
  return out;
}

function badQuery(message: string, cause?: unknown): RekorError {
  return new RekorError('ERR_REQUEST_INVALID', message, cause === undefined ? undefined : { cause });
}

const PREFIXED_HASH = /^(?:(sha1|sha256|sha384|sha512):)?([0-9a-fA-F]+)$/;
const HEX_LENGTH: Readonly<Record<string, number>> = { sha1: 40, sha256: 64, sha384: 96, sha512: 128 };
const ALG_OF_LENGTH: Readonly<Record<number, string>> = { 40: 'sha1', 64: 'sha256', 96: 'sha384', 128: 'sha512' };

/**
 * The index key of a SearchIndex `hash` query: `<alg>:<hex>` in lower case. Without a prefix the
 * algorithm comes from the length (upstream `util.PrefixSHA`: 40 sha1, 64 sha256, 96 sha384,
 * 128 sha512). Throws RekorError ERR_REQUEST_INVALID for anything else.
 */
export function hashIndexKey(hash: string): string {
  // Length first: a hostile megabyte string never reaches the regex.
  const match = typeof hash === 'string' && hash.length <= 7 + 128 ? PREFIXED_HASH.exec(hash) : null;
  if (match === null) throw badQuery('hash must be [sha1:|sha256:|sha384:|sha512:]<hex>');
  const hex = match[2] as string;
  const alg = match[1] ?? ALG_OF_LENGTH[hex.length];
  if (alg === undefined || HEX_LENGTH[alg] !== hex.length) throw badQuery(`hash of ${hex.length} hex characters does not match ${match[1] ?? 'any supported algorithm'}`);
  return `${alg}:${hex.toLowerCase()}`;
}

/**
 * The index key of a SearchIndex `publicKey` query: hex(sha256(canonical PEM)) without prefix,
 * as upstream computes it. `content` is base64 of PEM text (a public key, a certificate or a
 * chain). Only `x509` is supported. Throws RekorError ERR_REQUEST_INVALID.
 */
export function publicKeyIndexKey(format: string, content: string): string {
  if (format !== 'x509') throw badQuery(`publicKey format ${JSON.stringify(String(format).slice(0, 20))} is not supported; only x509 is`);
  let bytes: Uint8Array;
  try {
    bytes = parseBase64(content, 'publicKey.content');
  } catch (err) {
    throw badQuery('publicKey.content must be standard padded base64', err);
  }
  try {
    return keyHash(parseVerifier(bytes, 'publicKey.content', SEARCH_MAX_CHAIN));
  } catch (err) {
    throw badQuery((err as Error).message, err);
  }
}
