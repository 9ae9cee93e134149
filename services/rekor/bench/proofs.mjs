#!/usr/bin/env node
// Inclusion-proof reads/s at 1,000,000 entries: GET /api/v1/log/entries?logIndex=<random>, which
// answers the entry with its inclusion proof in the latest checkpoint and a freshly signed SET, and
// GET /api/v1/log/proof (consistency). Also reports on-disk bytes per entry at that size.
// The tree is filled through the log engine directly (the HTTP path is measured by append.mjs):
// entries are hashedrekord bodies as the service stores them, with a unique digest each, so their
// signatures do not verify; reads never check them.
// Usage: node bench/proofs.mjs   env: ENTRIES (default 1000000), READS, CONCURRENCY, ROUNDS
import { createPublicKey, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Log, SqliteStorage, noteCheckpointSigner } from '@sigstack/tlog';
import { load, request, startService } from '../../../bench/harness.mjs';

const startRekor = (env) => startService('rekor', env);

const ENTRIES = Number(process.env.ENTRIES ?? 1_000_000);
const READS = Number(process.env.READS ?? 20_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const dir = mkdtempSync(join(tmpdir(), 'rekor-proofs-'));
const env = { REKOR_DEV_MODE: 'true', REKOR_DATA_DIR: dir };
try {
  // 1. Let the service create its key, tree ID and database, and take one real entry as a template.
  let rekor = await startRekor(env);
  const { hashedrekordTemplate } = await import('./template.mjs');
  const created = await request(`${rekor.url}/api/v1/log/entries`, { method: 'POST', body: hashedrekordTemplate() });
  const template = Buffer.from(Object.values(JSON.parse(created.body))[0].body, 'base64').toString();
  await rekor.stop();

  // 2. Fill the tree through the engine, in large batches.
  const hash = /"value":"([0-9a-f]{64})"/.exec(template)[1];
  const privateKey = createPrivateKey(readFileSync(join(dir, 'log-key.pem')));
  const treeId = readFileSync(join(dir, 'tree-id'), 'utf8').trim();
  const log = await Log.open({
    storage: new SqliteStorage({ path: join(dir, 'rekor.db') }),
    signer: noteCheckpointSigner({ origin: `127.0.0.1 - ${treeId}`, name: '127.0.0.1', privateKey, publicKey: createPublicKey(privateKey) }),
    checkpointFile: join(dir, 'checkpoint'),
    sequencer: { maxBatch: 16384, maxDelayMs: 0, maxPending: 1 << 20 },
  });
  const fillStart = Date.now();
  for (let start = log.checkpoint.size; start < ENTRIES; start += 16384) {
    const n = Math.min(16384, ENTRIES - start);
    await Promise.all(Array.from({ length: n }, (_, k) => {
      const unique = (start + k).toString(16).padStart(64, '0');
      return log.add({ body: Buffer.from(template.replace(hash, unique)), searchKeys: [`sha256:${unique}`] });
    }));
  }
  const fillSeconds = (Date.now() - fillStart) / 1000;
  await log.close();
  const bytes = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  console.log(JSON.stringify({ bench: 'fill through the engine', entries: ENTRIES, seconds: fillSeconds, bytesPerEntry: Math.round(bytes / ENTRIES) }));

  // 3. Read proofs over HTTP.
  rekor = await startRekor(env);
  const results = [];
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < ROUNDS; round++) {
    const entries = await load({ total: READS, concurrency: CONCURRENCY, make: () => ({ url: `${rekor.url}/api/v1/log/entries?logIndex=${Math.floor(random() * ENTRIES)}` }), ok: (r) => r.status === 200 });
    const proofs = await load({ total: READS, concurrency: CONCURRENCY, make: () => ({ url: `${rekor.url}/api/v1/log/proof?firstSize=${1 + Math.floor(random() * (ENTRIES - 1))}&lastSize=${ENTRIES}` }), ok: (r) => r.status === 200 });
    results.push({ entries, proofs });
    console.log(JSON.stringify({ bench: 'entry + inclusion proof + SET reads', round, size: ENTRIES, concurrency: CONCURRENCY, ...entries }));
    console.log(JSON.stringify({ bench: 'consistency proof reads', round, size: ENTRIES, concurrency: CONCURRENCY, ...proofs }));
  }
  await rekor.stop();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(JSON.stringify({
    bench: 'rekor proof reads: median of rounds', size: ENTRIES, rounds: ROUNDS, bytesPerEntry: Math.round(bytes / ENTRIES),
    entryReadsPerSecond: median(results.map((r) => r.entries.perSecond)), entryP50ms: median(results.map((r) => r.entries.p50ms)), entryP99ms: median(results.map((r) => r.entries.p99ms)),
    consistencyReadsPerSecond: median(results.map((r) => r.proofs.perSecond)), consistencyP99ms: median(results.map((r) => r.proofs.p99ms)),
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
