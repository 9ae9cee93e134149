import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, EXIT } from '../src/index.js';
import { acquireStateLock } from '../src/monitor/state-lock.js';
import { FakeLog, URL_, captureIo } from './fixtures/fake-log.js';

/** The pid of a process that has exited (a pid is reused only after the pid space wraps). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not start a child process');
  return child.pid;
}

async function once(log: FakeLog, dir: string) {
  const c = captureIo(log.fetch);
  const code = await run(['monitor', '--url', URL_, '--state', dir, '--once'], c.io);
  return { code, out: c.out(), err: c.err() };
}

t.test('a second monitor on the same state directory is refused with exit 22 while the first runs', async (t) => {
  const log = new FakeLog();
  log.addMany(10);
  const dir = t.testdir();
  const controller = new AbortController();
  let second: Awaited<ReturnType<typeof once>> | undefined;
  let lockDuringRun = '';
  const c = captureIo(log.fetch, {
    signal: controller.signal,
    // The first monitor's sleep lasts until the second monitor has finished, then aborts it.
    onSleep: () => {
      lockDuringRun = readFileSync(join(dir, 'lock'), 'utf8');
      return once(log, dir).then((r) => {
        second = r;
        controller.abort();
      });
    },
  });
  const code = await run(['monitor', '--url', URL_, '--state', dir, '--interval', '1'], c.io);
  t.equal(code, EXIT.ok, c.err());
  t.equal(lockDuringRun, `${process.pid}\n`, 'the lock holds the pid of the running monitor');
  t.equal(second?.code, EXIT.locked);
  t.match(second?.err, new RegExp(`another monitor \\(pid ${process.pid}\\) holds .*lock`));
  t.equal(second?.out, '', 'the refused monitor polls nothing');
  t.notOk(existsSync(join(dir, 'lock')), 'the first monitor releases the lock when aborted (SIGINT/SIGTERM)');
});

t.test('the lock is released when the monitor stops', async (t) => {
  const log = new FakeLog();
  log.addMany(5);
  const dir = t.testdir();
  t.equal((await once(log, dir)).code, EXIT.ok);
  t.notOk(existsSync(join(dir, 'lock')), 'released after --once');
  t.same(readdirSync(dir).filter((f) => f.includes('lock')), [], 'no temporary lock files are left');

  log.tamper.checkpoint = () => log.forge(5, new Uint8Array(32).fill(1));
  t.equal((await once(log, dir)).code, EXIT.inconsistent);
  t.notOk(existsSync(join(dir, 'lock')), 'released after a fatal failure');
  delete log.tamper.checkpoint;
  t.equal((await once(log, dir)).code, EXIT.ok, 'the next monitor takes the lock');
});

t.test('a stale lock left by a process that is gone is taken over', async (t) => {
  const log = new FakeLog();
  log.addMany(5);
  const dir = t.testdir();
  const pid = deadPid();
  writeFileSync(join(dir, 'lock'), `${pid}\n`);
  const r = await once(log, dir);
  t.equal(r.code, EXIT.ok, r.err);
  t.notOk(existsSync(join(dir, 'lock')));

  writeFileSync(join(dir, 'lock'), 'not a pid');
  t.equal((await once(log, dir)).code, EXIT.ok, 'a lock without a pid is stale too');
});

t.test('the lock is only released by its holder', async (t) => {
  const dir = t.testdir();
  const first = await acquireStateLock(dir, process.pid);
  await t.rejects(acquireStateLock(dir, process.pid), { code: 'ERR_MONITOR_LOCKED' });
  const other = deadPid();
  writeFileSync(first.file, `${other}\n`);
  await first.release();
  t.equal(readFileSync(first.file, 'utf8'), `${other}\n`, 'a lock that changed hands is left alone');
  const taken = await acquireStateLock(dir, process.pid);
  t.equal(readFileSync(taken.file, 'utf8'), `${process.pid}\n`);
  await taken.release();
  t.notOk(existsSync(taken.file));
});

t.test('a state directory that cannot be created is an input error', async (t) => {
  const dir = t.testdir({ file: 'x' });
  await t.rejects(acquireStateLock(join(dir, 'file', 'state'), process.pid), { code: 'ERR_ENCODING_INVALID' });
});
