#!/usr/bin/env node
// How fast `sigstack monitor` verifies a catch-up through the tiles API: the monitor starts with an
// empty state and verifies every entry of a log of ENTRIES entries (entry bundles and level-0 tiles
// fetched, each leaf hashed and checked against its tile, the compact range recomputed and checked
// against the signed root, the upper tiles checked), then stores the checkpoint.
// The log is filled through the engine directly, as services/rekor/bench/proofs.mjs does: the
// service creates its key and tree, one real hashedrekord entry is the template, and the engine
// appends copies with unique digests in batches of 16,384 (their signatures do not verify; the
// monitor never checks entry signatures). Then the real service is started and the built CLI runs
// as a process, loopback only.
// Usage: node bench/monitor.mjs   env: ENTRIES (default 1000000), ROUNDS (3), CONCURRENCY (8),
// CLI_NODE_ARGS (flags for the CLI's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`)
import { spawn } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Log, SqliteStorage, noteCheckpointSigner } from '@sigstack/tlog';

const ENTRIES = Number(process.env.ENTRIES ?? 1_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONCURRENCY = process.env.CONCURRENCY ?? '8';
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const REKOR = join(ROOT, 'services', 'rekor', 'dist', 'main.js');
const CLI = join(ROOT, 'packages', 'cli', 'dist', 'main.js');

function startRekor(env) {
  const child = spawn(process.execPath, [REKOR], { env: { PATH: process.env.PATH, REKOR_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((res, rej) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const rec = JSON.parse(line);
        if (rec.msg === 'rekor ready') res({ url: rec.address, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) });
      } catch {}
    });
    child.once('exit', (code) => rej(new Error(`rekor exited with ${code}`)));
  });
}

function run(args) {
  return new Promise((res) => {
    const child = spawn(process.execPath, [...(process.env.CLI_NODE_ARGS ? process.env.CLI_NODE_ARGS.split(" ") : []), CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.once('close', (code) => res({ code, out, err }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'cli-monitor-bench-'));
const env = { REKOR_DEV_MODE: 'true', REKOR_DATA_DIR: join(dir, 'rekor') };
try {
  // 1. The service creates its key, tree ID and database; one real entry is the template.
  let rekor = await startRekor(env);
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.from('template artifact');
  const proposed = {
    apiVersion: '0.0.1', kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(data).digest('hex') } },
      signature: { content: sign('sha256', data, key.privateKey).toString('base64'), publicKey: { content: Buffer.from(key.publicKey.export({ type: 'spki', format: 'pem' })).toString('base64') } },
    },
  };
  const created = await fetch(`${rekor.url}/api/v1/log/entries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(proposed) });
  const template = Buffer.from(Object.values(await created.json())[0].body, 'base64').toString();
  const logKeyPem = await (await fetch(`${rekor.url}/api/v1/log/publicKey`)).text();
  await rekor.stop();

  // 2. Fill the tree through the engine.
  const hash = /"value":"([0-9a-f]{64})"/.exec(template)[1];
  const privateKey = createPrivateKey(readFileSync(join(env.REKOR_DATA_DIR, 'log-key.pem')));
  const treeId = readFileSync(join(env.REKOR_DATA_DIR, 'tree-id'), 'utf8').trim();
  const log = await Log.open({
    storage: new SqliteStorage({ path: join(env.REKOR_DATA_DIR, 'rekor.db') }),
    signer: noteCheckpointSigner({ origin: `127.0.0.1 - ${treeId}`, name: '127.0.0.1', privateKey, publicKey: createPublicKey(privateKey) }),
    checkpointFile: join(env.REKOR_DATA_DIR, 'checkpoint'),
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
  await log.close();
  console.log(JSON.stringify({ bench: 'fill through the engine', entries: ENTRIES, seconds: (Date.now() - fillStart) / 1000, bodyBytes: template.length }));

  // 3. Catch-up rounds, each from an empty state.
  rekor = await startRekor(env);
  const keyFile = join(dir, 'log.pem');
  writeFileSync(keyFile, logKeyPem);
  const results = [];
  for (let round = 0; round < ROUNDS; round++) {
    const state = join(dir, `state-${round}`);
    const t0 = process.hrtime.bigint();
    const r = await run(['monitor', '--url', rekor.url, '--key', keyFile, '--state', state, '--once', '--concurrency', CONCURRENCY, '--watch-identity', 'email:*@example.com']);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.code !== 0) throw new Error(`monitor exited ${r.code}: ${r.err}`);
    const verified = JSON.parse(r.out.trim().split('\n').at(-1));
    if (verified.to !== ENTRIES) throw new Error(`monitor verified up to ${verified.to}`);
    results.push(seconds);
    console.log(JSON.stringify({ bench: 'monitor catch-up through tiles', round, entries: ENTRIES, concurrency: Number(CONCURRENCY), seconds, entriesPerSecond: Math.round(ENTRIES / seconds) }));
  }
  await rekor.stop();
  const median = [...results].sort((a, b) => a - b)[Math.floor(results.length / 2)];
  console.log(JSON.stringify({ bench: 'monitor catch-up: median of rounds', entries: ENTRIES, rounds: ROUNDS, seconds: median, entriesPerSecond: Math.round(ENTRIES / median) }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
