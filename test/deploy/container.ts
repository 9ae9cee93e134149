/**
 * The checks every container of a deployment file gets, whatever the file's format: docker-compose
 * services and Kubernetes pod containers are first reduced to a `Container`, then checked against
 * the config schema of the service they run (chosen by the script in their command).
 */
import { posix } from 'node:path';
import { ConfigError, loadConfig } from '@sigstack/service-kit';
import { kindOfScript } from './schemas.js';
import type { Schemas, ServiceSchema } from './schemas.js';

/** The image's working directory: relative paths in settings resolve against it (read-only). */
export const WORKDIR = '/app';

export type MountKind = 'volume' | 'bind' | 'tmpfs' | 'secret' | 'configMap' | 'emptyDir' | 'pvc' | 'other';
/** A mounted volume; `files` lists what a Secret or ConfigMap volume holds (relative paths). */
export type Mount = { path: string; readOnly: boolean; kind: MountKind; source: string; files?: readonly string[] };

/** A probe or health check: the HTTP path and the container port it asks. */
export type Probe = { what: string; path: string; port: number | undefined };

export type Container = {
  /** Where it is, for messages: `docker-compose.yml services.rekor`. */
  where: string;
  /** The script node runs (relative to WORKDIR), or the program of a tool container. */
  script: string;
  env: Record<string, string>;
  mounts: Mount[];
  /** Container ports it declares (compose: published targets; Kubernetes: containerPort). */
  ports: number[];
  probes: Probe[];
  /** Tool containers (one-shots, init containers) run no service: no settings, no port. */
  tool: boolean;
};

/** A container running one of the services, with its effective configuration. */
export type ServiceContainer = Container & { kind: string; schema: ServiceSchema; config: Record<string, unknown> };

/** Setting keys that name secrets (private keys, their passwords, HSM PINs): read-only mounts only. */
export function isSecretField(key: string): boolean {
  return /(key|password|pin)File$/i.test(key) && !/publicKeyFile$/i.test(key);
}

/** Settings that are paths of files or directories the service opens. */
export function isPathField(key: string): boolean {
  return /(File|Dir)$/.test(key);
}

/**
 * Whether a service writes to its data directory with this configuration. The logs always do
 * (databases, checkpoint); the CA and the TSA only with their ephemeral (dev) keys; the trust service
 * only in dev mode (generated TUF keys), otherwise it reads `dataDir/repository`.
 */
function dataDirUse(kind: string, config: Record<string, unknown>): 'rw' | 'repository' | 'unused' {
  if (kind === 'fulcio') return config.caBackend === 'ephemeral' ? 'rw' : 'unused';
  if (kind === 'tsa') return config.signer === 'ephemeral' ? 'rw' : 'unused';
  if (kind === 'trust') return config.devMode === true ? 'rw' : 'repository';
  return 'rw';
}

export function absolute(path: string): string {
  return posix.resolve(WORKDIR, path);
}

/** The mount a path lives under (the deepest one), if any. */
export function mountOf(path: string, mounts: readonly Mount[]): Mount | undefined {
  const abs = absolute(path);
  let best: { m: Mount; depth: number } | undefined;
  for (const m of mounts) {
    const base = posix.resolve('/', m.path);
    const inside = abs === base || abs.startsWith(base === '/' ? '/' : `${base}/`);
    if (inside && (best === undefined || base.length > best.depth)) best = { m, depth: base.length };
  }
  return best?.m;
}

/**
 * Checks one container and returns its problems; `service` is set when it runs a known service and
 * its environment loads. Rules: every variable is a setting of that service's schema and parses; it
 * listens on all interfaces; the declared ports and every probe are its configured port, probes on
 * /healthz; every path it uses is under a mount, written paths under a writable one, secrets under a
 * read-only one (`secretKinds` says which mount kinds may hold them).
 */
