/**
 * `sigstack up` (what `npm start` runs): the whole stack on this machine in dev mode, each service
 * as its own process, until Ctrl-C. Checks first that every service is built, that no other `up`
 * uses the data directory and that every port is free; then starts the services in dependency
 * order (see `boot` below and docs/up.md), prints the banner once all answer /healthz, and waits.
 * A service that stops on its own is reported with the end of its log, the others are stopped and
 * `up` exits 7; Ctrl-C or SIGTERM stops all and exits 0.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseFlags } from '../args.js';
import { AuditError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { warn } from '../output.js';
import { banner } from './banner.js';
import { waitCtRoot, waitHealthy, writeCtRoots } from './health.js';
import { locateBin } from './locate.js';
import { readable, terminalLine } from './log-lines.js';
import { stackPlan, type ServiceSpec, type StackPlan } from './plan.js';
import { unusablePorts } from './ports.js';
import { DEFAULT_PORTS, SERVICE_NAMES, SERVICE_TITLES, UP_OPTIONS, portEnv, resolveSettings, type ServiceName } from './settings.js';
import { refuseIfRunning, removeStatus, writeStatus } from './status.js';
import { describeEnd, Supervisor, type ChildEnd } from './supervisor.js';

export const UP_HELP = `usage: sigstack up [--data-dir DIR] [--host ADDR] [--<service>-port N]... [--timeout S]

Runs the whole stack on this machine in dev mode, each service as its own process, until Ctrl-C:
generated keys kept in the data directory, an ephemeral CA, and a dev OIDC issuer that gives an ID
token to anyone who asks (GET /token?sub=…&email=…). Never use it in production.
Waits until every service answers /healthz, then prints the URLs, where the trust material and the
logs are, and sign/verify examples for sigstore-js, cosign v3 and cosign v2.

  --data-dir DIR     SQLite databases, keys, trust material, logs      (SIGSTACK_DATA_DIR, default ./data)
  --host ADDR        address every service binds to                    (SIGSTACK_HOST, default 127.0.0.1)
${SERVICE_NAMES.map((name) => `  --${`${name}-port N`.padEnd(17)}${`port of the ${SERVICE_TITLES[name]}`.padEnd(50)}(${portEnv(name)}, default ${DEFAULT_PORTS[name]})`).join('\n')}
  --timeout S        seconds from start until every service must be healthy (default 60)

A flag wins over its environment variable, which wins over the default; an empty variable is unset.
Each service's whole log is in DIR/logs/<service>.log; warnings and errors are also printed here.
DIR/up.json lists the running services and their pids while up runs.

exit codes: 0 stopped by Ctrl-C or SIGTERM; 2 bad command line; 3 the data directory cannot be
created; 7 a service is not built, a port is taken, another up uses the data directory, or a service
was not healthy in time, stopped on its own (its last log lines are printed) or did not stop cleanly.
`;

/** How long a service may take to stop after SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;
/** A child that ends this soon before our own SIGINT is part of the same Ctrl-C, not a failure. */
const INTERRUPT_GRACE_MS = 300;
/** Log lines shown with a failure. */
const TAIL_SHOWN = 12;

const HERE = dirname(fileURLToPath(import.meta.url));

type Outcome<T> = { kind: 'done'; value: T } | { kind: 'failed'; end: ChildEnd } | { kind: 'interrupted' };

function tailText(lines: readonly string[], logFile: string): string {
  const shown = lines.slice(-TAIL_SHOWN).map((l) => `      ${readable(l)}`);
  return `    last lines of ${logFile}:\n${shown.length > 0 ? shown.join('\n') : '      (nothing)'}\n`;
}

function failureText(end: ChildEnd): string {
  return `the ${end.title} (${end.name}, pid ${end.pid ?? 'none'}) stopped on its own: ${describeEnd(end)}`;
}

