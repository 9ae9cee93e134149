/**
 * Reading claims from a verified token payload. The payload came from the strict JSON parser, so objects
 * have a null prototype and no duplicate keys; these helpers still check every type, because a claim's
 * type is whatever the token says.
 */
import type { JsonObject, JsonValue } from '@sigstack/crypto/canonical-json';
import { shown, tokenInvalid } from './errors.js';

/** The claim `name` when it is an own member of `claims`, else undefined. */
export function claim(claims: JsonObject, name: string): JsonValue | undefined {
  return Object.hasOwn(claims, name) ? claims[name] : undefined;
}

/**
 * The string claim `name`. Absent (or null, as Go's decoder treats it) is '' unless `required`; a
 * present claim of another type is an identity error (upstream's decoder fails the same way).
 */
export function stringClaim(claims: JsonObject, name: string, required = false): string {
  const value = claim(claims, name);
  if (value === undefined || value === null) {
    if (required) throw tokenInvalid('identity', `missing ${name} claim in ID token`);
    return '';
  }
  if (typeof value !== 'string') throw tokenInvalid('identity', `${name} claim is not a string`);
  if (required && value === '') throw tokenInvalid('identity', `missing ${name} claim in ID token`);
  return value;
}

/** A nested object claim (`kubernetes.io`), or undefined when absent; another type is an identity error. */
export function objectClaim(claims: JsonObject, name: string): JsonObject | undefined {
  const value = claim(claims, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw tokenInvalid('identity', `${name} claim is not an object`);
  return value;
}

/**
 * `email_verified` as upstream reads it (fulcio `oauthflow.stringAsBool`, #1744): true for `true`, `"true"`
 * and `"True"`; false for `false`, `"false"`, `"False"` and absence; anything else (`0`, `"yes"`, an
 * object) is an error, not a quiet false.
 */
export function emailVerified(claims: JsonObject): boolean {
  const value = claim(claims, 'email_verified');
  if (value === undefined || value === null) return false;
  if (value === true || value === 'true' || value === 'True') return true;
  if (value === false || value === 'false' || value === 'False') return false;
  throw tokenInvalid('identity', `email_verified claim has the invalid value ${shown(JSON.stringify(value))}`);
}

// An email as the certificate can hold it: dot-atom local part (RFC 5322 atext, no quoted forms) and a
// DNS domain of at least two labels whose last label starts with a letter (what govalidator's IsEmail,
// used upstream, also demands). ASCII only: the SAN is an IA5String.
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const TLD = '[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const EMAIL = new RegExp(`^${ATEXT}(?:\\.${ATEXT})*@(?:${LABEL}\\.)+${TLD}$`);

/** True for a single-`@` ASCII email address of at most 254 characters with a 64-character local part. */
export function isEmail(value: string): boolean {
  // Length first: the pattern then runs on at most 254 characters.
  if (value.length > 254) return false;
  const at = value.indexOf('@');
  if (at < 1 || at > 64) return false;
  return EMAIL.test(value);
}

/** A compiled IssuerClaim JSONPath: the member names to follow from the root. */
export type ClaimPath = readonly string[];

const PATH_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Compiles the supported JSONPath subset: `$` followed by `.name` or `['name']` / `["name"]` steps, e.g.
 * `$.federated_claims.connector_id` (Dex). Throws Error for anything else (filters, wildcards, indices).
 */
export function compileClaimPath(path: string): ClaimPath {
  if (!path.startsWith('$')) throw new Error(`issuer claim ${JSON.stringify(path)} must start with $`);
  const steps: string[] = [];
  let rest = path.slice(1);
  while (rest !== '') {
    const dotted = /^\.([A-Za-z0-9_-]+)/.exec(rest);
    const bracketed = /^\[(?:'([^'\\]+)'|"([^"\\]+)")\]/.exec(rest);
    const match = dotted ?? bracketed;
    if (match === null) throw new Error(`issuer claim ${JSON.stringify(path)} uses jsonpath beyond .name and ['name'] steps`);
    const step = (match[1] ?? match[2]) as string;
    if (dotted !== null && !PATH_NAME.test(step)) throw new Error(`issuer claim ${JSON.stringify(path)} has an invalid step`);
    steps.push(step);
    rest = rest.slice(match[0].length);
  }
  if (steps.length === 0) throw new Error(`issuer claim ${JSON.stringify(path)} names no claim`);
  return Object.freeze(steps);
}

/** The string at `path` in `claims`; a missing member or a non-string value is an identity error. */
export function claimAtPath(claims: JsonObject, path: ClaimPath, text: string): string {
  let value: JsonValue | undefined = claims;
  for (const step of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, step)) {
      throw tokenInvalid('identity', `issuer claim ${text} not found in ID token`);
    }
    value = (value as JsonObject)[step];
  }
  if (typeof value !== 'string' || value === '') throw tokenInvalid('identity', `issuer claim ${text} is not a non-empty string`);
  return value;
}
