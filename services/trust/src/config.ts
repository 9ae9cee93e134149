import { boolean, integer, loadConfig as loadSchema, logLevel, text, url } from '@sigstack/service-kit';
import type { ConfigOf, ConfigSources, Field, Parser } from '@sigstack/service-kit';

export { ConfigError } from '@sigstack/service-kit';

/** An http(s) URL, or '' for "none" (no TSA; fetch from the public URL). */
const optionalUrl: Parser<string> = (raw, name) => (raw === '' ? '' : url(raw, name));

export const SCHEMA = {
  host: { env: 'TRUST_HOST', default: '127.0.0.1', parse: text, description: 'Address to listen on. Use 0.0.0.0 in a container.' },
  port: { env: 'TRUST_PORT', default: 8081, parse: integer(0, 65535), description: 'TCP port of the trust distribution (trusted_root.json, signing_config.json, the TUF repository).' },
  dataDir: { env: 'TRUST_DATA_DIR', default: './data/trust', parse: text, description: 'Holds `repository/` (what is served, as written by `sigstack trust` or by dev mode) and, in dev mode, `keys/` (the generated TUF keys, mode 0600, kept across restarts so that cached client roots stay valid).' },
  devMode: { env: 'TRUST_DEV_MODE', default: false, parse: boolean, description: 'At start-up, collect the trust material from the running services and (re)generate the repository with keys in dataDir/keys, then keep its timestamp fresh on a timer. Off: serve dataDir/repository read-only as `sigstack trust` produced it.' },
  publicUrl: { env: 'TRUST_PUBLIC_URL', default: 'http://127.0.0.1:8081', parse: url, description: 'The URL clients use as the TUF mirror (sigstore-js tufMirrorURL, cosign initialize --mirror).' },
  fulcioUrl: { env: 'TRUST_FULCIO_URL', default: 'http://127.0.0.1:5555', parse: url, description: 'Dev mode: the CA\'s public base URL (trusted root `uri`, signing config caUrls).' },
  rekorUrl: { env: 'TRUST_REKOR_URL', default: 'http://127.0.0.1:3000', parse: url, description: 'Dev mode: the transparency log\'s public base URL (tlog baseUrl; it must contain the checkpoint signature name, host:port or host).' },
  ctlogUrl: { env: 'TRUST_CTLOG_URL', default: 'http://127.0.0.1:6962', parse: url, description: 'Dev mode: the CT log\'s public base URL (ctlogs baseUrl).' },
  tsaUrl: { env: 'TRUST_TSA_URL', default: 'http://127.0.0.1:3004', parse: optionalUrl, description: 'Dev mode: the TSA\'s public base URL; the signing config lists `<url>/api/v1/timestamp`. Empty: no TSA.' },
  oidcUrl: { env: 'TRUST_OIDC_URL', default: 'http://127.0.0.1:5556', parse: url, description: 'Dev mode: the OIDC issuer URL for the signing config oidcUrls.' },
  fulcioFetchUrl: { env: 'TRUST_FULCIO_FETCH_URL', default: '', parse: optionalUrl, description: 'Dev mode: where this service fetches the CA chain (GET /api/v2/trustBundle), e.g. http://fulcio:5555 in a compose network. Empty: fulcioUrl.' },
  rekorFetchUrl: { env: 'TRUST_REKOR_FETCH_URL', default: '', parse: optionalUrl, description: 'Dev mode: where this service fetches the log key (GET /api/v1/log/publicKey). Empty: rekorUrl.' },
  tsaFetchUrl: { env: 'TRUST_TSA_FETCH_URL', default: '', parse: optionalUrl, description: 'Dev mode: where this service fetches the TSA chain (GET /api/v1/timestamp/certchain). Empty: tsaUrl.' },
  ctlogPublicKeyFile: { env: 'TRUST_CTLOG_PUBLIC_KEY_FILE', default: '', parse: text, description: 'Dev mode: PEM of the CT log public key (a dev-mode CT log writes `<CTLOG_DATA_DIR>/log-public-key.pem`). Empty: no CT log in the trusted root, and clients then reject certificates with SCTs.' },
  operator: { env: 'TRUST_OPERATOR', default: 'sigstack', parse: text, description: 'Dev mode: the `operator` of each signing-config service.' },
  collectTimeoutSeconds: { env: 'TRUST_COLLECT_TIMEOUT_SECONDS', default: 60, parse: integer(1, 3600), description: 'Dev mode: how long start-up waits for the services (and the CT key file) to answer before it gives up.' },
  refreshIntervalSeconds: { env: 'TRUST_REFRESH_INTERVAL_SECONDS', default: 600, parse: integer(1, 86_400), description: 'Dev mode: how often the repository is checked and metadata close to expiry signed again (the dev timestamp lives 24 hours and is re-signed after 12).' },
  logRequests: { env: 'TRUST_LOG_REQUESTS', default: false, parse: boolean, description: 'Log every request and response at info level (an access log).' },
  logLevel: { env: 'TRUST_LOG_LEVEL', default: 'info', parse: logLevel, description: 'pino log level.' },
} satisfies Record<string, Field<unknown>>;

export type Config = ConfigOf<typeof SCHEMA>;

/** Defaults < JSON file (`--config FILE` or TRUST_CONFIG_FILE) < TRUST_* environment variables. */
export function loadConfig(sources: ConfigSources): Config {
  return loadSchema(SCHEMA, 'TRUST_CONFIG_FILE', sources);
}
