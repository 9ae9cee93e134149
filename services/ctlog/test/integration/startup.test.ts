import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config.js';
import { openCtLog } from '../../src/open.js';
import { makeIntermediate, makeLeaf, makeRoot, pemOf } from '../fixtures/ca.js';
import { chainBody, makeLog } from '../helpers.js';

const root = await makeRoot();
const intermediate = await makeIntermediate(root);

/** Adds `count` entries: x509 entries at even positions, precertificates at odd ones. */
async function fill(dir: string, count: number) {
  const log = await makeLog(dir, pemOf(root));
  const scts = [];
  for (let i = 0; i < count; i++) {
    log.clock.now += 1000;
    const body = i % 2 === 0
      ? { url: '/ct/v1/add-chain', payload: chainBody((await makeLeaf(intermediate)).der, intermediate.der) }
      : { url: '/ct/v1/add-pre-chain', payload: chainBody((await makeLeaf(intermediate, { poison: 'valid' })).der, intermediate.der, root.der) };
    scts.push((await log.app.inject({ method: 'POST', ...body })).json());
  }
  await log.close();
  return scts;
}

function removeDb(path: string) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

async function getEntries(dir: string, start: number, end: number) {
  const log = await makeLog(dir, undefined);
  try {
    const res = await log.app.inject({ method: 'GET', url: `/ct/v1/get-entries?start=${start}&end=${end}` });
    return res.json().entries as { leaf_input: string; extra_data: string }[];
  } finally {
    await log.close();
  }
}

/** Reads one TLS vector with a 3-byte length at `at`: its contents and the offset after it. */
function vector24(bytes: Buffer, at: number): [Buffer, number] {
  const length = bytes.readUIntBE(at, 3);
  return [bytes.subarray(at + 3, at + 3 + length), at + 3 + length];
}

/**
 * Rewrites a data directory into the layout of the versions that kept chains in ctlog-extra.db:
 * the engine database without the `extra_data` table, and ctlog-extra.db with the `certs` and
 * `extra` tables filled in their format (issuers stored once, chains as concatenated SHA-256
 * references, the precertificate beside them for precert entries). `keepNew` keeps the engine's
 * copy too, as after a crash between the move and the deletion of the old rows.
 */
function toOldLayout(dir: string, options: { keepNew?: boolean; extraRows?: { idx: number; leafHash: Buffer }[] } = {}) {
  const engine = new Database(join(dir, 'ctlog.db'));
  const rows = engine.prepare('SELECT e.idx, e.leaf_hash, e.body, x.data FROM entries e JOIN extra_data x ON x.idx = e.idx ORDER BY e.idx').all() as { idx: number; leaf_hash: Buffer; body: Buffer; data: Buffer }[];
  if (!options.keepNew) engine.exec('DROP TABLE extra_data');
  engine.close();
  const old = new Database(join(dir, 'ctlog-extra.db'));
  old.exec(`CREATE TABLE IF NOT EXISTS certs (hash BLOB PRIMARY KEY, der BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS extra (idx INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL, precert BLOB, chain BLOB NOT NULL);`);
  const putCert = old.prepare('INSERT OR IGNORE INTO certs (hash, der) VALUES (?, ?)');
  const putExtra = old.prepare('INSERT INTO extra (idx, leaf_hash, precert, chain) VALUES (?, ?, ?, ?)');
  for (const row of rows) {
    const isPrecert = row.body.readUInt16BE(10) === 1;
    let at = 0;
    let precert: Buffer | null = null;
    if (isPrecert) [precert, at] = vector24(row.data, 0);
    const [list] = vector24(row.data, at);
    const hashes: Buffer[] = [];
    for (let i = 0; i < list.length;) {
      const [der, next] = vector24(list, i);
      const hash = createHash('sha256').update(der).digest();
      putCert.run(hash, der);
      hashes.push(hash);
      i = next;
    }
    putExtra.run(row.idx, row.leaf_hash, precert, Buffer.concat(hashes));
  }
  for (const r of options.extraRows ?? []) putExtra.run(r.idx, r.leafHash, null, createHash('sha256').update(root.der).digest());
  old.close();
}

