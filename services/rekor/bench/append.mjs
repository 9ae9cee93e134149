#!/usr/bin/env node
// Durable appends/s of valid hashedrekord entries over HTTP, with p50/p99 latency, and the on-disk
// bytes per entry. Each 201 is an fsynced, verified, SET-signed entry.
// Usage: npm run bench -w services/rekor   (after npm run build)   env: ENTRIES, CONCURRENCY, ROUNDS
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, startService } from '../../../bench/harness.mjs';

const startRekor = (env) => startService('rekor', env);

const ENTRIES = Number(process.env.ENTRIES ?? 20_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

// Sigstore clients use a fresh P-256 key per signature; one key per 50 entries keeps set-up short.
function makeEntries(n, tag) {
  const out = [];
  let key;
  let pem;
  for (let i = 0; i < n; i++) {
    if (i % 50 === 0) {
      key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      pem = Buffer.from(key.publicKey.export({ type: 'spki', format: 'pem' })).toString('base64');
    }
    const data = Buffer.from(`${tag} artifact ${i}`);
    out.push(JSON.stringify({
      apiVersion: '0.0.1', kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(data).digest('hex') } },
        signature: { content: sign('sha256', data, key.privateKey).toString('base64'), publicKey: { content: pem } },
      },
    }));
  }
  return out;
}

function dirBytes(dir) {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

const results = [];
for (let round = 0; round < ROUNDS; round++) {
  const dir = mkdtempSync(join(tmpdir(), 'rekor-bench-'));
  const rekor = await startRekor({ REKOR_DEV_MODE: 'true', REKOR_DATA_DIR: dir, REKOR_LOG_LEVEL: 'info' });
  try {
    const warm = makeEntries(1000, `warm ${round}`);
    await load({ total: warm.length, concurrency: CONCURRENCY, make: (i) => ({ url: `${rekor.url}/api/v1/log/entries`, method: 'POST', body: warm[i] }), ok: (r) => r.status === 201 });
    const bodies = makeEntries(ENTRIES, `round ${round}`);
    const r = await load({ total: bodies.length, concurrency: CONCURRENCY, make: (i) => ({ url: `${rekor.url}/api/v1/log/entries`, method: 'POST', body: bodies[i] }), ok: (res) => res.status === 201 });
    await rekor.stop();
    const bytes = dirBytes(dir);
    results.push({ ...r, bytesPerEntry: Math.round(bytes / (ENTRIES + 1000)) });
    console.log(JSON.stringify({ bench: 'rekor durable appends (hashedrekord, HTTP)', round, concurrency: CONCURRENCY, ...results.at(-1) }));
  } finally {
    if (rekor.child.exitCode === null) await rekor.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
const median = (k) => results.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(JSON.stringify({ bench: 'rekor durable appends: median of rounds', rounds: ROUNDS, appendsPerSecond: median('perSecond'), p50ms: median('p50ms'), p99ms: median('p99ms'), bytesPerEntry: median('bytesPerEntry') }));
