import t from 'tap';
import { createServer, type Server } from 'node:net';
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { run, EXIT } from '../src/index.js';
import type { Io } from '../src/io.js';

// `sigstack up` in-process, for what happens before any service starts. Running the stack itself
// is covered by test/e2e/up.test.ts.

function captureIo(env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: Io = {
    stdout: { write: (s: string) => void (out += s) },
    stderr: { write: (s: string) => void (err += s) },
    fetch: () => Promise.reject(new Error('no network in this test')),
    now: () => Date.now(),
    sleep: async () => undefined,
    env,
  };
  return { io, out: () => out, err: () => err };
}

async function listening(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** Six ports that were free a moment ago. */
async function freePorts(): Promise<string[]> {
  const held = await Promise.all(Array.from({ length: 6 }, listening));
  await Promise.all(held.map(({ server }) => new Promise((r) => server.close(r))));
  return held.map(({ port }) => String(port));
}

const portFlags = (ports: string[]) => ['oidc', 'ctlog', 'fulcio', 'rekor', 'tsa', 'trust'].flatMap((name, i) => [`--${name}-port`, ports[i] as string]);

t.test('up --help documents every flag, its variable and default, and exits 0', async (t) => {
  const c = captureIo();
  t.equal(await run(['up', '--help'], c.io), EXIT.ok);
  for (const text of ['--data-dir DIR', 'SIGSTACK_DATA_DIR, default ./data', 'SIGSTACK_HOST, default 127.0.0.1', '--rekor-port N', 'SIGSTACK_REKOR_PORT, default 3000', 'SIGSTACK_TRUST_PORT, default 8081', '--timeout S', 'logs/<service>.log']) {
    t.match(c.out(), text);
  }
});

t.test('a bad port in the environment is a usage error before anything starts', async (t) => {
  const c = captureIo({ SIGSTACK_FULCIO_PORT: 'https' });
  t.equal(await run(['up', '--data-dir', t.testdir()], c.io), EXIT.usage);
  t.match(c.err(), /SIGSTACK_FULCIO_PORT must be a decimal integer/);
});

t.test('a port already taken is reported with its service and flag, and nothing is started', async (t) => {
  const dir = t.testdir();
  const ports = await freePorts();
  const taken = await listening();
  t.teardown(() => new Promise((r) => taken.server.close(r)));
  ports[3] = String(taken.port);
  const c = captureIo();
  t.equal(await run(['up', '--data-dir', dir, ...portFlags(ports)], c.io), EXIT.service);
  t.match(c.err(), `port ${taken.port} (rekor: in use; --rekor-port to change)`);
  t.same(readdirSync(join(dir, 'logs')), [], 'no service was started');
  t.equal(c.out(), '', 'no banner');
});

t.test('a data directory used by another live sigstack up is refused', async (t) => {
  const dir = t.testdir();
  mkdirSync(dir, { recursive: true });
  // The parent of this test process is alive and is not this process: it stands for the other up.
  writeFileSync(join(dir, 'up.json'), JSON.stringify({ pid: process.ppid, services: {} }));
  const c = captureIo();
  t.equal(await run(['up', '--data-dir', dir, ...portFlags(await freePorts())], c.io), EXIT.service);
  t.match(c.err(), `another sigstack up (pid ${process.ppid}) is using this data directory`);
});
