/**
 * Picks the configured issuer for a token's (unverified) `iss`: an exact match among the static issuers
 * first, then the meta-issuer patterns in configuration order. Nothing else: no normalization of case,
 * trailing slashes or schemes, so `https://Issuer.example`, `https://issuer.example/` and
 * `http://issuer.example` are three different, unconfigured issuers.
 */
import type { IssuerConfig, OidcIssuerConfig } from './config-types.js';
import { compileMetaIssuer, type MetaIssuerPattern } from './meta-issuer.js';

export interface IssuerMatch {
  /** The concrete issuer: the token's `iss`, equal to the static key or matching the pattern. */
  readonly issuer: string;
  readonly config: OidcIssuerConfig;
  /** The meta-issuer pattern that matched, or undefined for a static issuer. */
  readonly pattern: string | undefined;
}

export class IssuerPool {
  readonly #static: ReadonlyMap<string, OidcIssuerConfig>;
  readonly #meta: readonly (readonly [MetaIssuerPattern, OidcIssuerConfig])[];

  constructor(config: IssuerConfig) {
    this.#static = new Map(Object.entries(config.oidcIssuers));
    this.#meta = Object.entries(config.metaIssuers).map(([pattern, issuer]) => [compileMetaIssuer(pattern), issuer] as const);
  }

  /** The configured issuer for `iss`, or undefined. Pure: never causes a request. */
  match(iss: string): IssuerMatch | undefined {
    const exact = this.#static.get(iss);
    if (exact !== undefined) return { issuer: iss, config: exact, pattern: undefined };
    for (const [pattern, config] of this.#meta) {
      if (pattern.matches(iss)) return { issuer: iss, config, pattern: pattern.pattern };
    }
    return undefined;
  }
}
