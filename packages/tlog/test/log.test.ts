import t from 'tap';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashLeaf, verifyInclusion, verifyConsistency } from '@sigstack/crypto/merkle';
import { bytesEqual } from '@sigstack/crypto/encoding';
import { DuplicateEntryError, Log, PushbackError, SqliteStorage } from '../src/index.js';
import type { LogStorage } from '../src/index.js';
import { body, fixedClock, openLog, otherKeys, signer } from './helpers.js';

t.test('a new log starts with a signed empty checkpoint in the database and the file', async (t) => {
  const dir = t.testdir();
  const log = await openLog(dir);
  t.teardown(() => log.close());
  t.equal(log.checkpoint.size, 0);
  t.equal(readFileSync(join(dir, 'checkpoint'), 'utf8'), log.checkpoint.note);
  t.match(log.checkpoint.note, /^log\.example - 42\n0\n/);
});

t.test('concurrent adds get contiguous indices, verified proofs and one checkpoint per batch', async (t) => {
  const dir = t.testdir();
  const log = await openLog(dir, { sequencer: { maxBatch: 64, maxDelayMs: 1 } });
  t.teardown(() => log.close());
  const results = await Promise.all(Array.from({ length: 300 }, (_, i) => log.add({ body: body(i) })));
  t.same(results.map((r) => r.index).sort((a, b) => a - b), Array.from({ length: 300 }, (_, i) => i));
  for (const [i, r] of results.entries()) {
    t.ok(bytesEqual(r.leafHash, hashLeaf(body(i))));
    verifyInclusion(r.index, r.checkpoint.size, r.leafHash, r.proof, r.checkpoint.rootHash);
    t.ok(r.checkpoint.size > r.index);
  }
  const sizes = new Set(results.map((r) => r.checkpoint.size));
  t.ok(sizes.size >= 300 / 64, `at least ${Math.ceil(300 / 64)} batches, got ${sizes.size}`);
  t.equal(log.checkpoint.size, 300);
});

t.test('proofs from storage verify for every index and size pair after a reopen', async (t) => {
  const dir = t.testdir();
  const clock = fixedClock();
  let log = await openLog(dir, { clock, sequencer: { maxBatch: 7, maxDelayMs: 0 } });
  const leaves: Uint8Array[] = [];
  for (let i = 0; i < 600; i++) leaves.push(hashLeaf(body(i)));
  // Several batches of odd sizes so that tiles fill and carry over to level 1.
  for (let start = 0; start < 600; start += 37) {
    await Promise.all(Array.from({ length: Math.min(37, 600 - start) }, (_, k) => log.add({ body: body(start + k) })));
  }
  await log.close();
  log = await openLog(dir, { clock });
  t.teardown(() => log.close());
  t.equal(log.checkpoint.size, 600);
  const roots: Uint8Array[] = [];
  for (let size = 1; size <= 600; size++) roots[size] = await log.rootAt(size);
  for (const size of [1, 2, 3, 255, 256, 257, 511, 512, 513, 600]) {
    for (let index = 0; index < size; index += size > 300 ? 13 : 1) {
      verifyInclusion(index, size, leaves[index]!, await log.inclusionProof(index, size), roots[size]!);
    }
  }
  for (const [m, n] of [[1, 600], [255, 256], [256, 257], [300, 512], [513, 600], [600, 600], [7, 9]] as const) {
    verifyConsistency(m, n, roots[m]!, roots[n]!, await log.consistencyProof(m, n));
  }
  t.pass('all proofs verified');
  await t.rejects(log.inclusionProof(600, 600), { code: 'ERR_PROOF_ARGUMENTS' });
  await t.rejects(log.inclusionProof(0, 601), { code: 'ERR_PROOF_ARGUMENTS' });
  await t.rejects(log.consistencyProof(0, 5), { code: 'ERR_PROOF_ARGUMENTS' });
  await t.rejects(log.consistencyProof(6, 5), { code: 'ERR_PROOF_ARGUMENTS' });
  await t.rejects(log.rootAt(601), { code: 'ERR_PROOF_ARGUMENTS' });
});

