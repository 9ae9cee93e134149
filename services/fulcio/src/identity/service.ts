/**
 * The identity service: raw ID token in, Principal out. The order of work is the security design:
 *
 * 1. bound and decode the token without trusting it (src/identity/jwt.ts): size ≤ 16 KiB, exactly two
 *    dots, strict base64url and JSON, an asymmetric `alg`, no `crit`/`b64`;
 * 2. pick the configured issuer from the unverified `iss` (exact, then anchored meta patterns). No match
 *    ends here, before any request;
 * 3. the provider's discovery (cached) must offer the token's `alg`; its JWKS (cached, refreshed at a
 *    bounded rate) must hold a key that fits `kid` and `alg` (jose selects and imports it); node:crypto
 *    verifies the signature (jws-verify.ts);
 * 4. the verified claims: `iss` exact, `aud` contains the ClientID, `exp` required with no leeway, `nbf`
 *    with 5 minutes of leeway, `iat` only type-checked (go-oidc's rules), `sub` a non-empty string;
 * 5. the issuer type's identity rules build the Principal.
 *
 * A client fault is IdentityError ERR_TOKEN_INVALID; an unreachable or misbehaving provider is
 * IdentityError ERR_IDP_UNAVAILABLE. Nothing else escapes for any token.
 */
import { parseJson, type JsonObject, type JsonValue } from '@sigstack/crypto/canonical-json';
import type { CryptoKey, JWSHeaderParameters } from 'jose';
import { fetchTrusting } from './ca-fetch.js';
import { compileClaimPath, type ClaimPath } from './claims.js';
import type { IssuerConfig, OidcIssuerConfig } from './config-types.js';
import { IdentityError, IssuerConfigError, shown, tokenInvalid } from './errors.js';
import { EXTENSION_BY_YAML } from './extension-names.js';
import { IssuerPool, type IssuerMatch } from './issuer-pool.js';
import { verifyJws } from './jws-verify.js';
import { decodeUnverified, MAX_TOKEN_BYTES, type UnverifiedToken } from './jwt.js';
import type { CompiledCiMetadata, Principal } from './principal.js';
import { PRINCIPAL_BUILDERS } from './principals/index.js';
import { candidateKeys, Provider, type KeySet, type ProviderOptions } from './provider.js';
import { compileTemplate, type ClaimTemplate } from './template.js';

export interface IdentityServiceOptions {
  /** A validated configuration (parseIssuerConfig or issuerConfig). */
  readonly config: IssuerConfig;
  /** Milliseconds since the epoch; Date.now when absent. */
  readonly clock?: () => number;
  /** The fetch used for every provider (tests inject one). Default: the global fetch, or one trusting an issuer's CACert. */
  readonly fetch?: typeof fetch;
  /** Per-attempt timeout of discovery and JWKS requests. Default 10 000 ms (upstream's discovery timeout). */
  readonly timeoutMs?: number;
  /** Extra attempts on network errors, 408, 429 and 5xx. Default 1. */
  readonly retries?: number;
  /** Largest discovery or JWKS body read. Default 512 KiB (real ones are a few KiB). */
  readonly maxResponseBytes?: number;
  /** Least time between two JWKS fetches caused by unknown keys or staleness, per provider. Default 30 000 ms. */
  readonly refreshIntervalMs?: number;
  /** How long a failed fetch with nothing cached answers ERR_IDP_UNAVAILABLE without a new request. Default 5 000 ms. */
  readonly retryAfterFailureMs?: number;
  /** Age after which cached JWKS keys are refetched on next use. Default 1 hour. */
  readonly jwksMaxAgeMs?: number;
  /** Most meta-issuer providers kept (least recently used evicted; upstream: 100). */
  readonly maxMetaProviders?: number;
  /**
   * Static issuers whose discovery and keys are fetched at another URL (issuer URL → fetch URL); tokens
   * still carry the issuer URL as `iss`. Only the dev issuer uses this, in dev mode (the CA inside a
   * compose network). Each fetch URL must be http(s) with the issuer URL's path and no query, fragment
   * or credentials: only the origin differs (IssuerConfigError otherwise). See Provider for the jwks_uri rule.
   */
  readonly fetchUrls?: Readonly<Record<string, string>>;
}

