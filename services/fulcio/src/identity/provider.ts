/**
 * One OpenID provider as seen by the CA: its discovery document and its JWKS, fetched through the one
 * fetch wrapper of @sigstack/client (timeouts, size caps, no redirects), cached, and refreshed at a bounded
 * rate. A provider object exists only for an issuer that matched the configuration, so no request ever
 * goes to an issuer that is not configured.
 *
 * Caching and refresh rules (go-oidc's, with the rate limits upstream lacks):
 * - discovery (`<issuer>/.well-known/openid-configuration`) is fetched once and kept; its `issuer` must
 *   equal the configured issuer exactly;
 * - with a `fetchUrl` (the dev issuer inside a compose network: tokens say `iss` http://127.0.0.1:5556,
 *   the CA reaches it at http://dev-oidc:5556), discovery is fetched at `<fetchUrl>/.well-known/...`
 *   instead, its `issuer` must still be the issuer URL, and a `jwks_uri` on the issuer URL's origin is
 *   fetched at the same path on the fetch URL's origin. A `jwks_uri` on any other origin is refused
 *   (ERR_IDP_UNAVAILABLE): the fetch URL never makes the CA fetch keys from wherever a document says;
 * - the JWKS is kept and used for `jwksMaxAgeMs`; after that it is refetched on next use (if that fails,
 *   the old keys keep serving until the next allowed attempt);
 * - a `kid` that no cached key has, or (tokens without `kid`) no cached key verifying, triggers ONE refetch,
 *   unless a fetch started less than `refreshIntervalMs` ago; concurrent triggers share one fetch. A flood
 *   of random `kid`s therefore costs at most one request per interval per provider;
 * - a failed fetch with nothing cached is remembered for `retryAfterFailureMs`: requests in that window
 *   fail at once (ERR_IDP_UNAVAILABLE) without a request; after it, the next request tries again.
 *
 * Concurrency: every method may be called concurrently; at most one discovery and one JWKS request are in
 * flight per provider.
 */
