/**
 * The JSON data model shared by the strict parser and the canonical serializer.
 *
 * Objects produced by `parseJson` have a null prototype (see src/json/parse.ts for why); values built
 * by our own code may also use ordinary `{}` objects. Either kind is a `JsonObject`.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type JsonArray = JsonValue[];

export type JsonObject = { [key: string]: JsonValue };

/** Node ≥ 20 has `String.prototype.isWellFormed` (ES2024); our TypeScript lib is ES2023, so we type it here. */
type WellFormedCheck = { isWellFormed(): boolean };

/** True when `text` has no unpaired UTF-16 surrogate, i.e. it is a sequence of Unicode scalar values. */
export function isWellFormedString(text: string): boolean {
  return (text as unknown as WellFormedCheck).isWellFormed();
}

/**
 * The numbers sigstack accepts in JSON, both when parsing and when serializing: finite doubles,
 * except integer values with 2^53 − 1 < |n| < 10^21. JCS (ECMAScript `Number#toString`) prints those
 * as plain integer literals ("9007199254740992"), which cannot be told apart from an integer that was
 * rounded (2^53 + 1 parses to 2^53), and which our parser rejects. Excluding them keeps every
 * canonical form re-parseable to the same value, so canonicalization is idempotent. From 10^21 on,
 * JCS uses exponent form ("1e+21"), which is unambiguously a double.
 */
export function isExactJsonNumber(n: number): boolean {
  if (!Number.isFinite(n)) return false;
  const magnitude = Math.abs(n);
  return magnitude <= Number.MAX_SAFE_INTEGER || magnitude >= 1e21 || !Number.isInteger(n);
}
