#!/usr/bin/env node
// How long `sigstack up` takes from start to its banner (every service healthy, the CT log holding
// the CA's root, the trust repository generated), on a fresh data directory and on a restart over
// the same one, and how long Ctrl-C (SIGINT) takes to stop everything. Also when each service
// logged `<name> ready`, from the service logs, to show where the time goes.
// Runs the built CLI as a process on free loopback ports; bounded: ROUNDS rounds of two starts.
// Usage: node bench/up.mjs   env: ROUNDS (default 3)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'packages', 'cli', 'bin', 'sigstack.js');
const NAMES = ['oidc', 'ctlog', 'fulcio', 'rekor', 'tsa', 'trust'];
const READY = { oidc: 'dev-oidc ready', ctlog: 'ctlog ready', fulcio: 'fulcio ready', rekor: 'rekor ready', tsa: 'tsa ready', trust: 'trust ready' };

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** One start: ms to the banner, ms from SIGINT to exit, and each service's ready time from start. */
async function once(dir, ports) {
  const args = ['up', '--data-dir', dir, ...NAMES.flatMap((n) => [`--${n}-port`, String(ports[n])])];
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((r) => child.once('close', (code) => r(code)));
  const deadline = t0 + 120_000;
  while (!out.includes('Press Ctrl-C')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no banner:\n${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const banner = Date.now() - t0;
  const ready = {};
  for (const name of NAMES) {
    for (const line of readFileSync(join(dir, 'logs', `${name}.log`), 'utf8').split('\n')) {
      if (line.includes(`"msg":"${READY[name]}"`)) ready[name] = JSON.parse(line).time - t0;
    }
  }
  const t1 = Date.now();
  child.kill('SIGINT');
  const code = await exited;
  if (code !== 0) throw new Error(`up exited ${code}:\n${err}`);
  return { banner, stop: Date.now() - t1, ready };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)]} ms (min ${s[0]}, max ${s.at(-1)})`;
};

const fresh = [];
const restart = [];
for (let round = 0; round < ROUNDS; round++) {
  const dir = mkdtempSync(join(tmpdir(), 'sigstack-up-bench-'));
  const ports = Object.fromEntries(await Promise.all(NAMES.map(async (n) => [n, await freePort()])));
  try {
    fresh.push(await once(dir, ports));
    restart.push(await once(dir, ports));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`round ${round + 1}: fresh ${fresh.at(-1).banner} ms, restart ${restart.at(-1).banner} ms (load average ${loadavg()[0].toFixed(2)})`);
}
for (const [label, runs] of [['fresh data directory', fresh], ['restart, same data', restart]]) {
  console.log(`${label}: banner ${stats(runs.map((r) => r.banner))}; Ctrl-C to exit ${stats(runs.map((r) => r.stop))}`);
  console.log(`  ready (ms after start, median): ${NAMES.map((n) => `${n} ${stats(runs.map((r) => r.ready[n] ?? NaN)).split(' ')[1]}`).join(', ')}`);
}
