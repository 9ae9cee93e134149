/**
 * Checks a Compose file, as `docker-compose config` prints it (anchors and merges resolved, paths
 * absolute), against the services' config schemas: the container rules of ./container.ts plus what
 * Compose adds (hardening, published ports, health-gated start order, volumes, and which URL each
 * service can reach from where).
 */
import { checkContainer, fetchedUrls, isLoopback, productionProblems, publicUrls } from './container.js';
import type { Container, Mount, Probe, ServiceContainer } from './container.js';
import type { Schemas } from './schemas.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** Tool scripts a compose one-shot may run (relative to the image's working directory). */
export const COMPOSE_TOOLS = ['deploy/docker/ca-roots.mjs'];
const HEALTHCHECK_SCRIPT = 'deploy/docker/healthcheck.mjs';

export type ComposeOptions = {
  /** Label for messages, e.g. `docker-compose.yml`. */
  file: string;
  /** Published ports must bind this host address (127.0.0.1: a TLS proxy or the local clients in front). */
  bindAddress: string;
  /** Apply the production rules (no dev modes, no ephemeral keys, https public URLs). */
  production: boolean;
};

type Published = { host: string; hostPort: number; target: number };

function parsePort(entry: unknown): Published | string {
  if (isObj(entry)) {
    return { host: String(entry.host_ip ?? ''), hostPort: Number(entry.published), target: Number(entry.target) };
  }
  // docker-compose 1.29 prints `127.0.0.1:3000:3000/tcp`.
  const m = /^(?:(\[?[0-9a-fA-F.:]+\]?):)?([0-9]+):([0-9]+)(?:\/tcp)?$/.exec(String(entry));
  if (m === null) return `port ${JSON.stringify(entry)} is not HOST:PORT:PORT`;
  return { host: m[1] ?? '', hostPort: Number(m[2]), target: Number(m[3]) };
}

function parseVolume(entry: unknown, named: ReadonlySet<string>): Mount | string {
  if (isObj(entry)) {
    const type = String(entry.type ?? 'volume');
    const kind = type === 'bind' ? 'bind' : type === 'tmpfs' ? 'tmpfs' : type === 'volume' ? 'volume' : 'other';
    return { path: String(entry.target), readOnly: entry.read_only === true, kind, source: String(entry.source ?? '') };
  }
  const parts = String(entry).split(':');
  if (parts.length < 2 || parts.length > 3) return `volume ${JSON.stringify(entry)} is not SOURCE:TARGET[:MODE]`;
  const [source, target, mode = 'rw'] = parts as [string, string, string?];
  const bind = source.startsWith('/') || source.startsWith('.');
  if (!bind && !named.has(source)) return `volume ${source} is not declared under the top-level volumes`;
  return { path: target, readOnly: mode.split(',').includes('ro'), kind: bind ? 'bind' : 'volume', source };
}

/** Reduces one compose service to a Container, and reports what cannot be read. */
function toContainer(file: string, name: string, svc: Obj, named: ReadonlySet<string>, problems: string[]): { c: Container; published: Published[] } {
  const where = `${file} services.${name}`;
  const command = strings(svc.command);
  const script = command[0] ?? '';
  const env: Record<string, string> = {};
  if (Array.isArray(svc.environment)) problems.push(`${where}: write environment as a map`);
  else if (isObj(svc.environment)) for (const [k, v] of Object.entries(svc.environment)) env[k] = v === null ? '' : String(v);
  const mounts: Mount[] = [];
  for (const v of Array.isArray(svc.volumes) ? svc.volumes : []) {
    const m = parseVolume(v, named);
    if (typeof m === 'string') problems.push(`${where}: ${m}`);
    else mounts.push(m);
  }
  for (const t of strings(svc.tmpfs)) mounts.push({ path: t.split(':')[0] as string, readOnly: false, kind: 'tmpfs', source: 'tmpfs' });
  const published: Published[] = [];
  for (const p of Array.isArray(svc.ports) ? svc.ports : []) {
    const parsed = parsePort(p);
    if (typeof parsed === 'string') problems.push(`${where}: ${parsed}`);
    else published.push(parsed);
  }
  const probes: Probe[] = [];
  const hc = isObj(svc.healthcheck) ? svc.healthcheck : undefined;
  const test = strings(hc?.test);
  const tool = COMPOSE_TOOLS.includes(script);
  if (!tool && hc?.disable !== true && test[0] !== 'NONE') {
    const at = test.indexOf(HEALTHCHECK_SCRIPT);
    const arg = at >= 0 ? test[at + 1] : undefined;
    if (at < 0) problems.push(`${where}: the health check must run node ${HEALTHCHECK_SCRIPT} <port>`);
    else probes.push({ what: 'healthcheck', path: '/healthz', port: arg === undefined ? undefined : Number(arg) });
  }
  return { c: { where, script, env, mounts, ports: published.map((p) => p.target), probes, tool }, published };
}

