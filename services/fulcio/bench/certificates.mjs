#!/usr/bin/env node
// Certificates/s with an embedded SCT, end to end over HTTP: POST /api/v2/signingCert on our CA,
// which authenticates the token (dev OIDC issuer), checks the proof of possession, builds the
// precertificate, logs it durably in our CT log (a real process), and signs the final
// certificate. In the same run, the same load against @sigstore/mock's Fulcio handler served by a
// plain node:http server (its CT log is in memory and it does not verify the token's signature).
// Usage: npm run bench:certificates -w services/fulcio   env: REQUESTS, CONCURRENCY, ROUNDS
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fulcioHandler, initializeCA, initializeCTLog } from '@sigstore/mock';
import { load, request } from '../../../bench/harness.mjs';

const REQUESTS = Number(process.env.REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const ROOT = resolve(import.meta.dirname, '..', '..', '..');

const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); }); });

function start(script, env) {
  const child = spawn(process.execPath, [resolve(ROOT, script)], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((res, rej) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const rec = JSON.parse(line);
        if (rec.msg?.endsWith(' ready')) res({ url: rec.address, child, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) });
        if (rec.level >= 50) console.error(line);
      } catch {}
    });
    child.once('exit', (code) => rej(new Error(`${script} exited with ${code}`)));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'fulcio-bench-'));
const stop = [];
try {
  const oidcPort = await freePort();
  const issuer = `http://127.0.0.1:${oidcPort}`;
  const oidc = await start('packages/testkit/dist/dev-oidc-main.js', { DEV_OIDC_PORT: String(oidcPort), DEV_OIDC_ISSUER: issuer });
  stop.push(oidc);
  const ctPort = await freePort();
  const fulcio = await start('services/fulcio/dist/main.js', { FULCIO_PORT: '0', FULCIO_DEV_MODE: 'true', FULCIO_DATA_DIR: join(dir, 'fulcio'), FULCIO_DEV_ISSUER_URL: issuer, FULCIO_CT_LOG_URL: `http://127.0.0.1:${ctPort}` });
  stop.push(fulcio);
  const roots = join(dir, 'roots.pem');
  writeFileSync(roots, (await request(`${fulcio.url}/api/v1/rootCert`)).body);
  const ctlog = await start('services/ctlog/dist/main.js', { CTLOG_PORT: String(ctPort), CTLOG_PUBLIC_URL: `http://127.0.0.1:${ctPort}`, CTLOG_DEV_MODE: 'true', CTLOG_DATA_DIR: join(dir, 'ctlog'), CTLOG_ROOTS_FILE: roots });
  stop.push(ctlog);

  // @sigstore/mock's Fulcio, served over HTTP so that both are measured the same way.
  const mockKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const handler = fulcioHandler(await initializeCA(mockKeys, await initializeCTLog(mockKeys)), { strict: true });
  const mock = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const out = await handler.fn(Buffer.concat(chunks).toString());
      res.writeHead(out.statusCode, { 'content-type': out.contentType ?? 'application/json' });
      res.end(out.response);
    });
  });
  await new Promise((r) => mock.listen(0, '127.0.0.1', r));
  const mockUrl = `http://127.0.0.1:${mock.address().port}`;

  // What sigstore-js sends: an ephemeral P-256 key, a PoP over the email, the token in the body.
  const token = (await request(`${issuer}/token?sub=bench&email=bench@example.com`)).body.toString();
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const body = JSON.stringify({
    credentials: { oidcIdentityToken: token },
    publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content: key.publicKey.export({ type: 'spki', format: 'pem' }).toString() }, proofOfPossession: sign('sha256', Buffer.from('bench@example.com'), key.privateKey).toString('base64') },
  });
  const probe = await request(`${fulcio.url}/api/v2/signingCert`, { method: 'POST', body });
  if (probe.status !== 200) throw new Error(`our CA answered ${probe.status}: ${probe.body}`);
  const probeMock = await request(`${mockUrl}/api/v2/signingCert`, { method: 'POST', body });
  if (probeMock.status !== 201) throw new Error(`the mock answered ${probeMock.status}: ${probeMock.body}`);
  const run = (url) => load({ total: REQUESTS, concurrency: CONCURRENCY, make: () => ({ url: `${url}/api/v2/signingCert`, method: 'POST', body }), ok: (r) => r.status === 200 || r.status === 201 });
  // (upstream answers 200; @sigstore/mock answers 201)
  await run(fulcio.url); // warm-up (JWKS fetch, JIT)
  await run(mockUrl);
  const results = [];
  for (let round = 0; round < ROUNDS; round++) {
    const ours = await run(fulcio.url);
    const theirs = await run(mockUrl);
    results.push({ ours, theirs });
    console.log(JSON.stringify({ bench: 'sigstack fulcio (embedded SCT, durable CT log)', round, concurrency: CONCURRENCY, ...ours }));
    console.log(JSON.stringify({ bench: '@sigstore/mock fulcio (in-memory CT)', round, concurrency: CONCURRENCY, ...theirs }));
  }
  mock.close();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const m = (side, k) => median(results.map((r) => r[side][k]));
  console.log(JSON.stringify({
    bench: 'certificates/s: median of rounds', rounds: ROUNDS,
    sigstack: { perSecond: m('ours', 'perSecond'), p50ms: m('ours', 'p50ms'), p99ms: m('ours', 'p99ms') },
    sigstoreMock: { perSecond: m('theirs', 'perSecond'), p50ms: m('theirs', 'p50ms'), p99ms: m('theirs', 'p99ms') },
  }));
} finally {
  for (const s of stop.reverse()) await s.stop();
  rmSync(dir, { recursive: true, force: true });
}