function count(path: string, sql: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}


/** Opens the log in `dir` (two entries), adds a chain, and checks that index 2 serves that chain. */
async function addsAtIndexTwoWithItsChain(t: Test, dir: string): Promise<void> {
  const log = await makeLog(dir, undefined);
  t.teardown(log.close);
  const leaf = await makeLeaf(intermediate);
  t.equal((await log.app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chainBody(leaf.der, intermediate.der) })).statusCode, 200);
  const res = await log.app.inject({ method: 'GET', url: '/ct/v1/get-entries?start=2&end=2' });
  t.equal(res.statusCode, 200, 'the new entry at index 2 has its own chain');
  t.ok(Buffer.from(res.json().entries[0].extra_data, 'base64').includes(Buffer.from(intermediate.der)));
}

t.test('get-entries returns each entry with its chain from the engine database', async (t) => {
  const dir = t.testdir();
  await fill(dir, 2);
  const entries = await getEntries(dir, 0, 1);
  t.ok(Buffer.from(entries[0]!.extra_data, 'base64').includes(Buffer.from(intermediate.der)));
  t.ok(Buffer.from(entries[1]!.extra_data, 'base64').includes(Buffer.from(root.der)));
  t.equal(count(join(dir, 'ctlog.db'), 'SELECT count(*) AS n FROM extra_data'), 2);
  t.equal(count(join(dir, 'ctlog-extra.db'), 'SELECT count(*) AS n FROM extra'), 0, 'the chain database holds no chain');
});

t.test('an entry and its chain are committed together: a failed commit leaves neither', async (t) => {
  const dir = t.testdir();
  await fill(dir, 2);
  // The checkpoint is the last row of the engine's transaction, written after the entry and its chain.
  const db = new Database(join(dir, 'ctlog.db'));
  db.exec(`CREATE TRIGGER fail_commit BEFORE INSERT ON checkpoints WHEN NEW.size = 3 BEGIN SELECT RAISE(ABORT, 'injected failure'); END;`);
  db.close();
  const failing = await makeLog(dir, undefined);
  const refused = await failing.app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chainBody((await makeLeaf(intermediate)).der, intermediate.der) });
  t.equal(refused.statusCode, 503);
  await failing.close();
  t.equal(count(join(dir, 'ctlog.db'), 'SELECT count(*) AS n FROM entries'), 2);
  t.equal(count(join(dir, 'ctlog.db'), 'SELECT count(*) AS n FROM extra_data'), 2);
  const fix = new Database(join(dir, 'ctlog.db'));
  fix.exec('DROP TRIGGER fail_commit');
  fix.close();
  await addsAtIndexTwoWithItsChain(t, dir);
});

t.test('the log refuses to start when its last entry has no chain', async (t) => {
  const dir = t.testdir();
  await fill(dir, 2);
  const db = new Database(join(dir, 'ctlog.db'));
  db.exec('DELETE FROM extra_data WHERE idx = 1');
  db.close();
  await t.rejects(makeLog(dir, undefined), { code: 'ERR_LOG_INCONSISTENT', message: /entry 1 has no chain/ });
});

t.test('an old data directory with chains in ctlog-extra.db is moved into the engine once and reads the same', async (t) => {
  const dir = t.testdir();
  await fill(dir, 4);
  const before = await getEntries(dir, 0, 3);
  toOldLayout(dir);
  t.equal(count(join(dir, 'ctlog-extra.db'), 'SELECT count(*) AS n FROM extra'), 4);
  t.same(await getEntries(dir, 0, 3), before, 'x509 and precert entries serve the same extra_data');
  t.equal(count(join(dir, 'ctlog.db'), 'SELECT count(*) AS n FROM extra_data'), 4);
  t.equal(count(join(dir, 'ctlog-extra.db'), 'SELECT count(*) AS n FROM extra'), 0, 'the old rows are deleted');
  t.equal(count(join(dir, 'ctlog-extra.db'), 'SELECT count(*) AS n FROM certs'), 0);
  t.same(await getEntries(dir, 0, 3), before, 'a second start finds nothing to move');
});

