import { boolean, integer, list, loadConfig as loadSchema, logLevel, text, url } from '@sigstack/service-kit';
import type { ConfigOf, ConfigSources, Field } from '@sigstack/service-kit';

export { ConfigError } from '@sigstack/service-kit';

export const ENTRY_KINDS = ['hashedrekord', 'dsse', 'intoto'] as const;
export type EntryKindName = (typeof ENTRY_KINDS)[number];

/** Rekor's `--client-signing-algorithms` names (checked for hashedrekord, as upstream does). */
export const SIGNING_ALGORITHMS = [
  'rsa-sign-pkcs1-2048-sha256',
  'rsa-sign-pkcs1-3072-sha256',
  'rsa-sign-pkcs1-4096-sha256',
  'ecdsa-sha2-256-nistp256',
  'ecdsa-sha2-384-nistp384',
  'ecdsa-sha2-512-nistp521',
  'ed25519',
] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export const SCHEMA = {
  host: { env: 'REKOR_HOST', default: '127.0.0.1', parse: text, description: 'Address to listen on. Use 0.0.0.0 in a container.' },
  port: { env: 'REKOR_PORT', default: 3000, parse: integer(0, 65535), description: 'TCP port of the Rekor v1 API and the tiles API.' },
  publicUrl: { env: 'REKOR_PUBLIC_URL', default: 'http://127.0.0.1:3000', parse: url, description: 'Base URL clients use to reach this log; it is the tlog baseUrl in trusted_root.json.' },
  hostname: { env: 'REKOR_HOSTNAME', default: '', parse: text, description: 'Checkpoint origin host and signature name. Empty: the host of publicUrl. sigstore-js requires the signature name to be a substring of the baseUrl.' },
  treeId: { env: 'REKOR_TREE_ID', default: '', parse: text, description: 'Decimal tree ID in the checkpoint origin. Empty: a random one, generated once and kept in dataDir/tree-id.' },
  dataDir: { env: 'REKOR_DATA_DIR', default: './data/rekor', parse: text, description: 'Directory for the database, the checkpoint file, the tree ID and (dev mode) the generated key.' },
  databaseFile: { env: 'REKOR_DATABASE_FILE', default: '', parse: text, description: 'SQLite database path. Empty: dataDir/rekor.db.' },
  keyFile: { env: 'REKOR_KEY_FILE', default: '', parse: text, description: 'PEM PKCS#8 ECDSA P-256 private key (optionally encrypted) that signs checkpoints and SETs.' },
  keyPasswordFile: { env: 'REKOR_KEY_PASSWORD_FILE', default: '', parse: text, description: 'File holding the password of an encrypted keyFile.' },
  devMode: { env: 'REKOR_DEV_MODE', default: false, parse: boolean, description: 'Generate a log key in dataDir when keyFile is empty. Never in production.' },
  maxRequestBytes: { env: 'REKOR_MAX_REQUEST_BYTES', default: 32 * 1024 * 1024, parse: integer(1024, 1024 ** 3), description: 'Largest request body; larger ones get 413 before they are read whole.' },
  enabledKinds: { env: 'REKOR_ENABLED_KINDS', default: [...ENTRY_KINDS] as EntryKindName[], parse: list(ENTRY_KINDS), description: 'Entry kinds accepted by POST /api/v1/log/entries.' },
  clientSigningAlgorithms: { env: 'REKOR_CLIENT_SIGNING_ALGORITHMS', default: [...SIGNING_ALGORITHMS] as SigningAlgorithm[], parse: list(SIGNING_ALGORITHMS), description: 'Key and hash pairs allowed in hashedrekord entries.' },
  batchMaxEntries: { env: 'REKOR_BATCH_MAX_ENTRIES', default: 512, parse: integer(1, 65536), description: 'Most entries integrated in one durable transaction.' },
  batchMaxDelayMs: { env: 'REKOR_BATCH_MAX_DELAY_MS', default: 2, parse: integer(0, 10_000), description: 'How long the first entry of a batch waits for others before the batch commits.' },
  maxPending: { env: 'REKOR_MAX_PENDING', default: 8192, parse: integer(1, 1_000_000), description: 'Entries waiting for integration before new ones get 503 with Retry-After.' },
  recoverCheckpointFile: { env: 'REKOR_RECOVER_CHECKPOINT_FILE', default: false, parse: boolean, description: 'Start although dataDir/checkpoint is missing for a non-empty database. Check the database against a published checkpoint first.' },
  logRequests: { env: 'REKOR_LOG_REQUESTS', default: false, parse: boolean, description: 'Log every request and response at info level (an access log). Refusals and failures are logged either way.' },
  logLevel: { env: 'REKOR_LOG_LEVEL', default: 'info', parse: logLevel, description: 'pino log level.' },
} satisfies Record<string, Field<unknown>>;


export type Config = ConfigOf<typeof SCHEMA>;

/** Defaults < JSON file (`--config FILE` or REKOR_CONFIG_FILE) < REKOR_* environment variables. */
export function loadConfig(sources: ConfigSources): Config {
  return loadSchema(SCHEMA, 'REKOR_CONFIG_FILE', sources);
}