export function checkContainer(c: Container, schemas: Schemas, secretKinds: readonly MountKind[]): { problems: string[]; service?: ServiceContainer } {
  const problems: string[] = [];
  const at = (msg: string) => problems.push(`${c.where}: ${msg}`);
  if (c.tool) {
    for (const name of Object.keys(c.env)) at(`${name} is set on a tool container, which reads no settings`);
    if (c.ports.length > 0) at(`a tool container publishes ports ${c.ports.join(', ')}`);
    return { problems };
  }
  const kind = kindOfScript(schemas, c.script);
  if (kind === undefined) {
    at(`runs ${JSON.stringify(c.script)}, which is no service's script (${[...schemas.values()].map((s) => s.script).join(', ')})`);
    return { problems };
  }
  const schema = schemas.get(kind) as ServiceSchema;
  const known = new Set(Object.values(schema.fields).map((f) => f.env));
  for (const name of Object.keys(c.env)) {
    if (name === schema.configFileEnv) at(`${name}: use environment variables here, not a config file, so that they can be checked`);
    else if (!known.has(name)) at(`${name} is not a setting of ${kind} (see docs/configuration.md)`);
  }
  let config: Record<string, unknown>;
  try {
    config = loadConfig(schema.fields, schema.configFileEnv, { env: c.env, argv: [], readFile: () => '' }) as Record<string, unknown>;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) at(p);
    return { problems };
  }
  if (config.host !== '0.0.0.0' && config.host !== '::') at(`${schema.fields.host?.env} is ${JSON.stringify(config.host)}: in a container the service must listen on 0.0.0.0`);
  const port = config.port as number;
  if (c.ports.length === 0) at(`declares no port; ${kind} listens on ${port}`);
  for (const p of c.ports) if (p !== port) at(`declares port ${p} but ${kind} listens on ${port} (${schema.fields.port?.env})`);
  if (c.probes.length === 0) at('has no health check or probe');
  for (const probe of c.probes) {
    if (probe.path !== '/healthz') at(`${probe.what} asks ${JSON.stringify(probe.path)}, not /healthz`);
    if (probe.port !== port) at(`${probe.what} asks port ${probe.port ?? '(unknown)'} but ${kind} listens on ${port}`);
  }
  checkPaths(c, kind, schema, config, secretKinds, at);
  return { problems, service: { ...c, kind, schema, config } };
}

function checkPaths(c: Container, kind: string, schema: ServiceSchema, config: Record<string, unknown>, secretKinds: readonly MountKind[], at: (msg: string) => void): void {
  for (const [key, field] of Object.entries(schema.fields)) {
    const value = config[key];
    if (!isPathField(key) || typeof value !== 'string' || value === '') continue;
    const name = `${field.env}=${value}`;
    if (key === 'dataDir') {
      const use = dataDirUse(kind, config);
      if (use === 'unused') continue;
      const path = use === 'repository' ? posix.join(value, 'repository') : value;
      const m = mountOf(path, c.mounts);
      if (m === undefined) at(`${name}: ${absolute(path)} is on the read-only image filesystem, not on a mount`);
      else if (use === 'rw' && (m.readOnly || m.kind === 'configMap' || m.kind === 'secret')) at(`${name}: ${kind} writes there but ${m.path} is mounted read-only`);
      else if (use === 'rw' && m.kind === 'tmpfs') at(`${name}: ${kind} keeps state there but ${m.path} is a tmpfs, lost on restart`);
      continue;
    }
    const m = mountOf(value, c.mounts);
    if (m === undefined) {
      at(`${name} is not under any mount`);
      continue;
    }
    const inVolume = posix.relative(posix.resolve('/', m.path), absolute(value));
    if (m.files !== undefined && !m.files.includes(inVolume)) at(`${name}: the ${m.kind} ${m.source} mounted at ${m.path} holds ${m.files.join(', ') || 'nothing'}, not ${inVolume}`);
    if (/DatabaseFile$/.test(key)) {
      if (m.readOnly) at(`${name}: the database is under the read-only mount ${m.path}`);
    } else if (isSecretField(key)) {
      if (!m.readOnly) at(`${name}: secret under ${m.path}, which is not mounted read-only`);
      if (!secretKinds.includes(m.kind)) at(`${name}: secret under ${m.path}, a ${m.kind} mount (secrets belong in: ${secretKinds.join(', ')})`);
    } else if (!m.readOnly) {
      at(`${name}: read-only input under ${m.path}, which is mounted writable`);
    }
  }
}

