/**
 * The identity half of the Fulcio-compatible CA: OIDC ID tokens in, the identity a certificate may carry
 * out. Domain code: no HTTP server, no environment variables; the only I/O is fetching each configured provider's
 * discovery document and JWKS.
 *
 * Use:
 * ```ts
 * const config = parseIssuerConfig(readFileSync(path), { source: path }); // IssuerConfigError at start-up
 * const identity = createIdentityService({ config });
 * await identity.warm(); // optional: log the returned failures
 * const principal = await identity.authenticate(rawToken);
 * // principal.challenges: verify the proof of possession against each, in order, until one verifies
 * // principal.san: { type: 'email' | 'uri' | 'username', value } for subjectAltNameExtension
 * // principal.extensions: OID → value for buildSigstoreExtensions (.1, .8, .24 always present)
 * ```
 * `authenticate` throws IdentityError with code ERR_TOKEN_INVALID (400, `message` is upstream's text,
 * `reason` and `check` go to the log) or ERR_IDP_UNAVAILABLE (503). See docs/fulcio-identity.md.
 */
export { challengeClaimFor, configurationIssuers, issuerConfig, parseIssuerConfig, type ConfigurationIssuer } from './config.js';
export {
  ISSUER_TYPES,
  type CiIssuerMetadata,
  type CiIssuerMetadataInput,
  type IssuerConfig,
  type IssuerConfigInput,
  type IssuerType,
  type OidcIssuerConfig,
  type OidcIssuerInput,
} from './config-types.js';
export { IDP_UNAVAILABLE_MESSAGE, IdentityError, IssuerConfigError, TOKEN_ERROR_MESSAGE, type TokenCheck } from './errors.js';
export { ASYMMETRIC_ALGORITHMS, MAX_TOKEN_BYTES } from './jwt.js';
export type { Principal } from './principal.js';
export { createIdentityService, NBF_LEEWAY_MS, type IdentityService, type IdentityServiceOptions } from './service.js';