export interface IdentityService {
  /**
   * Verifies `rawToken` and returns what it proves. Throws IdentityError: ERR_TOKEN_INVALID (answer 400
   * with `message`, log `reason`) or ERR_IDP_UNAVAILABLE (answer 503, log `reason`).
   */
  authenticate(rawToken: unknown): Promise<Principal>;
  /**
   * Fetches discovery and JWKS of every static issuer (upstream discovers at start-up). Never throws: the
   * failures are returned for the log, and those issuers are retried lazily.
   */
  warm(): Promise<{ readonly issuer: string; readonly error?: IdentityError }[]>;
  readonly config: IssuerConfig;
}

/** go-oidc: tokens may be used up to 5 minutes before `nbf` (clock skew). `exp` has no leeway. */
export const NBF_LEEWAY_MS = 5 * 60 * 1000;

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new IssuerConfigError([`identity option ${name} must be a non-negative integer, got ${value}`]);
  return value;
}

/** The fetch URL of each issuer in `fetchUrls`, checked: a static issuer, and only the origin differs. */
function checkFetchUrls(fetchUrls: Readonly<Record<string, string>>, config: IssuerConfig): Map<string, string> {
  const out = new Map<string, string>();
  const problems: string[] = [];
  for (const [issuer, fetchUrl] of Object.entries(fetchUrls)) {
    if (!Object.hasOwn(config.oidcIssuers, issuer)) {
      problems.push(`fetch url ${fetchUrl} is given for ${issuer}, which is not a configured static issuer`);
      continue;
    }
    let f: URL;
    let i: URL;
    try {
      f = new URL(fetchUrl);
      i = new URL(issuer);
    } catch {
      problems.push(`fetch url ${JSON.stringify(fetchUrl)} of ${issuer} is not an absolute url`);
      continue;
    }
    if (f.protocol !== 'http:' && f.protocol !== 'https:') problems.push(`fetch url ${fetchUrl} of ${issuer} is not http(s)`);
    else if (f.username !== '' || f.password !== '' || f.search !== '' || f.hash !== '') problems.push(`fetch url ${fetchUrl} of ${issuer} must not have credentials, a query or a fragment`);
    else if (f.pathname.replace(/\/$/, '') !== i.pathname.replace(/\/$/, '')) problems.push(`fetch url ${fetchUrl} of ${issuer} must have the issuer's path ${i.pathname} (only scheme, host and port may differ)`);
    else out.set(issuer, fetchUrl);
  }
  if (problems.length > 0) throw new IssuerConfigError(problems);
  return out;
}

function compileCiMetadata(config: IssuerConfig): Map<string, CompiledCiMetadata> {
  const out = new Map<string, CompiledCiMetadata>();
  for (const [name, metadata] of Object.entries(config.ciIssuerMetadata)) {
    const extensions = new Map<string, ClaimTemplate>();
    for (const [key, template] of Object.entries(metadata.extensionTemplates)) {
      const oid = EXTENSION_BY_YAML.get(key)?.oid;
      // issuer and subject come from the token; blank templates are skipped (upstream TrimSpace check).
      if (oid === undefined || template.trim() === '') continue;
      extensions.set(oid, compileTemplate(template));
    }
    out.set(name, { defaults: new Map(Object.entries(metadata.defaultTemplateValues)), extensions, san: compileTemplate(metadata.subjectAlternativeNameTemplate) });
  }
  return out;
}

