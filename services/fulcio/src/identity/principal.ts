/**
 * What an accepted token proves: the Principal the CA turns into a certificate. Upstream's `Principal`
 * (`Name()` + `Embed(cert)`) becomes plain data here, so the CA needs no identity code: the challenge
 * values the proof of possession may sign, the one SAN, and the Sigstore extension values by OID.
 */
import type { JsonObject } from '@sigstack/crypto/canonical-json';
import { SigstoreOid, type SanIdentity } from '@sigstack/crypto/x509';
import type { ClaimPath } from './claims.js';
import { claim } from './claims.js';
import type { IssuerType, OidcIssuerConfig } from './config-types.js';
import { tokenInvalid } from './errors.js';
import { goUrlJoinPath, goUrlString, parseGoUrl, type GoUrl } from './go-url.js';
import type { ClaimTemplate } from './template.js';

export interface Principal {
  readonly issuerType: IssuerType;
  /** The verified `iss` claim. */
  readonly issuer: string;
  /** The verified `sub` claim. */
  readonly subject: string;
  /**
   * The strings a proof of possession may sign, in order. The first is upstream's `Name()`: `email` for
   * email issuers, email-if-present for chainguard-identity, `sub` for every other type. The second, when
   * the token has one, is the other claim (`sub` for email issuers, a non-empty `email` otherwise): clients
   * sign `email` whenever a token carries one (sigstore-go#282, cosign#3777), and either value proves
   * possession of the key for this token equally well.
   */
  readonly challenges: readonly string[];
  /** The one Subject Alternative Name of the certificate. */
  readonly san: SanIdentity;
  /**
   * Sigstore extension values by OID (1.3.6.1.4.1.57264.1.*), only non-empty ones: always .1 and .8 (the
   * issuer) and .24 (the token subject), plus the CI values of the issuer type. Feed to
   * `buildSigstoreExtensions` of @sigstack/crypto/x509, which orders and encodes them.
   */
  readonly extensions: Readonly<Record<string, string>>;
}

/** Compiled templates of one CI provider. */
export interface CompiledCiMetadata {
  readonly defaults: ReadonlyMap<string, string>;
  /** OID → template, for the extensions a template sets (issuer and subject excluded). */
  readonly extensions: ReadonlyMap<string, ClaimTemplate>;
  readonly san: ClaimTemplate;
}

/** Everything a principal builder needs. */
export interface PrincipalContext {
  /** The issuer's configuration (for a meta issuer, the pattern's entry). */
  readonly config: OidcIssuerConfig;
  /** The verified claims. */
  readonly claims: JsonObject;
  /** The verified `iss` and `sub`, both non-empty strings. */
  readonly iss: string;
  readonly sub: string;
  readonly issuerClaim: ClaimPath | undefined;
  readonly ciMetadata: CompiledCiMetadata | undefined;
}

export type PrincipalBuilder = (context: PrincipalContext) => Principal;

/** Visible ASCII: what an IA5String SAN may hold (no spaces, no controls). */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/** Parses `value` with Go's url.Parse (a failure is an identity error naming `what`). */
export function parseUrlValue(value: string, what: string): GoUrl {
  try {
    return parseGoUrl(value);
  } catch (err) {
    throw tokenInvalid('identity', `${what} ${JSON.stringify(value.slice(0, 200))} is not a URL: ${(err as Error).message}`, err);
  }
}

/** Go's URL.JoinPath on a claim-derived URL (a bad `%` escape is an identity error naming `what`). */
export function joinUrl(base: GoUrl, what: string, ...elems: string[]): GoUrl {
  try {
    return goUrlJoinPath(base, ...elems);
  } catch (err) {
    throw tokenInvalid('identity', `${what} cannot be built: ${(err as Error).message}`, err);
  }
}

/** Go's URL.String of `base` joined with `elems`: an extension value. */
export function joinedUrl(base: GoUrl, what: string, ...elems: string[]): string {
  return goUrlString(joinUrl(base, what, ...elems));
}

/**
 * A URI SAN from `url`, printed as Go prints it. It must be absolute (a scheme, and a host or an opaque
 * part such as `urn:x:y`) and visible ASCII, so that a certificate never carries an empty (`https:`),
 * relative or unencodable identity.
 */
export function uriSan(url: GoUrl, what: string): SanIdentity {
  const value = goUrlString(url);
  // Judge the printed form, which is what the certificate says (a schemeless GitLab path given a scheme
  // gains its host only when printed).
  let printed: GoUrl | undefined;
  try {
    printed = parseGoUrl(value);
  } catch {
    printed = undefined;
  }
  if (printed === undefined || printed.scheme === '' || (printed.host === '' && printed.opaque === '') || !VISIBLE_ASCII.test(value)) {
    throw tokenInvalid('identity', `${what} ${JSON.stringify(value.slice(0, 200))} is not an absolute ascii URI with a host`);
  }
  return { type: 'uri', value };
}

/**
 * Assembles a frozen Principal: adds the issuer (.1, .8; `issuerValue` or `iss`) and token subject (.24)
 * extensions, drops empty values, and puts `name` (upstream's `Name()`) first in the challenges.
 */
export function makePrincipal(
  type: IssuerType,
  context: PrincipalContext,
  name: string,
  san: SanIdentity,
  extensions: Readonly<Record<string, string>> = {},
  issuerValue: string = context.iss,
): Principal {
  const email = claim(context.claims, 'email');
  const challenges = [name];
  const other = name === context.sub ? (typeof email === 'string' ? email : '') : context.sub;
  if (other !== '' && other !== name) challenges.push(other);
  const values: Record<string, string> = {};
  for (const [oid, value] of Object.entries(extensions)) if (value !== '') values[oid] = value;
  values[SigstoreOid.issuer] = issuerValue;
  values[SigstoreOid.issuerV2] = issuerValue;
  values[SigstoreOid.tokenSubject] = context.sub;
  return Object.freeze({
    issuerType: type,
    issuer: context.iss,
    subject: context.sub,
    challenges: Object.freeze(challenges),
    san: Object.freeze({ ...san }),
    extensions: Object.freeze(values),
  });
}
