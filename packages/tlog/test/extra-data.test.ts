import t from 'tap';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { hashLeaf } from '@sigstack/crypto/merkle';
import { SqliteStorage } from '../src/index.js';
import { body, openLog } from './helpers.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

t.test('extra data is durable with its entry, returned with it, and survives a reopen', async (t) => {
  const dir = t.testdir();
  const log = await openLog(dir);
  await Promise.all([
    log.add({ body: body(0), extraData: bytes('chain 0') }),
    log.add({ body: body(1) }),
    log.add({ body: body(2), extraData: bytes('chain 2') }),
  ]);
  const before = (await log.extraData(0, 3)).map((e) => [e.index, text(e.extraData)]);
  t.same(before, [[0, 'chain 0'], [2, 'chain 2']], 'an entry added without extra data has none');
  await log.close();
  const reopened = await openLog(dir);
  t.teardown(() => reopened.close());
  t.same((await reopened.extraData(0, 3)).map((e) => [e.index, text(e.extraData)]), before);
  t.same(await reopened.extraData(1, 1), []);
});

t.test('extra data beyond the latest tree is not returned', async (t) => {
  const log = await openLog(t.testdir());
  t.teardown(() => log.close());
  await log.add({ body: body(0), extraData: bytes('x') });
  t.same(await log.extraData(1, 5), []);
  t.same(await log.extraData(-1, 5), []);
  t.equal((await log.extraData(0, 100)).length, 1);
});

t.test('a duplicate add keeps the extra data of the first', async (t) => {
  const log = await openLog(t.testdir());
  t.teardown(() => log.close());
  await log.add({ body: body(0), extraData: bytes('first') });
  await t.rejects(log.add({ body: body(0), extraData: bytes('second') }), { code: 'ERR_ENTRY_DUPLICATE' });
  t.same((await log.extraData(0, 1)).map((e) => text(e.extraData)), ['first']);
});

t.test('entries without extra data write nothing to the extra data table', async (t) => {
  const dir = t.testdir();
  const log = await openLog(dir);
  await Promise.all([0, 1, 2].map((i) => log.add({ body: body(i) })));
  await log.close();
  const db = new Database(join(dir, 'log.db'), { readonly: true });
  t.teardown(() => db.close());
  t.equal((db.prepare('SELECT count(*) AS n FROM extra_data').get() as { n: number }).n, 0);
});

t.test('a transaction that fails after writing an entry and its extra data leaves neither', async (t) => {
  const dir = t.testdir();
  const log = await openLog(dir);
  await log.add({ body: body(0), extraData: bytes('chain 0') });
  await log.close();
  // The checkpoint is the last row the commit writes: failing there aborts a transaction that has
  // already inserted the entry and its extra data.
  const db = new Database(join(dir, 'log.db'));
  db.exec(`CREATE TRIGGER fail_commit BEFORE INSERT ON checkpoints WHEN NEW.size = 2 BEGIN SELECT RAISE(ABORT, 'injected failure'); END;`);
  db.close();
  const failing = await openLog(dir);
  await t.rejects(failing.add({ body: body(1), extraData: bytes('chain 1') }), { code: 'ERR_LOG_STORAGE' });
  await failing.close();
  const after = new Database(join(dir, 'log.db'));
  t.same(after.prepare('SELECT idx FROM entries ORDER BY idx').all(), [{ idx: 0 }]);
  t.same(after.prepare('SELECT idx FROM extra_data ORDER BY idx').all(), [{ idx: 0 }]);
  after.exec('DROP TRIGGER fail_commit');
  after.close();
  const log2 = await openLog(dir);
  t.teardown(() => log2.close());
  const r = await log2.add({ body: body(2), extraData: bytes('chain 2') });
  t.equal(r.index, 1, 'the index is reused');
  t.same((await log2.extraData(0, 2)).map((e) => text(e.extraData)), ['chain 0', 'chain 2']);
});

t.test('importing extra data fills in entries that lack it, once, in one transaction', async (t) => {
  const dir = t.testdir();
  const log = await openLog(dir);
  await Promise.all([0, 1, 2].map((i) => log.add({ body: body(i), ...(i === 1 && { extraData: bytes('kept') }) })));
  await log.close();
  const storage = new SqliteStorage({ path: join(dir, 'log.db') });
  await storage.open();
  t.teardown(() => storage.close());
  const rows = [0, 1, 2].map((i) => ({ index: i, leafHash: hashLeaf(body(i)), extraData: bytes(`imported ${i}`) }));
  t.equal(await storage.importExtraData(rows), 2, 'the entry that has extra data keeps it');
  t.same((await storage.getExtraData(0, 3)).map((e) => text(e.extraData)), ['imported 0', 'kept', 'imported 2']);
  t.equal(await storage.importExtraData(rows), 0, 'a second import writes nothing');
});

t.test('an import with a row for another leaf or a missing entry writes nothing', async (t) => {
  const dir = t.testdir();
  const log = await openLog(dir);
  await Promise.all([0, 1].map((i) => log.add({ body: body(i) })));
  await log.close();
  const storage = new SqliteStorage({ path: join(dir, 'log.db') });
  await storage.open();
  t.teardown(() => storage.close());
  const good = { index: 0, leafHash: hashLeaf(body(0)), extraData: bytes('a') };
  await t.rejects(storage.importExtraData([good, { index: 1, leafHash: hashLeaf(body(7)), extraData: bytes('b') }]), { code: 'ERR_LOG_INCONSISTENT', message: /index 1/ });
  await t.rejects(storage.importExtraData([good, { index: 2, leafHash: hashLeaf(body(2)), extraData: bytes('c') }]), { code: 'ERR_LOG_INCONSISTENT', message: /index 2/ });
  t.same(await storage.getExtraData(0, 3), [], 'the good row was rolled back with the bad one');
});
