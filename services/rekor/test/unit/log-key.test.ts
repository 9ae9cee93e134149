import t from 'tap';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLogKey, loadTreeId } from '../../src/log/log-key.js';

t.test('the Rekor log ID is the hex SHA-256 of the key\'s SPKI', async (t) => {
  const key = loadLogKey({ keyFile: '', keyPasswordFile: '', devMode: true, dataDir: t.testdir() });
  t.equal(key.logId, createHash('sha256').update(key.spki).digest('hex'));
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
