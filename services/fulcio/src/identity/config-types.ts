/**
 * The types of the issuer configuration (upstream pkg/config/config.go `FulcioConfig`), shared by the
 * parser, the validator and the issuer pool.
 */

/** The issuer types of upstream's `config.IssuerType`. */
export const ISSUER_TYPES = [
  'email',
  'username',
  'uri',
  'spiffe',
  'kubernetes',
  'github-workflow',
  'gitlab-pipeline',
  'buildkite-job',
  'codefresh-workflow',
  'chainguard-identity',
  'ci-provider',
] as const;

export type IssuerType = (typeof ISSUER_TYPES)[number];

/** One issuer (upstream `OIDCIssuer`), every field present ('' or false when not configured). */
export interface OidcIssuerConfig {
  /** The exact `iss` (static issuers), or the wildcard pattern (meta issuers). */
  readonly issuerUrl: string;
  /** The `aud` every token must contain. */
  readonly clientId: string;
  readonly type: IssuerType;
  /** ci-provider: the key into `ciIssuerMetadata`. */
  readonly ciProvider: string;
  /** email: a JSONPath (`$.a.b` subset) to the claim holding the issuer written into .1/.8. */
  readonly issuerClaim: string;
  /** uri: the scheme and host every subject must have. username: the domain after `!`. */
  readonly subjectDomain: string;
  /** spiffe: the trust domain every SPIFFE ID must be in. */
  readonly spiffeTrustDomain: string;
  /** Advertised by /api/v2/configuration only; never used to verify anything (as upstream). */
  readonly challengeClaim: string;
  readonly description: string;
  readonly contact: string;
  readonly environment: string;
  /** PEM certificates trusted, in addition to the system roots, for this provider's TLS. */
  readonly caCert: string;
  /** email: accept tokens without a true `email_verified` (Entra ID, ADFS). */
  readonly skipEmailVerification: boolean;
}

/** Templates of one CI provider (upstream `IssuerMetadata`). */
export interface CiIssuerMetadata {
  /** Values templates may use when the token lacks the claim; claims win. */
  readonly defaultTemplateValues: Readonly<Record<string, string>>;
  /** Extension name (YAML form, e.g. `build-signer-uri`) → template or claim name. */
  readonly extensionTemplates: Readonly<Record<string, string>>;
  /** Template of the URI SAN; required. */
  readonly subjectAlternativeNameTemplate: string;
}

/** A validated configuration. Records have a null prototype; look keys up with `Object.hasOwn` or a Map. */
export interface IssuerConfig {
  readonly oidcIssuers: Readonly<Record<string, OidcIssuerConfig>>;
  readonly metaIssuers: Readonly<Record<string, OidcIssuerConfig>>;
  readonly ciIssuerMetadata: Readonly<Record<string, CiIssuerMetadata>>;
}

/** An issuer as written in code: only `clientId` and `type` are required. */
export type OidcIssuerInput = Partial<Omit<OidcIssuerConfig, 'clientId' | 'type'>> & { readonly clientId: string; readonly type: string };

export type CiIssuerMetadataInput = Partial<Omit<CiIssuerMetadata, 'subjectAlternativeNameTemplate'>> & { readonly subjectAlternativeNameTemplate: string };

export interface IssuerConfigInput {
  readonly oidcIssuers?: Readonly<Record<string, OidcIssuerInput>>;
  readonly metaIssuers?: Readonly<Record<string, OidcIssuerInput>>;
  readonly ciIssuerMetadata?: Readonly<Record<string, CiIssuerMetadataInput>>;
}