t.test('a move interrupted after the engine commit is finished at the next start', async (t) => {
  const dir = t.testdir();
  await fill(dir, 3);
  const before = await getEntries(dir, 0, 2);
  toOldLayout(dir, { keepNew: true });
  t.same(await getEntries(dir, 0, 2), before);
  t.equal(count(join(dir, 'ctlog.db'), 'SELECT count(*) AS n FROM extra_data'), 3);
  t.equal(count(join(dir, 'ctlog-extra.db'), 'SELECT count(*) AS n FROM extra'), 0);
});

t.test('old chains of a batch the engine never committed are dropped and the index is reused', async (t) => {
  const dir = t.testdir();
  await fill(dir, 2);
  toOldLayout(dir, { extraRows: [{ idx: 2, leafHash: Buffer.alloc(32) }] });
  await addsAtIndexTwoWithItsChain(t, dir);
});

t.test('an old chain database missing chains is refused', async (t) => {
  const dir = t.testdir();
  await fill(dir, 2);
  toOldLayout(dir);
  const db = new Database(join(dir, 'ctlog-extra.db'));
  db.exec('DELETE FROM extra WHERE idx = 0');
  db.close();
  await t.rejects(makeLog(dir, undefined), { code: 'ERR_LOG_INCONSISTENT', message: /chains for 1 of the 2 entries/ });
});

t.test('the old chain database of another log is refused and nothing is moved', async (t) => {
  const [a, b] = [t.testdir(), join(t.testdir(), 'b')];
  mkdirSync(b);
  await fill(a, 1);
  await fill(b, 1);
  toOldLayout(a);
  toOldLayout(b);
  removeDb(join(a, 'ctlog-extra.db'));
  copyFileSync(join(b, 'ctlog-extra.db'), join(a, 'ctlog-extra.db'));
  await t.rejects(makeLog(a, undefined), { code: 'ERR_LOG_INCONSISTENT', message: /does not belong to this log/ });
  t.equal(count(join(a, 'ctlog.db'), 'SELECT count(*) AS n FROM extra_data'), 0);
  t.equal(count(join(a, 'ctlog-extra.db'), 'SELECT count(*) AS n FROM extra'), 1, 'the old rows are kept');
});

t.test('a lost tree head is signed again, never older than the entries it covers', async (t) => {
  const dir = t.testdir();
  const scts = await fill(dir, 3);
  const db = new Database(join(dir, 'ctlog-extra.db'));
  db.exec('DELETE FROM sths');
  db.close();
  const log = await makeLog(dir, undefined);
  t.teardown(log.close);
  log.clock.now -= 3_600_000;
  const sth = (await log.app.inject({ method: 'GET', url: '/ct/v1/get-sth' })).json();
  t.equal(sth.tree_size, 3);
  t.ok(sth.timestamp >= scts[2].timestamp, 'the clock went back; the head did not');
});

t.test('outside dev mode the roots file and a key file are required', async (t) => {
  const dir = t.testdir();
  const config = loadConfig({ env: { CTLOG_DATA_DIR: dir }, argv: [], readFile: () => '' });
  await t.rejects(openCtLog(config), { code: 'ERR_CONFIG_INVALID', message: /keyFile/ });
  const { generateKeyPairSync } = await import('node:crypto');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'key.pem'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const withKey = loadConfig({ env: { CTLOG_DATA_DIR: dir, CTLOG_KEY_FILE: join(dir, 'key.pem') }, argv: [], readFile: () => '' });
  await t.rejects(openCtLog(withKey), { code: 'ERR_CONFIG_INVALID', message: /roots\.pem does not exist/ });
  writeFileSync(join(dir, 'roots.pem'), pemOf(root));
  const ct = await openCtLog(withKey);
  t.equal(ct.roots.all.length, 1);
  await ct.engine.close();
});

t.test('a second process on the same data directory is refused', async (t) => {
  const dir = t.testdir();
  const first = await makeLog(dir, pemOf(root));
  t.teardown(first.close);
  await t.rejects(makeLog(dir, undefined), { code: 'ERR_LOG_STORAGE' });
});
