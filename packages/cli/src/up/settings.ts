/**
 * What `sigstack up` runs where: bind address, ports, data directory and start-up deadline, from
 * the command line and the environment. Pure: the environment and the working directory are
 * arguments.
 *
 * Precedence, per setting: a flag (`--rekor-port 3100`) > a non-empty environment variable
 * (`SIGSTACK_REKOR_PORT=3100`) > the default. An empty variable counts as unset.
 */
import { isAbsolute, resolve } from 'node:path';
import { parseDecimal } from '@sigstack/crypto/encoding';
import { optionalString, type Flags, type OptionSpec } from '../args.js';
import { AuditError, usage } from '../errors.js';

/** The services of the stack, in start order; the short name is used in flags, env, log files. */
export const SERVICE_NAMES = ['oidc', 'ctlog', 'fulcio', 'rekor', 'tsa', 'trust'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** For people: "the transparency log". */
export const SERVICE_TITLES: Readonly<Record<ServiceName, string>> = {
  oidc: 'dev OIDC issuer',
  ctlog: 'CT log',
  fulcio: 'certificate authority',
  rekor: 'transparency log',
  tsa: 'timestamp authority',
  trust: 'trust distribution',
};

export const DEFAULT_PORTS: Readonly<Record<ServiceName, number>> = { oidc: 5556, ctlog: 6962, fulcio: 5555, rekor: 3000, tsa: 3004, trust: 8081 };
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATA_DIR = 'data';
export const DEFAULT_TIMEOUT_SECONDS = 60;

export type UpSettings = {
  /** The address every service binds to. */
  readonly host: string;
  /** The host as written in URLs: brackets around IPv6, loopback for an unspecified address. */
  readonly urlHost: string;
  readonly ports: Readonly<Record<ServiceName, number>>;
  /** Absolute. */
  readonly dataDir: string;
  /** From the start until every service answers /healthz. */
  readonly timeoutMs: number;
};

export const UP_OPTIONS: OptionSpec = {
  help: { type: 'boolean', short: 'h' },
  'data-dir': { type: 'string' },
  host: { type: 'string' },
  timeout: { type: 'string' },
  ...Object.fromEntries(SERVICE_NAMES.map((name) => [`${name}-port`, { type: 'string' as const }])),
};

export type Env = Readonly<Record<string, string | undefined>>;

/** The environment variable of a service's port: SIGSTACK_REKOR_PORT. */
export function portEnv(name: ServiceName): string {
  return `SIGSTACK_${name.toUpperCase()}_PORT`;
}

/** The flag, else the non-empty variable, with where it came from for error messages. */
function pick(values: Flags, flag: string, env: Env, variable: string): { value: string; source: string } | undefined {
  const fromFlag = optionalString(values, flag);
  if (fromFlag !== undefined) return { value: fromFlag, source: `--${flag}` };
  const fromEnv = env[variable];
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: variable };
  return undefined;
}

function parsePort(value: string, source: string): number {
  let n: number;
  try {
    n = parseDecimal(value, source);
  } catch (err) {
    throw new AuditError('usage', 'ERR_USAGE', (err as Error).message, { cause: err });
  }
  // Port 0 (any free port) cannot work: each URL is known to the others before they start.
  if (n < 1 || n > 65535) throw usage(`${source} must be a port from 1 to 65535, got ${n}`);
  return n;
}

// A host name or an IP literal; anything else (spaces, slashes, user info) would make broken URLs.
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[?[0-9A-Fa-f:.]{2,45}\]?)$/;

function parseHost(value: string, source: string): string {
  if (!HOST.test(value)) throw usage(`${source} must be a host name or an IP address, got ${JSON.stringify(value.slice(0, 80))}`);
  return value.replace(/^\[(.*)\]$/, '$1');
}

/** How clients reach `host`: an unspecified address is reached on loopback; IPv6 gets brackets. */
export function urlHostOf(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** Resolves the settings of one `up` run; throws usage errors (exit 2) naming the flag or variable. */
export function resolveSettings(values: Flags, env: Env, cwd: string): UpSettings {
  const host = pick(values, 'host', env, 'SIGSTACK_HOST');
  const bind = host === undefined ? DEFAULT_HOST : parseHost(host.value, host.source);
  const ports = {} as Record<ServiceName, number>;
  const owner = new Map<number, string>();
  for (const name of SERVICE_NAMES) {
    const given = pick(values, `${name}-port`, env, portEnv(name));
    const port = given === undefined ? DEFAULT_PORTS[name] : parsePort(given.value, given.source);
    const other = owner.get(port);
    if (other !== undefined) throw usage(`${other} and ${name} would both use port ${port}; give one of them another port (--${name}-port)`);
    owner.set(port, name);
    ports[name] = port;
  }
  const dir = pick(values, 'data-dir', env, 'SIGSTACK_DATA_DIR')?.value ?? DEFAULT_DATA_DIR;
  const timeout = optionalString(values, 'timeout');
  let timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
  if (timeout !== undefined) {
    try {
      timeoutSeconds = parseDecimal(timeout, '--timeout');
    } catch (err) {
      throw new AuditError('usage', 'ERR_USAGE', (err as Error).message, { cause: err });
    }
    if (timeoutSeconds < 1 || timeoutSeconds > 3600) throw usage(`--timeout must be from 1 to 3600 seconds, got ${timeoutSeconds}`);
  }
  return {
    host: bind,
    urlHost: urlHostOf(bind),
    ports,
    dataDir: isAbsolute(dir) ? resolve(dir) : resolve(cwd, dir),
    timeoutMs: timeoutSeconds * 1000,
  };
}
