import { SigstackError } from '@sigstack/crypto/errors';
import { parseJson } from '@sigstack/crypto/canonical-json';
import type { JsonValue } from '@sigstack/crypto/canonical-json';

/** Configuration that cannot be used; `problems` lists every one found, not only the first. */
export class ConfigError extends SigstackError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('ERR_CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

type Parser<T> = (raw: JsonValue | undefined, name: string) => T;

/** One configuration field: the schema is the operator documentation, so every field is described. */
export type Field<T> = { env: string; default: T; description: string; parse: Parser<T> };

const fail = (name: string, want: string, raw: unknown): never => {
  throw new Error(`${name}: must be ${want}, got ${JSON.stringify(raw)}`);
};

function integer(min: number, max: number): Parser<number> {
  return (raw, name) => {
    const n = typeof raw === 'string' && /^(0|[1-9][0-9]{0,15})$/.test(raw) ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) fail(name, `an integer from ${min} to ${max}`, raw);
    return n as number;
  };
}

const boolean: Parser<boolean> = (raw, name) => {
  if (raw === true || raw === 'true' || raw === '1') return true;
  if (raw === false || raw === 'false' || raw === '0' || raw === '') return false;
  return fail(name, 'true or false', raw);
};

const text: Parser<string> = (raw, name) => (typeof raw === 'string' ? raw : fail(name, 'a string', raw));

function list<T extends string>(allowed: readonly T[]): Parser<T[]> {
  return (raw, name) => {
    const items = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter((s) => s !== '') : raw;
    if (!Array.isArray(items)) return fail(name, `a list of ${allowed.join(', ')}`, raw);
    for (const item of items) if (!allowed.includes(item as T)) fail(name, `a list of ${allowed.join(', ')}`, item);
    return [...new Set(items as T[])];
  };
}

function oneOf<T extends string>(allowed: readonly T[]): Parser<T> {
  return (raw, name) => (allowed.includes(raw as T) ? (raw as T) : fail(name, `one of ${allowed.join(', ')}`, raw));
}

const url: Parser<string> = (raw, name) => {
  const value = text(raw, name);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return fail(name, 'an absolute http(s) URL', raw);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail(name, 'an absolute http(s) URL', raw);
  return value.replace(/\/+$/, '');
};

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
  logLevel: { env: 'REKOR_LOG_LEVEL', default: 'info', parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const), description: 'pino log level.' },
} satisfies Record<string, Field<unknown>>;

export type Config = { readonly [K in keyof typeof SCHEMA]: (typeof SCHEMA)[K]['default'] };

export type ConfigSources = {
  env: Record<string, string | undefined>;
  argv: readonly string[];
  readFile: (path: string) => string;
};

/**
 * Builds the configuration from schema defaults < the JSON file (`--config FILE` or
 * REKOR_CONFIG_FILE) < REKOR_* environment variables. Pure: all I/O goes through `readFile`.
 * Reports every problem at once in a ConfigError.
 */
export function loadConfig({ env, argv, readFile }: ConfigSources): Config {
  const problems: string[] = [];
  const flag = argv.indexOf('--config');
  const file = flag >= 0 ? argv[flag + 1] : env.REKOR_CONFIG_FILE;
  let fromFile: Record<string, JsonValue> = {};
  if (flag >= 0 && !file) problems.push('--config: needs a file name');
  if (file) {
    try {
      const parsed = parseJson(readFile(file));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the file must hold a JSON object');
      fromFile = parsed;
      for (const key of Object.keys(fromFile)) if (!(key in SCHEMA)) problems.push(`${file}: unknown setting "${key}"`);
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(SCHEMA) as [string, Field<unknown>][]) {
    const raw = env[field.env] !== undefined ? env[field.env] : fromFile[key];
    try {
      out[key] = raw === undefined ? field.default : field.parse(raw, env[field.env] !== undefined ? field.env : key);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as Config;
}