export async function up(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, UP_OPTIONS);
  if (values.help === true) return io.stdout.write(UP_HELP), EXIT.ok;
  const settings = resolveSettings(values, io.env ?? {}, process.cwd());
  const plan = stackPlan(settings);

  const scripts = new Map<ServiceName, string>();
  const missing: string[] = [];
  for (const spec of [...plan.core, plan.trust]) {
    const found = locateBin(spec.packageName, spec.bin, HERE);
    if ('script' in found) scripts.set(spec.name, found.script);
    else if (spec.name !== 'trust') missing.push(`the ${spec.title} (${found.missing})`);
  }
  if (missing.length > 0) throw new AuditError('service', 'ERR_STACK_NOT_BUILT', `not built: ${missing.join(', ')}; run npm run build first`);
  const withTrust = scripts.has('trust');
  if (!withTrust) warn(io, 'the trust service (services/trust) is not built: starting without trust distribution');

  for (const dir of ['fulcio', 'ctlog', 'rekor', 'tsa', 'trust', 'logs']) {
    await mkdir(join(settings.dataDir, dir), { recursive: true }).catch((err: NodeJS.ErrnoException) => {
      throw new AuditError('input', 'ERR_CONFIG_INVALID', `couldn't create ${join(settings.dataDir, dir)}: ${err.code ?? err.message}`, { cause: err });
    });
  }
  await refuseIfRunning(plan.files.statusFile, process.pid);
  const specs = withTrust ? [...plan.core, plan.trust] : plan.core;
  const busy = await unusablePorts(settings.host, Object.fromEntries(specs.map((s) => [s.name, s.port])) as Record<ServiceName, number>);
  if (busy.length > 0) {
    const list = busy.map((b) => `${b.port} (${b.name}: ${b.reason === 'EADDRINUSE' ? 'in use' : b.reason}; --${b.name}-port to change)`).join(', ');
    throw new AuditError('service', 'ERR_STACK_PORT_IN_USE', `cannot listen on ${settings.host} port ${list}; is another sigstack (or an earlier one left running) up?`);
  }
  return run(plan, scripts, withTrust, io);
}

