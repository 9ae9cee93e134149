/**
 * Trust material for Sigstore clients: the protobuf-specs trusted root and SigningConfig v0.2,
 * checked so that sigstore-js, sigstore-go (cosign) and sigstore-python accept them, and a TUF
 * repository that distributes them (built with @tufjs/models). No HTTP and no environment: the only
 * I/O is the repository directory the caller names.
 */
export { TrustError } from './errors.js';
export { writeFileDurably } from './durable-file.js';
export { rfc3339, parseTime } from './time.js';
export { serviceUrl } from './url.js';
export { keyDetailsOf, type KeyDetails } from './keys.js';
export { checkChain, MAX_CHAIN } from './chain.js';
export {
  buildTrustedRoot,
  logIdHex,
  TRUSTED_ROOT_MEDIA_TYPE,
  type AuthorityInput,
  type CertificateAuthorityJson,
  type LogInput,
  type TransparencyLogJson,
  type TrustedRootInput,
  type TrustedRootJson,
  type ValidForJson,
} from './trusted-root.js';
export {
  buildSigningConfig,
  tsaEndpoint,
  SIGNING_CONFIG_MEDIA_TYPE,
  type ServiceInput,
  type ServiceJson,
  type SigningConfigInput,
  type SigningConfigJson,
} from './signing-config.js';
export { carryOverSigningConfig, carryOverTrustedRoot } from './carry-over.js';
export { generateTufKey, tufSigner, tufSignerFromPem, TUF_KEY_TYPES, type TufKeyType, type TufSigner } from './tuf/keys.js';
export { ROLES, type RoleName } from './tuf/roles.js';
export { DEFAULT_EXPIRY, DEV_EXPIRY, type ExpiryPolicy, type RoleExpiry } from './tuf/expiry.js';
export {
  isImmutablePath,
  isRepositoryPath,
  MAX_REPOSITORY_FILE,
  SIGNING_CONFIG_FILE,
  SIGNING_CONFIG_TARGET,
  TARGET_NAMES,
  TRUST_CONFIG_FILE,
  TRUSTED_ROOT_FILE,
  TRUSTED_ROOT_TARGET,
} from './tuf/layout.js';
export {
  readRepository,
  repositoryStatus,
  SPEC_VERSION,
  updateRepository,
  type RepositoryKeys,
  type RoleState,
  type TargetContent,
  type UpdateOptions,
  type UpdateResult,
} from './tuf/repository.js';
export { CLIENT_TRUST_CONFIG_MEDIA_TYPE, documentBytes, publishTrust, readPublished, type ClientTrustConfigJson, type PublishOptions } from './publish.js';
