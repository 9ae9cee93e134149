import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLogKey, loadTreeId } from '../../src/log/log-key.js';

t.test('dev mode generates a P-256 key once and keeps it', async (t) => {
  const dir = t.testdir();
  const a = loadLogKey({ keyFile: '', keyPasswordFile: '', devMode: true, dataDir: dir });
  const b = loadLogKey({ keyFile: '', keyPasswordFile: '', devMode: true, dataDir: dir });
  t.equal(a.logId, b.logId);
  t.match(a.logId, /^[0-9a-f]{64}$/);
  t.equal(statSync(join(dir, 'log-key.pem')).mode & 0o777, 0o600);
});

t.test('outside dev mode a key file is required', async (t) => {
  t.throws(() => loadLogKey({ keyFile: '', keyPasswordFile: '', devMode: false, dataDir: t.testdir() }), { code: 'ERR_CONFIG_INVALID' });
});

t.test('an encrypted key file is read with its password file', async (t) => {
  const dir = t.testdir();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'hunter2' }));
  writeFileSync(join(dir, 'pass'), 'hunter2\n');
  const key = loadLogKey({ keyFile: join(dir, 'key.pem'), keyPasswordFile: join(dir, 'pass'), devMode: false, dataDir: dir });
  t.match(key.publicKeyPem, /BEGIN PUBLIC KEY/);
  writeFileSync(join(dir, 'pass'), 'wrong\n');
  t.throws(() => loadLogKey({ keyFile: join(dir, 'key.pem'), keyPasswordFile: join(dir, 'pass'), devMode: false, dataDir: dir }), { code: 'ERR_CONFIG_INVALID' });
  t.throws(() => loadLogKey({ keyFile: join(dir, 'nope.pem'), keyPasswordFile: '', devMode: false, dataDir: dir }), { code: 'ERR_CONFIG_INVALID' });
});

t.test('a log key that is not ECDSA P-256 is refused', async (t) => {
  const dir = t.testdir();
  for (const [type, opts] of [['ec', { namedCurve: 'P-384' }], ['ed25519', {}], ['rsa', { modulusLength: 2048 }]] as const) {
    const { privateKey } = generateKeyPairSync(type as 'ec', opts as { namedCurve: string });
    writeFileSync(join(dir, 'k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    t.throws(() => loadLogKey({ keyFile: join(dir, 'k.pem'), keyPasswordFile: '', devMode: false, dataDir: dir }), { code: 'ERR_CONFIG_INVALID' }, type);
  }
});

t.test('the tree ID is generated once, or taken from config when valid', async (t) => {
  const dir = t.testdir();
  let n = 0n;
  const id = loadTreeId('', dir, () => (n += 0x8000000000000005n));
  t.equal(id, '5', 'the top bit is cleared');
  t.equal(loadTreeId('', dir, () => 99n), '5', 'kept across restarts');
  t.equal(readFileSync(join(dir, 'tree-id'), 'utf8'), '5\n');
  t.equal(loadTreeId('1193050959916656506', dir, () => 1n), '1193050959916656506');
  for (const bad of ['0', '-1', '01', '9223372036854775808', 'abc']) t.throws(() => loadTreeId(bad, dir, () => 1n), { code: 'ERR_CONFIG_INVALID' }, bad);
});
