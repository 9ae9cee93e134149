import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./fixtures/log-child.mjs', import.meta.url));

t.test('a service whose stdout reader went away still exits (pino alone would retry the flush forever)', async (t) => {
  t.setTimeout(20_000);
  const child = spawn(process.execPath, [CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.teardown(() => void child.kill('SIGKILL'));
  const [first] = (await once(child.stdout!, 'data')) as [Buffer];
  t.match(first.toString(), /"msg":"ready"/, 'it logs to stdout while someone reads');
  // Close our end of its stdout: every later write fails with EPIPE, as when a supervisor dies.
  child.stdout!.destroy();
  const exited = once(child, 'exit');
  child.stdin!.end('go\n');
  const [code, signal] = (await exited) as [number | null, string | null];
  t.equal(signal, null);
  t.equal(code, 0, 'it exits normally');
});
