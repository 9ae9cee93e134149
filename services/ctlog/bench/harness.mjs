// A small closed-loop load generator and service launcher for the ctlog benchmarks. Runs on the same
// two-core machine as the service, on loopback only, bounded in requests and time.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';

export const SERVICE = resolve(import.meta.dirname, '..', 'dist', 'main.js');

/** Starts the built service with `env` and resolves with its base URL once it logs `ready`. */
export async function startCtlog(env) {
  // BENCH_NODE_ARGS passes flags to the service's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const child = spawn(process.execPath, [...nodeArgs, SERVICE], { env: { PATH: process.env.PATH, CTLOG_PORT: '0', CTLOG_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((res, rej) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const rec = JSON.parse(line);
        if (rec.msg === 'ctlog ready') res(rec.address);
        if (rec.level >= 50) console.error(line);
      } catch {}
    });
    child.once('exit', (code) => rej(new Error(`ctlog exited with ${code}`)));
  });
  return { url, child, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) };
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
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { requests: total, ok: latencies.length, failed, seconds: +seconds.toFixed(2), perSecond: Math.round(latencies.length / seconds), p50ms: +pct(50).toFixed(1), p99ms: +pct(99).toFixed(1) };
}