/** `aud` as go-oidc reads it: a string or an array of strings; anything else is malformed. */
function audiences(value: JsonValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((a) => typeof a === 'string')) return value as string[];
  throw tokenInvalid('claims', `aud claim is ${value === undefined ? 'missing' : 'not a string or an array of strings'}`);
}

function numericDate(claims: JsonObject, name: string, required: boolean): number | undefined {
  const value = Object.hasOwn(claims, name) ? claims[name] : undefined;
  if (value === undefined || value === null) {
    if (required) throw tokenInvalid('claims', `${name} claim is missing`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) throw tokenInvalid('claims', `${name} claim is not a number`);
  return value * 1000;
}

/** go-oidc's claim checks on the verified payload. */
function checkClaims(claims: JsonObject, match: IssuerMatch, now: number): { iss: string; sub: string } {
  const iss = claims.iss;
  if (iss !== match.issuer) throw tokenInvalid('claims', `iss ${shown(iss)} differs from the issuer ${match.issuer}`);
  const aud = audiences(Object.hasOwn(claims, 'aud') ? claims.aud : undefined);
  if (!aud.includes(match.config.clientId)) throw tokenInvalid('claims', `expected audience ${JSON.stringify(match.config.clientId)} got ${shown(JSON.stringify(aud))}`);
  const exp = numericDate(claims, 'exp', true) as number;
  if (exp < now) throw tokenInvalid('claims', `token is expired (exp ${new Date(exp).toISOString()})`);
  const nbf = numericDate(claims, 'nbf', false);
  if (nbf !== undefined && now + NBF_LEEWAY_MS < nbf) throw tokenInvalid('claims', `current time before the nbf (not before) time ${new Date(nbf).toISOString()}`);
  // iat: go-oidc decodes it as a time but never compares it; only its type is checked.
  numericDate(claims, 'iat', false);
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') throw tokenInvalid('claims', 'sub claim is missing or not a string');
  return { iss, sub };
}

/** The signature check with one key set: the verified payload, or 'refresh' when the set has no key for it. */
async function verifyWith(token: UnverifiedToken, keys: KeySet): Promise<Uint8Array | 'refresh'> {
  const header = token.header as JWSHeaderParameters;
  const candidates: CryptoKey[] = await candidateKeys(keys, header);
  if (candidates.length === 0) {
    // A key with this kid exists but does not fit the alg (ES256 header, RSA key; PS256 header, RS256 key).
    if (token.kid !== undefined && keys.kids.has(token.kid)) throw tokenInvalid('key', `key ${shown(token.kid)} does not fit alg ${token.alg}`);
    return 'refresh';
  }
  for (const key of candidates) {
    if (verifyJws(token, key)) return token.payload;
  }
  // go-oidc refetches when no cached key verifies; with a kid that names a cached key, the token is bad.
  if (token.kid === undefined) return 'refresh';
  throw tokenInvalid('signature', 'failed to verify signature');
}

export function createIdentityService(options: IdentityServiceOptions): IdentityService {
  const { config } = options;
  const clock = options.clock ?? Date.now;
  const base: Omit<ProviderOptions, 'fetch'> = {
    clock,
    timeoutMs: positive(options.timeoutMs, 10_000, 'timeoutMs'),
    retries: positive(options.retries, 1, 'retries'),
    maxBytes: positive(options.maxResponseBytes, 512 * 1024, 'maxResponseBytes'),
    refreshIntervalMs: positive(options.refreshIntervalMs, 30_000, 'refreshIntervalMs'),
    retryAfterFailureMs: positive(options.retryAfterFailureMs, 5_000, 'retryAfterFailureMs'),
    jwksMaxAgeMs: positive(options.jwksMaxAgeMs, 3_600_000, 'jwksMaxAgeMs'),
  };
  const maxMeta = positive(options.maxMetaProviders, 100, 'maxMetaProviders');
  const pool = new IssuerPool(config);
  const ciMetadata = compileCiMetadata(config);
  const issuerClaims = new Map<OidcIssuerConfig, ClaimPath>();
  for (const issuer of [...Object.values(config.oidcIssuers), ...Object.values(config.metaIssuers)]) {
    if (issuer.issuerClaim !== '') issuerClaims.set(issuer, compileClaimPath(issuer.issuerClaim));
  }
  const fetchUrls = checkFetchUrls(options.fetchUrls ?? {}, config);
  const providerOptions = (issuer: OidcIssuerConfig, fetchUrl?: string): ProviderOptions => ({
    ...base,
    fetch: options.fetch ?? (issuer.caCert !== '' ? fetchTrusting(issuer.caCert) : undefined),
    fetchUrl,
  });
  const staticProviders = new Map(Object.entries(config.oidcIssuers).map(([url, issuer]) => [url, new Provider(url, providerOptions(issuer, fetchUrls.get(url)))]));
  // Meta issuers: one provider per concrete issuer, least recently used evicted (bounded memory).
  const metaProviders = new Map<string, Provider>();

  function providerFor(match: IssuerMatch): Provider {
    if (match.pattern === undefined) return staticProviders.get(match.issuer) as Provider;
    let provider = metaProviders.get(match.issuer);
    if (provider !== undefined) {
      metaProviders.delete(match.issuer);
    } else {
      provider = new Provider(match.issuer, providerOptions(match.config));
      if (metaProviders.size >= maxMeta) metaProviders.delete(metaProviders.keys().next().value as string);
    }
    metaProviders.set(match.issuer, provider);
    return provider;
  }

  async function authenticate(rawToken: unknown): Promise<Principal> {
    const token = decodeUnverified(rawToken);
    const iss = token.claims.iss;
    if (typeof iss !== 'string' || iss === '') throw tokenInvalid('issuer', 'token has no iss claim');
    const match = pool.match(iss);
    if (match === undefined) throw tokenInvalid('issuer', `failed to match issuer URL ${shown(iss)} from token with any configured providers`);
    const provider = providerFor(match);
    const discovery = await provider.discovery();
    if (!discovery.algorithms.has(token.alg)) throw tokenInvalid('algorithm', `alg ${token.alg} is not offered by ${match.issuer}`);
    const keys = await provider.keys();
    let payload = await verifyWith(token, keys);
    if (payload === 'refresh') {
      const refreshed = await provider.refreshedKeys(keys);
      if (refreshed === undefined) throw tokenInvalid('key', `no key of ${match.issuer} fits kid ${shown(token.kid)} (jwks refresh rate-limited)`);
      payload = await verifyWith(token, refreshed);
      if (payload === 'refresh') throw tokenInvalid('key', `no key of ${match.issuer} fits kid ${shown(token.kid)}`);
    }
    let claims: JsonValue;
    try {
      claims = parseJson(payload, { maxBytes: MAX_TOKEN_BYTES, maxDepth: 16, maxValues: 4096 });
    } catch (err) {
      throw tokenInvalid('format', `verified payload is not strict json: ${(err as Error).message}`, err);
    }
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw tokenInvalid('format', 'verified payload is not a json object');
    const { sub } = checkClaims(claims, match, clock());
    const builder = PRINCIPAL_BUILDERS[match.config.type];
    return builder({
      config: match.config,
      claims,
      iss: match.issuer,
      sub,
      issuerClaim: issuerClaims.get(match.config),
      ciMetadata: match.config.type === 'ci-provider' ? ciMetadata.get(match.config.ciProvider) : undefined,
    });
  }

  async function warm(): Promise<{ issuer: string; error?: IdentityError }[]> {
    return Promise.all(
      [...staticProviders].map(async ([issuer, provider]) => {
        try {
          await provider.keys();
          return { issuer };
        } catch (err) {
          return { issuer, error: err as IdentityError };
        }
      }),
    );
  }

  return Object.freeze({ authenticate, warm, config });
}
