#!/usr/bin/env node
// Certificates/s with an embedded SCT, end to end over HTTP: POST /api/v2/signingCert on our CA,
// which authenticates the token (dev OIDC issuer, ES256), checks the proof of possession, builds the
// precertificate, logs it durably in our CT log (a real process, SQLite fsynced before the SCT), and
// signs the final certificate. In the same run, the same requests go to @sigstore/mock's Fulcio
// handler served by node:http in its own process (bench/mock-fulcio.mjs; its CT log is in memory
// and it does not verify the token's signature).
//
// What the load generator sends, as sigstore-js does: for every request its own ID token (its own
// sub and email), its own fresh P-256 key and a proof of possession over the email, all made before
// the clock starts (a fresh set for every round, shared by both sides). REQUESTS closed-loop over
// CONCURRENCY keep-alive connections. Besides throughput and latency, each line reports the CPU time
// each process spent per certificate (Linux /proc), which shows where the two cores went.
//
// Usage: npm run bench:certificates -w services/fulcio   (after npm run build)
// env: REQUESTS (default 3000), CONCURRENCY (32), ROUNDS (3), BENCH_NODE_ARGS (flags for the
// services' node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`); FULCIO_* and CTLOG_* variables are
// passed on to the services (e.g. CTLOG_BATCH_MAX_DELAY_MS), after the benchmark's own settings;
// ONLY_OURS=1 skips the mock (for profiling and tuning only: the result is then no comparison).
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { load, request } from '../../../bench/harness.mjs';

const REQUESTS = Number(process.env.REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const ONLY_OURS = process.env.ONLY_OURS === '1';
const NODE_ARGS = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];

const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); }); });

/** FULCIO_* and CTLOG_* settings given to the benchmark, for the services. */
const PASSED = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(FULCIO|CTLOG)_/.test(k)));

function start(script, env, nodeArgs = NODE_ARGS) {
  const child = spawn(process.execPath, [...nodeArgs, resolve(ROOT, script)], { env: { PATH: process.env.PATH, ...env, ...PASSED }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((res, rej) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const rec = JSON.parse(line);
        if (rec.msg?.endsWith(' ready')) res({ url: rec.address, child, stop: () => new Promise((r) => { if (child.exitCode !== null) return r(); child.once('exit', r); child.kill('SIGTERM'); }) });
        if (rec.level >= 50) console.error(line);
      } catch {}
    });
    child.once('exit', (code) => rej(new Error(`${script} exited with ${code}`)));
  });
}

/** CPU time (user + system) of a process so far, in ms; this process's own without a pid. */
function cpuMs(pid) {
  if (pid === undefined) {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
  try {
    // /proc/<pid>/stat: fields 14 and 15 are utime and stime in clock ticks (100 per second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Runs the load against `url` and adds the CPU ms per certificate of each named process. */
async function measure(url, bodies, processes) {
  const before = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuMs(pid)]));
  const result = await load({ total: bodies.length, concurrency: CONCURRENCY, make: (i) => ({ url: `${url}/api/v2/signingCert`, method: 'POST', body: bodies[i] }), ok: (r) => r.status === 200 || r.status === 201 });
  const cpuMsPerCert = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, +((cpuMs(pid) - before[name]) / result.ok).toFixed(2)]));
  return { ...result, cpuMsPerCert };
}

