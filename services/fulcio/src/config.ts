import { boolean, integer, loadConfig as loadSchema, logLevel, oneOf, text, url } from '@sigstack/service-kit';
import type { ConfigOf, ConfigSources, Field, Parser } from '@sigstack/service-kit';

export { ConfigError } from '@sigstack/service-kit';

/** An http(s) URL, or '' for "not set". */
const optionalUrl: Parser<string> = (raw, name) => (raw === '' ? '' : url(raw, name));

export const SCHEMA = {
  host: { env: 'FULCIO_HOST', default: '127.0.0.1', parse: text, description: 'Address to listen on. Use 0.0.0.0 in a container.' },
  port: { env: 'FULCIO_PORT', default: 5555, parse: integer(0, 65535), description: 'TCP port of the Fulcio API.' },
  dataDir: { env: 'FULCIO_DATA_DIR', default: './data/fulcio', parse: text, description: 'Directory for the ephemeral CA (dev mode).' },
  caBackend: { env: 'FULCIO_CA_BACKEND', default: 'ephemeral' as 'ephemeral' | 'file' | 'pkcs11', parse: oneOf(['ephemeral', 'file', 'pkcs11'] as const), description: 'Where the CA key lives: ephemeral (generated root and intermediate kept in dataDir; dev only), file, or pkcs11 (an HSM).' },
  caKeyFile: { env: 'FULCIO_CA_KEY_FILE', default: '', parse: text, description: 'file backend: encrypted PKCS#8 PEM key of the issuing CA certificate.' },
  caKeyPasswordFile: { env: 'FULCIO_CA_KEY_PASSWORD_FILE', default: '', parse: text, description: 'file backend: file holding the key password.' },
  caChainFile: { env: 'FULCIO_CA_CHAIN_FILE', default: '', parse: text, description: 'file and pkcs11 backends: PEM chain, issuing certificate first, root last.' },
  pkcs11Module: { env: 'FULCIO_PKCS11_MODULE', default: '', parse: text, description: 'pkcs11 backend: path of the PKCS#11 library (e.g. /usr/lib/softhsm/libsofthsm2.so).' },
  pkcs11TokenLabel: { env: 'FULCIO_PKCS11_TOKEN_LABEL', default: '', parse: text, description: 'pkcs11 backend: label of the token holding the CA key.' },
  pkcs11PinFile: { env: 'FULCIO_PKCS11_PIN_FILE', default: '', parse: text, description: 'pkcs11 backend: file holding the user PIN.' },
  pkcs11KeyLabel: { env: 'FULCIO_PKCS11_KEY_LABEL', default: '', parse: text, description: 'pkcs11 backend: label of the CA private key in the token.' },
  issuerConfigFile: { env: 'FULCIO_ISSUER_CONFIG_FILE', default: '', parse: text, description: "OIDC issuers in Fulcio's own format (JSON with OIDCIssuers/MetaIssuers/CIIssuerMetadata, or YAML with oidc-issuers/meta-issuers/ci-issuer-metadata)." },
  devMode: { env: 'FULCIO_DEV_MODE', default: false, parse: boolean, description: 'Dev mode: the ephemeral CA is allowed and devIssuerUrl is trusted as an email issuer. Never in production.' },
  devIssuerUrl: { env: 'FULCIO_DEV_ISSUER_URL', default: 'http://127.0.0.1:5556', parse: url, description: 'The dev OIDC issuer trusted in dev mode (client ID sigstore).' },
  devIssuerFetchUrl: { env: 'FULCIO_DEV_ISSUER_FETCH_URL', default: '', parse: optionalUrl, description: "Dev mode: where the CA fetches the dev issuer's discovery document and keys when that differs from the issuer URL, e.g. http://dev-oidc:5556 inside a compose network. Tokens must still carry iss = devIssuerUrl. Only the scheme, host and port may differ from devIssuerUrl. Empty: devIssuerUrl." },
  ctLogUrl: { env: 'FULCIO_CT_LOG_URL', default: 'http://127.0.0.1:6962', parse: url, description: 'Base URL of the CT log that every certificate is logged in before it is returned (add-pre-chain).' },
  ctTimeoutMs: { env: 'FULCIO_CT_TIMEOUT_MS', default: 30_000, parse: integer(100, 120_000), description: 'Timeout of one CT log request.' },
  maxRequestBytes: { env: 'FULCIO_MAX_REQUEST_BYTES', default: 4 * 1024 * 1024, parse: integer(1024, 64 * 1024 * 1024), description: 'Largest request body (upstream: 4 MiB); larger ones get 413.' },
  logRequests: { env: 'FULCIO_LOG_REQUESTS', default: false, parse: boolean, description: 'Log every request and response at info level. Refusals and failures are logged either way.' },
  logLevel: { env: 'FULCIO_LOG_LEVEL', default: 'info', parse: logLevel, description: 'pino log level.' },
} satisfies Record<string, Field<unknown>>;

export type Config = ConfigOf<typeof SCHEMA>;

/** Defaults < JSON file (`--config FILE` or FULCIO_CONFIG_FILE) < FULCIO_* environment variables. */
export function loadConfig(sources: ConfigSources): Config {
  return loadSchema(SCHEMA, 'FULCIO_CONFIG_FILE', sources);
}
