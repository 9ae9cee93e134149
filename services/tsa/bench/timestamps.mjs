#!/usr/bin/env node
// Timestamps/s over HTTP on loopback, with p50/p99 latency, for both request forms: the JSON request
// sigstore-js sends and the DER TimeStampReq cosign, sigstore-go and openssl send. Each 200 is a
// signed RFC 3161 token. Same approach as bench/harness.mjs (closed loop, keep-alive
// connections, the load generator on the same two cores), with a content type per request, which
// that harness does not set.
// Usage: npm run bench -w services/tsa   (after npm run build)   env: REQUESTS, CONCURRENCY, ROUNDS
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const REQUESTS = Number(process.env.REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SERVICE = resolve(import.meta.dirname, '..', 'dist', 'main.js');

/** Starts the built TSA (ephemeral signer in `dir`) and resolves with its URL once it logs `tsa ready`. */
function startTsa(dir) {
  const child = spawn(process.execPath, [SERVICE], { env: { PATH: process.env.PATH, TSA_PORT: '0', TSA_SIGNER: 'ephemeral', TSA_DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = new Promise((res, rej) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const rec = JSON.parse(line);
        if (rec.msg === 'tsa ready') res(rec.address);
        if (rec.level >= 50) console.error(line);
      } catch {}
    });
    child.once('exit', (code) => rej(new Error(`tsa exited with ${code}`)));
  });
  return url.then((u) => ({ url: u, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) }));
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function post(url, contentType, body) {
  return new Promise((res, rej) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.length } }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode, body: Buffer.concat(chunks) }));
      r.on('error', rej);
    });
    req.on('error', rej);
    req.end(body);
  });
}

/** `total` requests with `concurrency` in flight; throughput and latency percentiles of the 200s. */
async function load({ total, concurrency, make }) {
  const latencies = [];
  let next = 0;
  let failed = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const { url, contentType, body } = make(next++);
      const t0 = process.hrtime.bigint();
      const res = await post(url, contentType, body);
      if (res.status === 200) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      else failed++;
    }
  }));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { requests: total, ok: latencies.length, failed, seconds: +seconds.toFixed(2), perSecond: Math.round(latencies.length / seconds), p50ms: +pct(50).toFixed(1), p99ms: +pct(99).toFixed(1) };
}

// Request bodies are made before the clock starts: distinct digests, as real clients send.
function jsonBodies(n) {
  return Array.from({ length: n }, (_, i) => Buffer.from(JSON.stringify({ artifactHash: createHash('sha256').update(`signature ${i}`).digest('base64'), hashAlgorithm: 'sha256' })));
}

/** DER requests from the openssl CLI (with a nonce and certReq, as cosign sends), one per digest. */
function derBodies(n, dir) {
  const template = join(dir, 'template.tsq');
  const run = spawnSync('openssl', ['ts', '-query', '-digest', '00'.repeat(32), '-sha256', '-cert', '-out', template]);
  if (run.status !== 0) throw new Error(`openssl ts -query failed: ${run.stderr}`);
  const base = readFileSync(template);
  const at = base.indexOf(Buffer.alloc(32));
  return Array.from({ length: n }, (_, i) => {
    const body = Buffer.from(base);
    createHash('sha256').update(`signature ${i}`).digest().copy(body, at);
    return body;
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = { json: [], der: [] };
for (let round = 0; round < ROUNDS; round++) {
  const dir = mkdtempSync(join(tmpdir(), 'tsa-bench-'));
  const tsa = await startTsa(dir);
  try {
    const endpoint = `${tsa.url}/api/v1/timestamp`;
    const forms = { json: ['application/json', jsonBodies(REQUESTS)], der: ['application/timestamp-query', derBodies(REQUESTS, dir)] };
    for (const [form, [contentType, bodies]] of Object.entries(forms)) {
      await load({ total: 2000, concurrency: CONCURRENCY, make: (i) => ({ url: endpoint, contentType, body: bodies[i] }) });
      const r = await load({ total: bodies.length, concurrency: CONCURRENCY, make: (i) => ({ url: endpoint, contentType, body: bodies[i] }) });
      results[form].push(r);
      console.log(JSON.stringify({ bench: `tsa timestamps (${form} requests, HTTP)`, round, concurrency: CONCURRENCY, ...r }));
    }
  } finally {
    await tsa.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
for (const [form, rs] of Object.entries(results)) {
  console.log(JSON.stringify({ bench: `tsa timestamps (${form}): median of rounds`, rounds: ROUNDS, timestampsPerSecond: median(rs.map((r) => r.perSecond)), p50ms: median(rs.map((r) => r.p50ms)), p99ms: median(rs.map((r) => r.p99ms)) }));
}
