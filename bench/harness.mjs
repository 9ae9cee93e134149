// The small closed-loop load generator and service launcher every benchmark uses. Runs on the same
// two-core machine as the services, on loopback only, bounded in requests and time.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');

/**
 * Starts the built service `services/<name>/dist/main.js` on an ephemeral port with `env` and
 * resolves with its base URL once it logs `<name> ready`. BENCH_NODE_ARGS passes flags to its node,
 * e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
 */
export async function startService(name, env) {
  const prefix = name.toUpperCase();
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const script = resolve(ROOT, 'services', name, 'dist', 'main.js');
  const child = spawn(process.execPath, [...nodeArgs, script], { env: { PATH: process.env.PATH, [`${prefix}_PORT`]: '0', [`${prefix}_LOG_LEVEL`]: 'info', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((res, rej) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const rec = JSON.parse(line);
        if (rec.msg === `${name} ready`) res(rec.address);
        if (rec.level >= 50) console.error(line);
      } catch {}
    });
    child.once('exit', (code) => rej(new Error(`${name} exited with ${code}`)));
  });
  return { url, child, stop: () => new Promise((r) => { if (child.exitCode !== null) return r(); child.once('exit', r); child.kill('SIGTERM'); }) };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export function request(url, { method = 'GET', body } = {}) {
  return new Promise((res, rej) => {
    const req = http.request(url, { method, agent, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode, body: Buffer.concat(chunks) }));
      r.on('error', rej);
    });
    req.on('error', rej);
    if (body) req.end(body);
    else req.end();
  });
}

/**
 * Runs `total` requests with `concurrency` in flight (closed loop), `make(i)` building request i.
 * Returns throughput and latency percentiles of the successful ones.
 */
export async function load({ total, concurrency, make, ok }) {
  const latencies = [];
  let next = 0;
  let failed = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      const { url, ...opts } = make(i);
      const t0 = process.hrtime.bigint();
      const res = await request(url, opts);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (ok(res)) latencies.push(ms);
      else failed++;
    }
  }));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (latencies.length === 0) throw new Error(`no request of ${total} succeeded`);
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { requests: total, ok: latencies.length, failed, seconds: +seconds.toFixed(2), perSecond: Math.round(latencies.length / seconds), p50ms: +pct(50).toFixed(1), p99ms: +pct(99).toFixed(1) };
}