/**
 * URLs a service fetches itself (so they must be reachable from inside its container), keyed
 * `kind.setting`, with the service kind they must reach. Dev mode adds the dev issuer (its fetch URL,
 * or its `iss` when that is empty) and the trust
 * service's collection URLs (its fetch URL, or the public one when that is empty).
 */
export function fetchedUrls(s: ServiceContainer): { env: string; value: string; target: string }[] {
  const env = (key: string) => s.schema.fields[key]?.env ?? key;
  const str = (key: string) => (typeof s.config[key] === 'string' ? (s.config[key] as string) : '');
  const out: { env: string; value: string; target: string }[] = [];
  if (s.kind === 'fulcio') {
    out.push({ env: env('ctLogUrl'), value: str('ctLogUrl'), target: 'ctlog' });
    // The dev issuer's discovery and keys: at its fetch URL when set, otherwise at its `iss`.
    const fetchKey = str('devIssuerFetchUrl') !== '' ? 'devIssuerFetchUrl' : 'devIssuerUrl';
    if (s.config.devMode === true) out.push({ env: env(fetchKey), value: str(fetchKey), target: 'dev-oidc' });
  }
  if (s.kind === 'trust' && s.config.devMode === true) {
    for (const [target, fetchKey, publicKey] of [['fulcio', 'fulcioFetchUrl', 'fulcioUrl'], ['rekor', 'rekorFetchUrl', 'rekorUrl'], ['tsa', 'tsaFetchUrl', 'tsaUrl']] as const) {
      const fetch = str(fetchKey);
      if (fetch !== '') out.push({ env: env(fetchKey), value: fetch, target });
      else if (str(publicKey) !== '') out.push({ env: env(publicKey), value: str(publicKey), target });
    }
  }
  return out.filter((u) => u.value !== '');
}

/** Public URLs (what clients see) in use with this configuration, and the service kind each must lead to. */
export function publicUrls(s: ServiceContainer): { env: string; value: string; target: string }[] {
  const table: Record<string, Record<string, string>> = {
    rekor: { publicUrl: 'rekor' },
    ctlog: { publicUrl: 'ctlog' },
    trust: { publicUrl: 'trust', fulcioUrl: 'fulcio', rekorUrl: 'rekor', ctlogUrl: 'ctlog', tsaUrl: 'tsa', oidcUrl: 'dev-oidc' },
  };
  const out: { env: string; value: string; target: string }[] = [];
  for (const [key, target] of Object.entries(table[s.kind] ?? {})) {
    // Outside dev mode the trust service serves what `sigstack trust` wrote: only its own URL is in use.
    if (s.kind === 'trust' && s.config.devMode !== true && key !== 'publicUrl') continue;
    const value = s.config[key];
    if (typeof value === 'string' && value !== '') out.push({ env: s.schema.fields[key]?.env ?? key, value, target });
  }
  return out;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/**
 * What a production deployment must not do: dev modes, generated (ephemeral) CA or TSA keys, the dev
 * OIDC issuer, and public URLs clients would reach without TLS or on loopback.
 */
export function productionProblems(s: ServiceContainer): string[] {
  const out: string[] = [];
  const at = (msg: string) => out.push(`${s.where}: ${msg}`);
  if (s.kind === 'dev-oidc') at('the dev OIDC issuer hands a token to anyone: never in production');
  if (s.config.devMode === true) at(`${s.schema.fields.devMode?.env} is true in production`);
  if (s.kind === 'fulcio' && s.config.caBackend === 'ephemeral') at(`${s.schema.fields.caBackend?.env} is ephemeral in production`);
  if (s.kind === 'fulcio' && s.config.devIssuerFetchUrl !== '') at(`${s.schema.fields.devIssuerFetchUrl?.env} is set in production (dev mode only: the CA refuses to start)`);
  if (s.kind === 'tsa' && s.config.signer === 'ephemeral') at(`${s.schema.fields.signer?.env} is ephemeral in production`);
  for (const u of publicUrls(s)) {
    const parsed = new URL(u.value);
    if (parsed.protocol !== 'https:' || isLoopback(parsed.hostname)) at(`${u.env}=${u.value}: clients need an https URL that is not loopback`);
  }
  return out;
}