import { parseJson, type JsonObject, type JsonValue } from '@sigstack/crypto/canonical-json';
import { request } from '@sigstack/client';
import { createLocalJWKSet, errors as joseErrors, type CryptoKey, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import { idpUnavailable, shown, type IdentityError } from './errors.js';
import { ASYMMETRIC_ALGORITHMS } from './jwt.js';

export interface ProviderOptions {
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  /** The fetch used for this provider (tests inject one; issuers with a CACert get one trusting it). */
  readonly fetch: typeof fetch | undefined;
  /** Per attempt, for discovery and JWKS. */
  readonly timeoutMs: number;
  /** Extra attempts on network errors and 5xx. */
  readonly retries: number;
  /** Largest discovery or JWKS body read. */
  readonly maxBytes: number;
  readonly refreshIntervalMs: number;
  readonly retryAfterFailureMs: number;
  readonly jwksMaxAgeMs: number;
  /**
   * Where discovery and keys are fetched when that differs from the issuer URL: an http(s) URL with the
   * issuer URL's path, no query, fragment or credentials (checked by createIdentityService). Undefined:
   * the issuer URL itself.
   */
  readonly fetchUrl?: string | undefined;
}

/** What discovery tells us. */
export interface Discovery {
  readonly jwksUri: string;
  /** The provider's ID-token algorithms, filtered to the asymmetric set; ['RS256'] when it lists none. */
  readonly algorithms: ReadonlySet<string>;
}

type KeySelector = (header: JWSHeaderParameters) => Promise<CryptoKey>;

/** One fetched JWKS. */
export interface KeySet {
  readonly select: KeySelector;
  readonly kids: ReadonlySet<string>;
  readonly fetchedAt: number;
}

/** Most keys accepted in one JWKS: bounds the work of trying every key for a token without `kid`. */
const MAX_JWKS_KEYS = 100;
const JSON_LIMITS = { maxDepth: 16, maxValues: 100_000 };

/** Runs one fetch at a time; remembers a failure for a while. */
class Fetcher<T> {
  pending: Promise<T> | undefined;
  lastAttemptAt = Number.NEGATIVE_INFINITY;
  failure: { at: number; error: IdentityError } | undefined;
  readonly #load: () => Promise<T>;
  readonly #clock: () => number;

  constructor(load: () => Promise<T>, clock: () => number) {
    this.#load = load;
    this.#clock = clock;
  }

  run(onSuccess: (value: T) => void): Promise<T> {
    if (this.pending !== undefined) return this.pending;
    this.lastAttemptAt = this.#clock();
    const pending = this.#load().then(
      (value) => {
        this.failure = undefined;
        onSuccess(value);
        return value;
      },
      (err: unknown) => {
        this.failure = { at: this.#clock(), error: err as IdentityError };
        throw err;
      },
    );
    this.pending = pending;
    const clear = (): void => {
      if (this.pending === pending) this.pending = undefined;
    };
    pending.then(clear, clear);
    return pending;
  }
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Provider {
  readonly issuer: string;
  readonly #options: ProviderOptions;
  /** The base of the discovery URL: the fetch URL or the issuer, without a trailing slash. */
  readonly #base: string;
  #discovery: Discovery | undefined;
  readonly #discoveryFetch: Fetcher<Discovery>;
  #keys: KeySet | undefined;
  readonly #keysFetch: Fetcher<KeySet>;

  constructor(issuer: string, options: ProviderOptions) {
    this.issuer = issuer;
    this.#options = options;
    this.#base = (options.fetchUrl ?? issuer).replace(/\/$/, '');
    this.#discoveryFetch = new Fetcher(() => this.#loadDiscovery(), options.clock);
    this.#keysFetch = new Fetcher(() => this.#loadKeys(), options.clock);
  }

  async #getJson(url: string, what: string): Promise<JsonObject> {
    const { timeoutMs, retries, maxBytes, fetch } = this.#options;
    let res;
    try {
      res = await request(url, { method: 'GET', headers: { accept: 'application/json' } }, { timeoutMs, retries, maxBytes, ...(fetch ? { fetch } : {}) });
    } catch (err) {
      throw idpUnavailable(`couldn't fetch ${what} of ${this.issuer} from ${url}: ${(err as Error).message}`, err);
    }
    if (res.status !== 200) throw idpUnavailable(`${what} of ${this.issuer} at ${url} answered ${res.status}`);
    let body: JsonValue;
    try {
      // The provider is configured, but its answers are still bytes from the network: parse strictly.
      body = parseJson(res.body, { ...JSON_LIMITS, maxBytes });
    } catch (err) {
      throw idpUnavailable(`${what} of ${this.issuer} at ${url} is not valid json: ${(err as Error).message}`, err);
    }
    if (!isObject(body)) throw idpUnavailable(`${what} of ${this.issuer} at ${url} is not a json object`);
    return body;
  }

  async #loadDiscovery(): Promise<Discovery> {
    // go-oidc: the issuer (here: or its fetch URL) without a trailing slash, then the well-known path.
    const url = `${this.#base}/.well-known/openid-configuration`;
    const doc = await this.#getJson(url, 'discovery');
    if (doc.issuer !== this.issuer) throw idpUnavailable(`discovery of ${this.issuer} names another issuer: ${shown(doc.issuer)}`);
    const jwksUri = doc.jwks_uri;
    let parsed: URL | undefined;
    try {
      parsed = typeof jwksUri === 'string' ? new URL(jwksUri) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      throw idpUnavailable(`discovery of ${this.issuer} has no usable jwks_uri: ${shown(jwksUri)}`);
    }
    const listed = doc.id_token_signing_alg_values_supported;
    if (listed !== undefined && listed !== null && (!Array.isArray(listed) || listed.some((a) => typeof a !== 'string'))) {
      throw idpUnavailable(`discovery of ${this.issuer} has a malformed id_token_signing_alg_values_supported`);
    }
    const algorithms = new Set((listed ?? []).filter((a): a is string => typeof a === 'string' && ASYMMETRIC_ALGORITHMS.has(a)));
    // go-oidc: a provider that lists no supported algorithm gets RS256 only.
    if (algorithms.size === 0) algorithms.add('RS256');
    return { jwksUri: this.#options.fetchUrl === undefined ? (jwksUri as string) : this.#moved(parsed), algorithms };
  }

  /**
   * `jwksUri` on the fetch URL's origin. The document comes from the network: only a jwks_uri on the
   * issuer URL's own origin is moved; any other origin is refused, so that the fetch URL cannot turn
   * the CA into a client that fetches keys from wherever a discovery document points.
   */
  #moved(jwksUri: URL): string {
    const fetchUrl = this.#options.fetchUrl as string;
    const issuerOrigin = new URL(this.issuer).origin;
    if (jwksUri.origin !== issuerOrigin) {
      throw idpUnavailable(`discovery of ${this.issuer} fetched from ${fetchUrl} names jwks_uri ${shown(jwksUri.href)} outside the issuer's origin ${issuerOrigin}; with a fetch URL only a jwks_uri on the issuer's origin is accepted`);
    }
    // Concatenated after an origin, a path (even one starting with //) stays a path on that origin.
    return new URL(`${new URL(fetchUrl).origin}${jwksUri.pathname}${jwksUri.search}`).href;
  }

  async #loadKeys(): Promise<KeySet> {
    const discovery = await this.discovery();
    const doc = await this.#getJson(discovery.jwksUri, 'jwks');
    const keys = doc.keys;
    if (!Array.isArray(keys)) throw idpUnavailable(`jwks of ${this.issuer} has no keys array`);
    if (keys.length > MAX_JWKS_KEYS) throw idpUnavailable(`jwks of ${this.issuer} has ${keys.length} keys, more than ${MAX_JWKS_KEYS}`);
    let select: KeySelector;
    try {
      select = createLocalJWKSet(doc as unknown as JSONWebKeySet);
    } catch (err) {
      throw idpUnavailable(`jwks of ${this.issuer} is malformed: ${(err as Error).message}`, err);
    }
    const kids = new Set<string>();
    for (const key of keys) if (isObject(key) && typeof key.kid === 'string') kids.add(key.kid);
    return { select, kids, fetchedAt: this.#options.clock() };
  }

  #recentFailure(fetcher: Fetcher<unknown>): void {
    const failure = fetcher.failure;
    if (failure !== undefined && this.#options.clock() - failure.at < this.#options.retryAfterFailureMs) {
      throw idpUnavailable(`${failure.error.reason} (remembered failure, retrying after ${this.#options.retryAfterFailureMs} ms)`, failure.error);
    }
  }

  /** The discovery document, fetched once. Throws ERR_IDP_UNAVAILABLE. */
  async discovery(): Promise<Discovery> {
    if (this.#discovery !== undefined) return this.#discovery;
    if (this.#discoveryFetch.pending === undefined) this.#recentFailure(this.#discoveryFetch);
    return this.#discoveryFetch.run((value) => {
      this.#discovery = value;
    });
  }

  #fetchKeys(): Promise<KeySet> {
    return this.#keysFetch.run((value) => {
      this.#keys = value;
    });
  }

  /** The keys to verify with now. Throws ERR_IDP_UNAVAILABLE when there are none and they cannot be fetched. */
  async keys(): Promise<KeySet> {
    const { clock, jwksMaxAgeMs, refreshIntervalMs } = this.#options;
    if (this.#keysFetch.pending !== undefined) return this.#keysFetch.pending;
    const cached = this.#keys;
    if (cached === undefined) {
      this.#recentFailure(this.#keysFetch);
      return this.#fetchKeys();
    }
    const now = clock();
    if (now - cached.fetchedAt >= jwksMaxAgeMs && now - this.#keysFetch.lastAttemptAt >= refreshIntervalMs) {
      try {
        return await this.#fetchKeys();
      } catch {
        // The provider is down: keep serving the keys we have until the next allowed attempt.
        return cached;
      }
    }
    return cached;
  }

  /**
   * After `previous` had no key for a token: a newer key set, fetched now unless a fetch started less than
   * refreshIntervalMs ago (then undefined: rate-limited). Concurrent callers share one fetch. Throws
   * ERR_IDP_UNAVAILABLE when the refetch fails.
   */
  async refreshedKeys(previous: KeySet): Promise<KeySet | undefined> {
    if (this.#keysFetch.pending !== undefined) return this.#keysFetch.pending;
    if (this.#keys !== undefined && this.#keys !== previous) return this.#keys;
    if (this.#options.clock() - this.#keysFetch.lastAttemptAt < this.#options.refreshIntervalMs) return undefined;
    return this.#fetchKeys();
  }
}

/**
 * The keys of `keys` that fit `header` (kid, kty and curve for the alg, `use`, `key_ops`, the JWK's own
 * `alg`), imported. Empty when none fits. A JWK that fits but cannot be imported is skipped.
 */
export async function candidateKeys(keys: KeySet, header: JWSHeaderParameters): Promise<CryptoKey[]> {
  try {
    return [await keys.select(header)];
  } catch (err) {
    if (err instanceof joseErrors.JWKSMultipleMatchingKeys) {
      const found: CryptoKey[] = [];
      for await (const key of err as unknown as AsyncIterable<CryptoKey>) found.push(key);
      return found;
    }
    return [];
  }
}
