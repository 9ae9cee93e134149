import { boolean, integer, loadConfig as loadSchema, logLevel, text, url } from '@sigstack/service-kit';
import type { ConfigOf, ConfigSources, Field, Parser } from '@sigstack/service-kit';

export { ConfigError } from '@sigstack/service-kit';

/** `''` or `/seg[/seg…]`: the path before `/ct/v1/` (upstream Fulcio's default CT URL ends in `/test`). */
const pathPrefix: Parser<string> = (raw, name) => {
  const value = text(raw, name);
  if (!/^(\/[A-Za-z0-9._~-]+)*$/.test(value) || value.length > 200) {
    throw new Error(`${name}: must be empty or /segment[/segment…] without a trailing slash, got ${JSON.stringify(value.slice(0, 64))}`);
  }
  return value;
};

export const SCHEMA = {
  host: { env: 'CTLOG_HOST', default: '127.0.0.1', parse: text, description: 'Address to listen on. Use 0.0.0.0 in a container.' },
  port: { env: 'CTLOG_PORT', default: 6962, parse: integer(0, 65535), description: 'TCP port of the RFC 6962 API.' },
  publicUrl: { env: 'CTLOG_PUBLIC_URL', default: 'http://127.0.0.1:6962', parse: url, description: 'Base URL clients use to reach this log, without the path prefix; `publicUrl` + `pathPrefix` is the ctlog baseUrl in trusted_root.json and the CA\'s CT log URL.' },
  pathPrefix: { env: 'CTLOG_PATH_PREFIX', default: '', parse: pathPrefix, description: 'Path before `/ct/v1/`, e.g. `/test` to match upstream Fulcio\'s default `--ct-log-url=http://localhost:6962/test`. Empty: the API is at `/ct/v1/`.' },
  origin: { env: 'CTLOG_ORIGIN', default: '', parse: text, description: 'Origin line (and signature name) of the engine\'s C2SP checkpoint. Empty: the host of publicUrl followed by pathPrefix. Recorded in the database at creation; changing it later stops the log from starting.' },
  dataDir: { env: 'CTLOG_DATA_DIR', default: './data/ctlog', parse: text, description: 'Directory for the databases, the checkpoint file, (dev mode) the generated key and, by default, the roots file.' },
  databaseFile: { env: 'CTLOG_DATABASE_FILE', default: '', parse: text, description: 'SQLite database of the log engine (entries, tiles, checkpoints). Empty: dataDir/ctlog.db.' },
  extraDatabaseFile: { env: 'CTLOG_EXTRA_DATABASE_FILE', default: '', parse: text, description: 'SQLite database of the signed tree heads. Data directories from before the chains (get-entries `extra_data`) moved into the engine database also keep them here; they are moved at the first start. Empty: dataDir/ctlog-extra.db.' },
  keyFile: { env: 'CTLOG_KEY_FILE', default: '', parse: text, description: 'PEM PKCS#8 ECDSA P-256 private key (optionally encrypted) that signs SCTs, tree heads and checkpoints. SHA-256 of its public key is the log ID.' },
  keyPasswordFile: { env: 'CTLOG_KEY_PASSWORD_FILE', default: '', parse: text, description: 'File holding the password of an encrypted keyFile.' },
  rootsFile: { env: 'CTLOG_ROOTS_FILE', default: '', parse: text, description: 'PEM bundle of the accepted root certificates, read at start. Empty: dataDir/roots.pem. In dev mode the file may be missing at start (no chain is accepted until it appears) and is re-read when it changes, so a dev CA can write its root into it.' },
  devMode: { env: 'CTLOG_DEV_MODE', default: false, parse: boolean, description: 'Generate a log key in dataDir when keyFile is empty, and follow changes of the roots file. Never in production.' },
  maxChainLength: { env: 'CTLOG_MAX_CHAIN_LENGTH', default: 10, parse: integer(1, 20), description: 'Most certificates in a submitted chain, leaf included.' },
  maxRequestBytes: { env: 'CTLOG_MAX_REQUEST_BYTES', default: 1024 * 1024, parse: integer(1024, 64 * 1024 * 1024), description: 'Largest request body; larger ones get 413 before they are read whole.' },
  batchMaxEntries: { env: 'CTLOG_BATCH_MAX_ENTRIES', default: 512, parse: integer(1, 65536), description: 'Most entries integrated in one durable transaction.' },
  batchMaxDelayMs: { env: 'CTLOG_BATCH_MAX_DELAY_MS', default: 2, parse: integer(0, 10_000), description: 'How long the first entry of a batch waits for others before the batch commits.' },
  maxPending: { env: 'CTLOG_MAX_PENDING', default: 8192, parse: integer(1, 1_000_000), description: 'Submissions waiting for integration before new ones get 503 with Retry-After.' },
  recoverCheckpointFile: { env: 'CTLOG_RECOVER_CHECKPOINT_FILE', default: false, parse: boolean, description: 'Start although dataDir/checkpoint is missing for a non-empty database. Check the database against a published tree head first.' },
  logRequests: { env: 'CTLOG_LOG_REQUESTS', default: false, parse: boolean, description: 'Log every request and response at info level (an access log). Refusals and failures are logged either way.' },
  logLevel: { env: 'CTLOG_LOG_LEVEL', default: 'info', parse: logLevel, description: 'pino log level.' },
} satisfies Record<string, Field<unknown>>;

export type Config = ConfigOf<typeof SCHEMA>;

/** Defaults < JSON file (`--config FILE` or CTLOG_CONFIG_FILE) < CTLOG_* environment variables. */
export function loadConfig(sources: ConfigSources): Config {
  return loadSchema(SCHEMA, 'CTLOG_CONFIG_FILE', sources);
}
