import t from 'tap';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

t.test('docs/configuration.md and the README reference match the config schemas', async (t) => {
  const root = resolve(import.meta.dirname, '..');
  const run = spawnSync(process.execPath, [resolve(root, 'scripts/config-docs.mjs'), '--check'], { encoding: 'utf8' });
  t.equal(run.status, 0, run.stderr);
});