t.test('tiles and entry bundles hold the leaf hashes and bodies', async (t) => {
  const dir = t.testdir();
  const log = await openLog(dir, { sequencer: { maxBatch: 100, maxDelayMs: 0 } });
  t.teardown(() => log.close());
  await Promise.all(Array.from({ length: 300 }, (_, i) => log.add({ body: body(i) })));
  const full = await log.tile(0, 0);
  t.equal(full?.length, 256 * 32);
  t.ok(bytesEqual(full!.subarray(32 * 5, 32 * 6), hashLeaf(body(5))));
  t.equal((await log.tile(0, 1, 44))?.length, 44 * 32);
  t.equal(await log.tile(0, 1), undefined, 'no full tile beyond the tree');
  t.equal(await log.tile(0, 1, 45), undefined, 'no partial tile wider than the tree');
  t.equal((await log.tile(0, 0, 10))?.length, 320, 'a partial read of a full tile is its prefix');
  t.equal((await log.tile(1, 0, 1))?.length, 32);
  t.ok(bytesEqual((await log.tile(1, 0, 1))!, await log.rootAt(256)));
  const bundle = await log.entryBundle(1, 44);
  t.equal(bundle?.length, 44);
  t.same(bundle?.[0], body(256));
  t.equal(await log.entryBundle(1), undefined);
});

t.test('fifty concurrent identical adds integrate once; the others learn its index', async (t) => {
  const log = await openLog(t.testdir());
  t.teardown(() => log.close());
  await log.add({ body: body(-1) });
  const settled = await Promise.allSettled(Array.from({ length: 50 }, () => log.add({ body: body(7) })));
  const won = settled.filter((s) => s.status === 'fulfilled');
  const lost = settled.filter((s) => s.status === 'rejected') as PromiseRejectedResult[];
  t.equal(won.length, 1);
  t.equal(lost.length, 49);
  for (const l of lost) {
    t.ok(l.reason instanceof DuplicateEntryError);
    t.equal((l.reason as DuplicateEntryError).index, 1);
  }
  await t.rejects(log.add({ body: body(7) }), { code: 'ERR_ENTRY_DUPLICATE', index: 1 });
  t.equal(log.checkpoint.size, 2);
});

t.test('a full pool pushes back with a named error', async (t) => {
  const log = await openLog(t.testdir(), { sequencer: { maxPending: 3, maxDelayMs: 50, maxBatch: 100 } });
  t.teardown(() => log.close());
  const first = [0, 1, 2].map((i) => log.add({ body: body(i) }));
  const err = await log.add({ body: body(3) }).catch((e: unknown) => e);
  t.ok(err instanceof PushbackError);
  t.equal((err as PushbackError).code, 'ERR_LOG_PUSHBACK');
  await Promise.all(first);
  await log.add({ body: body(3) });
  t.equal(log.checkpoint.size, 4);
});

t.test('an entry larger than an entry bundle allows is refused', async (t) => {
  const log = await openLog(t.testdir());
  t.teardown(() => log.close());
  await t.rejects(log.add({ body: new Uint8Array(65536) }), { code: 'ERR_ENTRY_INVALID' });
});

t.test('search keys are written with their entries', async (t) => {
  const log = await openLog(t.testdir());
  t.teardown(() => log.close());
  await log.add({ body: body(0), searchKeys: ['email:a@example.com', 'sha256:aa'] });
  await log.add({ body: body(1), searchKeys: ['email:a@example.com'] });
  await log.add({ body: body(2), searchKeys: ['sha256:aa'] });
  t.same(await log.search(['email:a@example.com'], 'or', 10), [0, 1]);
  t.same(await log.search(['email:a@example.com', 'sha256:aa'], 'or', 10), [0, 1, 2]);
  t.same(await log.search(['email:a@example.com', 'sha256:aa'], 'and', 10), [0]);
  t.same(await log.search(['email:a@example.com', 'sha256:aa'], 'or', 2), [0, 1]);
  t.same(await log.search([], 'or', 10), []);
});

t.test('entries are found by index and by leaf hash', async (t) => {
  const log = await openLog(t.testdir(), { clock: fixedClock(1_700_000_123_456) });
  t.teardown(() => log.close());
  await log.add({ body: body(0) });
  const e = await log.getEntry(0);
  t.same(e?.body, body(0));
  t.equal(e?.integratedTime, 1_700_000_123);
  t.equal((await log.findByLeafHash(hashLeaf(body(0))))?.index, 0);
  t.equal(await log.findByLeafHash(hashLeaf(body(1))), undefined);
  t.equal(await log.getEntry(1), undefined);
  t.equal(await log.getEntry(-1), undefined);
  t.ok(((await log.diskBytes()) ?? 0) > 0);
});

t.test('a second writer on the same database fails at open', async (t) => {
  const dir = t.testdir();
  const log = await openLog(dir);
  t.teardown(() => log.close());
  await t.rejects(openLog(dir), { code: 'ERR_LOG_STORAGE' });
  await log.add({ body: body(0) });
  t.equal(log.checkpoint.size, 1, 'the first writer keeps working');
});