async function run(plan: StackPlan, scripts: ReadonlyMap<ServiceName, string>, withTrust: boolean, io: Io): Promise<number> {
  const { settings, files } = plan;
  const started = io.now();
  const deadline = started + settings.timeoutMs;
  const supervisor = new Supervisor({
    logDir: files.logDir,
    env: io.env ?? {},
    nodeArgs: ['--import', pathToFileURL(join(HERE, 'orphan-guard.js')).href],
    onLine: (name, line) => {
      const shown = terminalLine(name, line);
      if (shown !== undefined) io.stderr.write(`${shown}\n`);
    },
  });
  const halt = new AbortController();
  const interrupted = new Promise<void>((resolve) => {
    if (io.signal?.aborted) return resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const until = <T>(work: Promise<T>): Promise<Outcome<T>> =>
    Promise.race([
      work.then((value) => ({ kind: 'done', value }) as const),
      supervisor.failure.then((end) => ({ kind: 'failed', end }) as const),
      interrupted.then(() => ({ kind: 'interrupted' }) as const),
    ]);
  const start = (spec: ServiceSpec) => supervisor.start({ name: spec.name, title: spec.title, script: scripts.get(spec.name) as string, env: spec.env });
  const saveStatus = () =>
    writeStatus(files.statusFile, {
      pid: process.pid,
      started: new Date(started).toISOString(),
      dataDir: settings.dataDir,
      services: Object.fromEntries(
        supervisor.running().map(({ name, pid }) => [name, { pid, url: plan.urls[name as ServiceName], log: join(files.logDir, `${name}.log`) }]),
      ),
    });

  const service = (name: ServiceName) => (name === 'trust' ? plan.trust : (plan.core.find((s) => s.name === name) as ServiceSpec));
  /** Resolves with the service unless it is healthy before the deadline. */
  const late = async (name: ServiceName) => ((await waitHealthy(service(name).url, deadline, io, halt.signal)) ? undefined : service(name));
  const launch = async (...names: ServiceName[]) => {
    for (const name of names) start(service(name));
    await saveStatus();
  };
  /**
   * Starts the services in dependency order; resolves with those not healthy in time (none: all
   * up). The issuer, the transparency log and the TSA need nobody; the CA checks the issuer at
   * start; the CT log gets the CA's chain in its roots file before it starts; the trust service
   * collects everyone's keys and chains.
   */
  const boot = async (): Promise<readonly ServiceSpec[]> => {
    await launch('oidc', 'rekor', 'tsa');
    const independent = Promise.all([late('rekor'), late('tsa')]);
    const missing = (...xs: (ServiceSpec | undefined)[]) => xs.filter((x): x is ServiceSpec => x !== undefined);
    const oidc = await late('oidc');
    if (oidc !== undefined) return missing(oidc, ...(await independent));
    await launch('fulcio');
    const fulcio = await late('fulcio');
    if (fulcio !== undefined) return missing(fulcio, ...(await independent));
    const root = await writeCtRoots(plan.urls.fulcio, files.ctRoots, io);
    await launch('ctlog');
    const ctlog = await late('ctlog');
    const others = missing(ctlog, ...(await independent));
    if (others.length > 0 || halt.signal.aborted) return others;
    if (!(await waitCtRoot(plan.urls.ctlog, root, deadline, io, halt.signal)) && !halt.signal.aborted) {
      throw new AuditError('service', 'ERR_STACK_SERVICE_FAILED', `the CT log does not list the CA's root from ${files.ctRoots}`);
    }
    if (!withTrust) return [];
    await launch('trust');
    return missing(await late('trust'));
  };

  io.stderr.write(`sigstack up: starting ${withTrust ? 6 : 5} services in dev mode; data in ${settings.dataDir}, logs in ${files.logDir}\n`);
  let outcome: Outcome<readonly ServiceSpec[]>;
  let failure: AuditError | undefined;
  try {
    outcome = await until(boot());
    if (outcome.kind === 'done') {
      const unhealthy = outcome.value;
      if (unhealthy.length > 0) {
        for (const s of unhealthy) {
          const last = supervisor.lastLines(s.name);
          io.stderr.write(`sigstack up: the ${s.title} did not answer ${s.url}/healthz within ${settings.timeoutMs / 1000} s\n${last ? tailText(last.tail, last.logFile) : ''}`);
        }
        failure = new AuditError('service', 'ERR_STACK_SERVICE_FAILED', `not healthy within ${settings.timeoutMs / 1000} s: ${unhealthy.map((s) => s.title).join(', ')}; stopped everything`);
      } else {
        io.stdout.write(banner(plan, { trust: withTrust, elapsedMs: io.now() - started }));
        outcome = await until(new Promise<readonly ServiceSpec[]>(() => undefined));
      }
    }
    if (outcome.kind !== 'done') halt.abort();
    if (outcome.kind === 'failed') {
      // A Ctrl-C reaches every process of the terminal at once: a child may end a moment before
      // our own handler runs. Wait briefly for that signal before calling it a failure.
      await io.sleep(INTERRUPT_GRACE_MS, io.signal);
      if (io.signal?.aborted) outcome = { kind: 'interrupted' };
      else {
        const { end } = outcome;
        io.stderr.write(`sigstack up: ${failureText(end)}\n${end.error === undefined ? tailText(end.tail, end.logFile) : ''}`);
        failure = new AuditError('service', 'ERR_STACK_SERVICE_FAILED', `${failureText(end)}; the other services were stopped (see ${end.logFile})`);
      }
    }
  } finally {
    halt.abort();
    if (failure === undefined) io.stderr.write('sigstack up: stopping every service\n');
    const ends = await supervisor.stop(STOP_GRACE_MS);
    await removeStatus(files.statusFile);
    const unclean = ends.filter((e) => e.signal === 'SIGKILL' || (e.code !== null && e.code !== 0));
    if (failure === undefined && unclean.length > 0) {
      for (const e of unclean) io.stderr.write(`sigstack up: the ${e.title} did not stop cleanly: ${describeEnd(e)}\n${tailText(e.tail, e.logFile)}`);
      failure = new AuditError('service', 'ERR_STACK_SERVICE_FAILED', `not every service stopped cleanly: ${unclean.map((e) => e.title).join(', ')}`);
    }
  }
  if (failure !== undefined) throw failure;
  io.stderr.write('sigstack up: stopped\n');
  return EXIT.ok;
}
