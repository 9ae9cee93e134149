import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, freePort } from './helpers/service.js';

// `sigstack up` as a newcomer runs it (what `npm start` runs after the build): every service as
// its own process on free loopback ports with a temporary data directory; the banner's sigstore-js
// example pasted into a shell; Ctrl-C; a restart on the same data; a service killed under it.

// Five starts of the whole stack on two shared cores: well over tap's default 30 s per file.
t.setTimeout(300_000);

const BANNER_END = 'Press Ctrl-C to stop every service.';
const NAMES = ['oidc', 'ctlog', 'fulcio', 'rekor', 'tsa', 'trust'] as const;

type Up = {
  child: ChildProcess;
  out(): string;
  err(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

function startUp(dir: string, ports: Record<string, number>): Up {
  const args = ['up', '--data-dir', dir, ...NAMES.flatMap((n) => [`--${n}-port`, String(ports[n])])];
  // A clean environment, as a newcomer's shell would be: no tap loader in the services.
  const child = spawn(process.execPath, [join(ROOT, 'packages', 'cli', 'bin', 'sigstack.js'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return { child, out: () => out, err: () => err, exited };
}

/** Resolves once the banner is printed; fails with up's output if it exits or 90 s pass first. */
async function banner(up: Up): Promise<string> {
  const deadline = Date.now() + 90_000;
  let done = false;
  void up.exited.then(() => (done = true));
  while (!up.out().includes(BANNER_END)) {
    if (done || Date.now() > deadline) throw new Error(`no banner (exited: ${done})\nstdout:\n${up.out()}\nstderr:\n${up.err()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return up.out();
}

/** The sigstore-js command of the banner, as a person would select and paste it. */
function sigstoreJsExample(text: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trimStart().startsWith("node --input-type=module -e '"));
  const end = lines.findIndex((l, i) => i > start && l.endsWith("'"));
  if (start < 0 || end < 0) throw new Error(`no sigstore-js example in:\n${text}`);
  return lines.slice(start, end + 1).join('\n'); // indentation included, as a mouse selects it
}

function runShell(script: string, home: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', script], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function pids(dir: string): Record<string, number> {
  const status = JSON.parse(readFileSync(join(dir, 'up.json'), 'utf8')) as { services: Record<string, { pid: number }> };
  return Object.fromEntries(Object.entries(status.services).map(([name, s]) => [name, s.pid]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const text = async (url: string) => {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.text();
};

const dir = t.testdir();
const ports: Record<string, number> = {};
for (const name of NAMES) ports[name] = await freePort();
const url = (name: string) => `http://127.0.0.1:${ports[name]}`;
let first: Up;
let firstPids: Record<string, number>;
let rekorKey: string;
t.teardown(async () => {
  if (first !== undefined && first.child.exitCode === null && first.child.signalCode === null) {
    first.child.kill('SIGINT');
    await first.exited;
  }
});

t.test('up starts every service, each answers /healthz, and the banner says where everything is', async (t) => {
  first = startUp(dir, ports);
  const started = Date.now();
  const text_ = await banner(first);
  t.comment(`banner after ${Date.now() - started} ms`);
  for (const name of NAMES) {
    const res = await fetch(`${url(name)}/healthz`);
    t.equal(res.status, 200, `${name} is healthy`);
    t.match(text_, url(name), `the banner lists ${name}`);
  }
  for (const file of ['trust/repository/trusted_root.json', 'trust/repository/signing_config.json', 'trust/repository/1.root.json', 'fulcio/ca-chain.pem', 'rekor/log-public-key.pem', 'ctlog/log-public-key.pem']) {
    t.match(text_, join(dir, file), `the banner names ${file}`);
    t.ok(existsSync(join(dir, file)), `${file} exists`);
  }
  t.match(text_, 'cosign sign-blob hello.txt --yes --bundle hello.sigstore.json --signing-config');
  t.match(text_, `--certificate-oidc-issuer ${url('oidc')}`);
  firstPids = pids(dir);
  t.same(Object.keys(firstPids).sort(), [...NAMES].sort(), 'up.json lists every service');
  for (const [name, pid] of Object.entries(firstPids)) t.ok(alive(pid), `${name} (pid ${pid}) runs`);
  rekorKey = await text(`${url('rekor')}/api/v1/log/publicKey`);
  const token = await text(`${url('oidc')}/token?sub=me&email=me@example.com`);
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  t.match(claims, { iss: url('oidc'), aud: 'sigstore', sub: 'me', email: 'me@example.com', email_verified: true });
  t.equal((claims.exp as number) - (claims.iat as number), 600, 'tokens live 10 minutes');
});

t.test("the banner's sigstore-js example signs and verifies through the TUF mirror when pasted", async (t) => {
  const r = await runShell(sigstoreJsExample(first.out()), dir);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, 'verified: signed by me@example.com');
  const bundle = JSON.parse(r.stdout.slice(0, r.stdout.lastIndexOf('}') + 1)) as { verificationMaterial: { tlogEntries: unknown[]; timestampVerificationData?: { rfc3161Timestamps?: unknown[] } } };
  t.equal(bundle.verificationMaterial.tlogEntries.length, 1, 'the entry is in the transparency log');
  t.equal(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps?.length, 1, 'the timestamp authority was used');
});

t.test('SIGINT stops every service and up exits 0', async (t) => {
  first.child.kill('SIGINT');
  const { code } = await first.exited;
  t.equal(code, 0, 'up exits 0', { stderr: first.err() });
  for (const [name, pid] of Object.entries(firstPids)) t.notOk(alive(pid), `${name} (pid ${pid}) is gone`);
  t.notOk(existsSync(join(dir, 'up.json')), 'the status file is removed');
  t.match(first.err(), 'sigstack up: stopped');
});

t.test('keys survive a restart: same transparency log key, CA chain and TUF root, and the example still verifies', async (t) => {
  const tufRoot = readFileSync(join(dir, 'trust/repository/1.root.json'), 'utf8');
  const ctKey = readFileSync(join(dir, 'ctlog/log-public-key.pem'), 'utf8');
  const chain = readFileSync(join(dir, 'fulcio/ca-chain.pem'), 'utf8');
  const again = startUp(dir, ports);
  t.teardown(async () => {
    if (again.child.exitCode === null && again.child.signalCode === null) {
      again.child.kill('SIGINT');
      await again.exited;
    }
  });
  await banner(again);
  t.equal(await text(`${url('rekor')}/api/v1/log/publicKey`), rekorKey, 'the transparency log kept its key');
  t.equal(await text(`${url('fulcio')}/api/v1/rootCert`), chain, 'the CA kept its chain');
  t.equal(readFileSync(join(dir, 'ctlog/log-public-key.pem'), 'utf8'), ctKey, 'the CT log kept its key');
  t.equal(readFileSync(join(dir, 'trust/repository/1.root.json'), 'utf8'), tufRoot, 'the TUF root is unchanged');
  const r = await runShell(sigstoreJsExample(again.out()), dir);
  t.equal(r.code, 0, `the TUF cache of the first run still works: ${r.stderr}`);
  t.match(r.stdout, 'verified: signed by me@example.com');
});

t.test('a service that dies is reported with its signal and log, the others are stopped and up exits 7', async (t) => {
  const up = startUp(dir, ports);
  t.teardown(() => void up.child.kill('SIGINT'));
  await banner(up);
  const running = pids(dir);
  process.kill(running.rekor!, 'SIGKILL');
  const { code } = await up.exited;
  t.equal(code, 7);
  t.match(up.err(), `the transparency log (rekor, pid ${running.rekor}) stopped on its own: killed by SIGKILL`);
  t.match(up.err(), `last lines of ${join(dir, 'logs', 'rekor.log')}`);
  t.match(up.err(), 'rekor ready', 'the tail of its log is shown, readable');
  for (const [name, pid] of Object.entries(running)) t.notOk(alive(pid), `${name} (pid ${pid}) is gone`);
  t.notOk(existsSync(join(dir, 'up.json')));
});

t.test('services stop by themselves when up is killed with SIGKILL', async (t) => {
  const up = startUp(dir, ports);
  await banner(up);
  const running = pids(dir);
  t.teardown(() => Object.values(running).filter(alive).forEach((pid) => process.kill(pid, 'SIGKILL')));
  up.child.kill('SIGKILL');
  await up.exited;
  const deadline = Date.now() + 20_000;
  while (Object.values(running).some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const [name, pid] of Object.entries(running)) t.notOk(alive(pid), `${name} (pid ${pid}) stopped`);
  t.match(readFileSync(join(dir, 'logs', 'rekor.log'), 'utf8'), '"msg":"stopped"', 'the transparency log shut down cleanly, logging to its file');
});