t.test('start-up refuses a database restored from an older backup', async (t) => {
  const dir = t.testdir();
  let log = await openLog(dir);
  await log.add({ body: body(0) });
  await log.close();
  copyFileSync(join(dir, 'log.db'), join(dir, 'backup.db'));
  log = await openLog(dir);
  await log.add({ body: body(1) });
  await log.close();
  copyFileSync(join(dir, 'backup.db'), join(dir, 'log.db'));
  rmSync(join(dir, 'log.db-wal'), { force: true });
  await t.rejects(openLog(dir), { code: 'ERR_LOG_INCONSISTENT' });
});

t.test('start-up refuses a database that diverges from the published checkpoint', async (t) => {
  const root = t.testdir({ mine: {}, other: {} });
  const dir = join(root, 'mine');
  const other = join(root, 'other');
  let log = await openLog(dir);
  await log.add({ body: body(0) });
  await log.close();
  log = await openLog(other);
  await log.add({ body: body(99) });
  await log.close();
  // Same origin and key, same size, another root: a fork.
  copyFileSync(join(other, 'log.db'), join(dir, 'log.db'));
  await t.rejects(openLog(dir), { code: 'ERR_LOG_INCONSISTENT' });
});

t.test('start-up refuses a missing checkpoint file unless recovery is asked for', async (t) => {
  const dir = t.testdir();
  let log = await openLog(dir);
  await log.add({ body: body(0) });
  await log.close();
  rmSync(join(dir, 'checkpoint'));
  await t.rejects(openLog(dir), { code: 'ERR_LOG_INCONSISTENT' });
  log = await openLog(dir, { recoverCheckpointFile: true });
  t.equal(log.checkpoint.size, 1);
  await log.close();
  t.ok(existsSync(join(dir, 'checkpoint')), 'recovery rewrites the file');
});

t.test('start-up refuses an empty database beside a published checkpoint', async (t) => {
  const dir = t.testdir();
  const log = await openLog(dir);
  await log.close();
  rmSync(join(dir, 'log.db'));
  await t.rejects(openLog(dir), { code: 'ERR_LOG_INCONSISTENT' });
});

t.test('start-up refuses a database of another log or key', async (t) => {
  const dir = t.testdir();
  const log = await openLog(dir);
  await log.close();
  await t.rejects(openLog(dir, { signer: signer('log.example - 43') }), { code: 'ERR_LOG_INCONSISTENT' });
  await t.rejects(openLog(dir, { signer: signer('log.example - 42', otherKeys) }), { code: 'ERR_LOG_INCONSISTENT' });
});

t.test('a checkpoint file that is behind the database is brought forward', async (t) => {
  const dir = t.testdir();
  let log = await openLog(dir);
  const old = log.checkpoint.note;
  await log.add({ body: body(0) });
  await log.close();
  writeFileSync(join(dir, 'checkpoint'), old);
  log = await openLog(dir);
  t.equal(readFileSync(join(dir, 'checkpoint'), 'utf8'), log.checkpoint.note);
  await log.close();
});

t.test('a failed commit rejects its batch and leaves the log usable', async (t) => {
  const dir = t.testdir();
  const storage = new SqliteStorage({ path: join(dir, 'log.db') });
  let fail = true;
  const flaky: LogStorage = {
    open: () => storage.open(),
    initialize: (i, c) => storage.initialize(i, c),
    commit: async (b) => {
      if (fail) throw new Error('disk full');
      return storage.commit(b);
    },
    findByLeafHash: (h) => storage.findByLeafHash(h),
    getEntry: (i) => storage.getEntry(i),
    getEntries: (s, c) => storage.getEntries(s, c),
    getExtraData: (s, c) => storage.getExtraData(s, c),
    importExtraData: (r) => storage.importExtraData(r),
    getTile: (l, i) => storage.getTile(l, i),
    getCheckpoint: (s) => storage.getCheckpoint(s),
    search: (k, m, l) => storage.search(k, m, l),
    diskBytes: () => storage.diskBytes(),
    close: () => storage.close(),
  };
  const log = await Log.open({ storage: flaky, signer: signer(), checkpointFile: join(dir, 'checkpoint') });
  t.teardown(() => log.close());
  await t.rejects(log.add({ body: body(0) }), { code: 'ERR_LOG_STORAGE' });
  t.equal(log.checkpoint.size, 0);
  fail = false;
  const r = await log.add({ body: body(0) });
  t.equal(r.index, 0);
  t.equal(log.checkpoint.size, 1);
});

t.test('close integrates what is queued, then refuses new entries', async (t) => {
  const log = await openLog(t.testdir(), { sequencer: { maxDelayMs: 1000, maxBatch: 100 } });
  const pending = log.add({ body: body(0) });
  await log.close();
  t.equal((await pending).index, 0);
  await t.rejects(log.add({ body: body(1) }), { code: 'ERR_LOG_STORAGE' });
});
