/**
 * Errors of the identity layer. Three kinds, one per HTTP outcome:
 *
 * - `IdentityError` ERR_TOKEN_INVALID: the client's token is not acceptable (malformed, unknown issuer, bad
 *   signature, wrong audience, expired, unusable identity). The HTTP layer answers 400 with `message`, which
 *   is always upstream's fixed text; the real reason is in `reason` (for the log, never the wire) and the
 *   failed check in `check` (stable, for tests and metrics).
 * - `IdentityError` ERR_IDP_UNAVAILABLE: a configured identity provider could not be asked (discovery or
 *   JWKS unreachable, timed out, too large, garbage, or naming another issuer). Not the client's fault:
 *   the HTTP layer answers 503. `message` is generic, `reason` names the provider and the cause.
 * - `IssuerConfigError` ERR_CONFIG_INVALID: the issuer configuration cannot be used; `problems` lists every
 *   problem found, not only the first. The service refuses to start.
 */
import { SigstackError } from '@sigstack/crypto/errors';

/** Upstream Fulcio's client-facing message for every token failure (pkg/server/error.go). */
export const TOKEN_ERROR_MESSAGE = 'There was an error processing the identity token';

/** The client-facing message when an identity provider cannot be reached. */
export const IDP_UNAVAILABLE_MESSAGE = 'The identity provider could not be reached; try again later';

/**
 * Which check refused a token:
 * - `format`: not a compact JWS of bounded size, bad base64url, header or payload not a strict JSON object;
 * - `algorithm`: `alg` missing, symmetric, `none`, not offered by the provider, or a `crit`/`b64` header;
 * - `issuer`: `iss` missing or not configured (exactly, or by an anchored meta-issuer pattern);
 * - `key`: no key of the provider's JWKS fits `kid` and `alg`;
 * - `signature`: the signature does not verify;
 * - `claims`: `iss`, `aud`, `exp`, `nbf`, `iat` or `sub` wrong, missing or of the wrong type;
 * - `identity`: the token is valid but yields no acceptable identity for its issuer type (unverified
 *   email, missing CI claims, a subject outside the configured domain…);
 * - `unavailable`: the provider could not be asked (ERR_IDP_UNAVAILABLE only).
 */
export type TokenCheck = 'format' | 'algorithm' | 'issuer' | 'key' | 'signature' | 'claims' | 'identity' | 'unavailable';

/** A token refused (ERR_TOKEN_INVALID) or a provider unreachable (ERR_IDP_UNAVAILABLE). */
export class IdentityError extends SigstackError {
  /** The real reason, lowercase with key values: for the server log only, never for the client. */
  readonly reason: string;
  readonly check: TokenCheck;

  constructor(code: 'ERR_TOKEN_INVALID' | 'ERR_IDP_UNAVAILABLE', check: TokenCheck, reason: string, options?: { cause?: unknown }) {
    super(code, code === 'ERR_TOKEN_INVALID' ? TOKEN_ERROR_MESSAGE : IDP_UNAVAILABLE_MESSAGE, options);
    this.check = check;
    this.reason = reason;
  }
}

/** ERR_TOKEN_INVALID for `check` with the log-only `reason`. */
export function tokenInvalid(check: Exclude<TokenCheck, 'unavailable'>, reason: string, cause?: unknown): IdentityError {
  return new IdentityError('ERR_TOKEN_INVALID', check, reason, cause === undefined ? undefined : { cause });
}

/** ERR_IDP_UNAVAILABLE with the log-only `reason`. */
export function idpUnavailable(reason: string, cause?: unknown): IdentityError {
  return new IdentityError('ERR_IDP_UNAVAILABLE', 'unavailable', reason, cause === undefined ? undefined : { cause });
}

/** The issuer configuration cannot be used; every problem found is in `problems`. */
export class IssuerConfigError extends SigstackError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('ERR_CONFIG_INVALID', `invalid issuer configuration:\n  ${problems.join('\n  ')}`);
    this.problems = Object.freeze([...problems]);
  }
}

/** Shows a hostile or long value in a reason without flooding the log. */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : typeof value === 'object' && value !== null ? `a ${Array.isArray(value) ? 'array' : 'object'}` : String(value);
  return text.length > 80 ? `${JSON.stringify(text.slice(0, 80))}…` : JSON.stringify(text);
}