const dir = mkdtempSync(join(tmpdir(), 'fulcio-bench-'));
const stop = [];
try {
  const oidcPort = await freePort();
  const issuer = `http://127.0.0.1:${oidcPort}`;
  const oidc = await start('packages/testkit/dist/dev-oidc-main.js', { DEV_OIDC_PORT: String(oidcPort), DEV_OIDC_ISSUER: issuer }, []);
  stop.push(oidc);
  const ctPort = await freePort();
  const fulcio = await start('services/fulcio/dist/main.js', { FULCIO_PORT: '0', FULCIO_DEV_MODE: 'true', FULCIO_DATA_DIR: join(dir, 'fulcio'), FULCIO_DEV_ISSUER_URL: issuer, FULCIO_CT_LOG_URL: `http://127.0.0.1:${ctPort}` });
  stop.push(fulcio);
  const roots = join(dir, 'roots.pem');
  writeFileSync(roots, (await request(`${fulcio.url}/api/v1/rootCert`)).body);
  const ctlog = await start('services/ctlog/dist/main.js', { CTLOG_PORT: String(ctPort), CTLOG_PUBLIC_URL: `http://127.0.0.1:${ctPort}`, CTLOG_DEV_MODE: 'true', CTLOG_DATA_DIR: join(dir, 'ctlog'), CTLOG_ROOTS_FILE: roots });
  stop.push(ctlog);
  const mock = await start('services/fulcio/bench/mock-fulcio.mjs', {}, []);
  stop.push(mock);

  // What sigstore-js sends: its own token, an ephemeral P-256 key, a PoP over the email, the token in the body.
  let serial = 0;
  async function makeBodies(count) {
    const tokens = new Array(count);
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < count) {
        const i = next++;
        const n = serial++;
        const res = await request(`${issuer}/token?sub=bench-${n}&email=bench-${n}@example.com`);
        if (res.status !== 200) throw new Error(`the dev issuer answered ${res.status}`);
        tokens[i] = { token: res.body.toString(), email: `bench-${n}@example.com` };
      }
    }));
    return tokens.map(({ token, email }) => {
      const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      return JSON.stringify({
        credentials: { oidcIdentityToken: token },
        publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content: key.publicKey.export({ type: 'spki', format: 'pem' }) }, proofOfPossession: sign('sha256', Buffer.from(email), key.privateKey).toString('base64') },
      });
    });
  }

  const [probeBody] = await makeBodies(1);
  const probe = await request(`${fulcio.url}/api/v2/signingCert`, { method: 'POST', body: probeBody });
  if (probe.status !== 200) throw new Error(`our CA answered ${probe.status}: ${probe.body}`);
  // (upstream answers 200; @sigstore/mock answers 201)
  const probeMock = await request(`${mock.url}/api/v2/signingCert`, { method: 'POST', body: probeBody });
  if (probeMock.status !== 201) throw new Error(`the mock answered ${probeMock.status}: ${probeMock.body}`);

  const ours = { generator: undefined, ca: fulcio.child.pid, ctlog: ctlog.child.pid, oidc: oidc.child.pid };
  const theirs = { generator: undefined, mock: mock.child.pid };
  const warm = await makeBodies(REQUESTS);
  await measure(fulcio.url, warm, ours); // warm-up (JIT, connections)
  if (!ONLY_OURS) await measure(mock.url, warm, theirs);
  const results = [];
  for (let round = 0; round < ROUNDS; round++) {
    const bodies = await makeBodies(REQUESTS);
    const a = await measure(fulcio.url, bodies, ours);
    console.log(JSON.stringify({ bench: 'sigstack fulcio (embedded SCT, durable CT log)', round, concurrency: CONCURRENCY, ...a }));
    const b = ONLY_OURS ? undefined : await measure(mock.url, bodies, theirs);
    if (b) console.log(JSON.stringify({ bench: '@sigstore/mock fulcio (in-memory CT)', round, concurrency: CONCURRENCY, ...b }));
    results.push({ ours: a, theirs: b });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const m = (side, k) => median(results.map((r) => r[side][k]));
  console.log(JSON.stringify({
    bench: 'certificates/s: median of rounds', rounds: ROUNDS, requests: REQUESTS, concurrency: CONCURRENCY,
    sigstack: { perSecond: m('ours', 'perSecond'), p50ms: m('ours', 'p50ms'), p99ms: m('ours', 'p99ms') },
    ...(ONLY_OURS ? {} : {
      sigstoreMock: { perSecond: m('theirs', 'perSecond'), p50ms: m('theirs', 'p50ms'), p99ms: m('theirs', 'p99ms') },
      ratio: +median(results.map((r) => r.ours.perSecond / r.theirs.perSecond)).toFixed(2),
    }),
  }));
} finally {
  for (const s of stop.reverse()) await s.stop();
  rmSync(dir, { recursive: true, force: true });
}
