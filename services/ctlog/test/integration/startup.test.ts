import t from 'tap';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config.js';
import { ExtraStore } from '../../src/log/extra-store.js';
import { openCtLog } from '../../src/open.js';
import { makeIntermediate, makeLeaf, makeRoot, pemOf } from '../fixtures/ca.js';
import { chainBody, makeLog } from '../helpers.js';

const root = await makeRoot();
const intermediate = await makeIntermediate(root);

async function fill(dir: string, count: number) {
  const log = await makeLog(dir, pemOf(root));
  const scts = [];
  for (let i = 0; i < count; i++) {
    log.clock.now += 1000;
    scts.push((await log.app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chainBody((await makeLeaf(intermediate)).der, intermediate.der) })).json());
  }
  await log.close();
  return scts;
}

function removeDb(path: string) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

t.test('the log refuses to start without the chains of its entries', async (t) => {
  const dir = t.testdir();
  await fill(dir, 2);
  removeDb(join(dir, 'ctlog-extra.db'));
  await t.rejects(makeLog(dir, undefined), { code: 'ERR_LOG_INCONSISTENT', message: /chains for 0 of the 2 entries/ });
});

t.test('the chain database of another log is refused', async (t) => {
  const [a, b] = [t.testdir(), join(t.testdir(), 'b')];
  await fill(a, 1);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(b);
  await fill(b, 1);
  removeDb(join(a, 'ctlog-extra.db'));
  copyFileSync(join(b, 'ctlog-extra.db'), join(a, 'ctlog-extra.db'));
  await t.rejects(makeLog(a, undefined), { code: 'ERR_LOG_INCONSISTENT', message: /does not belong to this log/ });
});

t.test('chains written for a batch the engine never committed are dropped at start and the index is reused', async (t) => {
  const dir = t.testdir();
  await fill(dir, 2);
  const extra = ExtraStore.open(join(dir, 'ctlog-extra.db'));
  extra.write([{ index: 2, record: { leafHash: new Uint8Array(32), chain: [root.der] } }]);
  extra.close();
  const log = await makeLog(dir, undefined);
  t.teardown(log.close);
  const leaf = await makeLeaf(intermediate);
  t.equal((await log.app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chainBody(leaf.der, intermediate.der) })).statusCode, 200);
  const res = await log.app.inject({ method: 'GET', url: '/ct/v1/get-entries?start=2&end=2' });
  t.equal(res.statusCode, 200, 'the new entry at index 2 has its own chain');
  t.ok(Buffer.from(res.json().entries[0].extra_data, 'base64').includes(Buffer.from(intermediate.der)));
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
