import t from 'tap';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateKeys } from '../../src/dev/keys.js';

t.test('dev keys are generated once, mode 0600, and reused', async (t) => {
  const dir = join(t.testdir(), 'keys');
  const first = await loadOrCreateKeys(dir);
  t.same(first.generated, ['root', 'targets', 'snapshot', 'timestamp']);
  t.equal(statSync(join(dir, 'root.pem')).mode & 0o777, 0o600);
  t.equal(statSync(dir).mode & 0o777, 0o700);
  const second = await loadOrCreateKeys(dir);
  t.same(second.generated, []);
  t.equal(second.root[0]!.key.keyID, first.root[0]!.key.keyID);
  t.not(second.root[0]!.key.keyID, second.timestamp[0]!.key.keyID, 'one key per role');
});