/** Problems of a compose configuration (an empty list when it is right). */
export function checkCompose(doc: unknown, schemas: Schemas, options: ComposeOptions): string[] {
  const problems: string[] = [];
  if (!isObj(doc) || !isObj(doc.services)) return [`${options.file}: no services`];
  const named = new Set(isObj(doc.volumes) ? Object.keys(doc.volumes) : []);
  const services = new Map<string, { svc: Obj; c: Container; published: Published[]; service?: ServiceContainer }>();
  for (const [name, svc] of Object.entries(doc.services)) {
    if (!isObj(svc)) {
      problems.push(`${options.file} services.${name}: not a map`);
      continue;
    }
    const { c, published } = toContainer(options.file, name, svc, named, problems);
    const checked = checkContainer(c, schemas, ['bind', 'other']);
    problems.push(...checked.problems);
    if (options.production && checked.service) problems.push(...productionProblems(checked.service));
    services.set(name, { svc, c, published, ...(checked.service ? { service: checked.service } : {}) });
  }
  for (const { svc, c, published } of services.values()) {
    const at = (msg: string) => problems.push(`${c.where}: ${msg}`);
    if (svc.read_only !== true) at('read_only must be true (only volumes are writable)');
    const user = String(svc.user ?? '');
    if (user === '' || /^(0|root)(:|$)/.test(user)) at(`user must be a non-root uid, got ${JSON.stringify(user)}`);
    if (!strings(svc.cap_drop).includes('ALL')) at('cap_drop must include ALL');
    if (!strings(svc.security_opt).some((o) => /^no-new-privileges(:true)?$/.test(o))) at('security_opt must include no-new-privileges:true');
    for (const p of published) if (p.host !== options.bindAddress) at(`port ${p.hostPort} is published on ${JSON.stringify(p.host || '*')}, not ${options.bindAddress}`);
    const deps = svc.depends_on;
    if (Array.isArray(deps)) at('depends_on needs conditions (service_healthy), not a list');
    for (const [dep, spec] of Object.entries(isObj(deps) ? deps : {})) {
      const other = services.get(dep);
      const condition = isObj(spec) ? spec.condition : undefined;
      if (other === undefined) at(`depends on ${dep}, which is not a service`);
      else if (other.c.tool ? condition !== 'service_completed_successfully' : condition !== 'service_healthy') {
        at(`depends on ${dep} with condition ${JSON.stringify(condition)}; want ${other.c.tool ? 'service_completed_successfully' : 'service_healthy'}`);
      }
    }
    if (c.tool && svc.restart !== 'no') at('a one-shot must have restart: "no"');
  }
  checkUrls(services, problems);
  return problems;
}

/**
 * Fetched URLs must name the compose service of the right kind and its port (inside a container,
 * 127.0.0.1 is the container itself); public URLs on loopback must be a port published for the right
 * service. The CA in dev mode trusts the dev issuer at exactly the issuer's `iss` (it fetches the issuer
 * at its fetch URL when set: one of the fetched URLs).
 */
function checkUrls(services: ReadonlyMap<string, { c: Container; published: Published[]; service?: ServiceContainer }>, problems: string[]): void {
  const byKind = new Map<string, string>();
  for (const [name, s] of services) if (s.service) byKind.set(s.service.kind, name);
  for (const { c, service } of services.values()) {
    if (service === undefined) continue;
    const at = (msg: string) => problems.push(`${c.where}: ${msg}`);
    for (const u of fetchedUrls(service)) {
      const { hostname, port } = new URL(u.value);
      const target = byKind.get(u.target);
      const want = target === undefined ? undefined : services.get(target)?.service;
      if (isLoopback(hostname)) at(`${u.env}=${u.value}: ${service.kind} fetches it from inside its container, where ${hostname} is itself; use http://${target ?? u.target}:<port>`);
      else if (target !== undefined && hostname === target && want && Number(port || 80) !== want.config.port) at(`${u.env}=${u.value}: ${target} listens on ${String(want.config.port)}`);
      else if (target !== undefined && hostname !== target && services.has(hostname)) at(`${u.env}=${u.value} leads to ${hostname}, not to the ${u.target} service ${target}`);
      else if (target !== undefined && hostname !== target) at(`${u.env}=${u.value}: ${hostname} is no service of this file; use http://${target}:<port>`);
    }
    for (const u of publicUrls(service)) {
      const { hostname, port } = new URL(u.value);
      if (!isLoopback(hostname)) continue;
      const target = byKind.get(u.target);
      const hit = [...services.entries()].find(([, s]) => s.published.some((p) => p.hostPort === Number(port || 80)));
      if (hit === undefined) at(`${u.env}=${u.value}: no service publishes port ${port || 80}`);
      else if (hit[0] !== target) at(`${u.env}=${u.value}: port ${port || 80} is published by ${hit[0]}, not by the ${u.target} service`);
    }
    if (service.kind === 'fulcio' && service.config.devMode === true) {
      const oidc = byKind.get('dev-oidc');
      const issuer = oidc === undefined ? undefined : services.get(oidc)?.service?.config.issuer;
      if (issuer !== undefined && issuer !== service.config.devIssuerUrl) {
        at(`${service.schema.fields.devIssuerUrl?.env}=${String(service.config.devIssuerUrl)} differs from the dev issuer's iss ${String(issuer)}: the CA would refuse its tokens`);
      }
    }
  }
}
