import t from 'tap';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateBin } from '../src/up/locate.js';
import { readable, terminalLine } from '../src/up/log-lines.js';
import { Supervisor, describeEnd } from '../src/up/supervisor.js';

const record = (level: number, msg: string, extra: Record<string, unknown> = {}) => JSON.stringify({ level, time: Date.UTC(2026, 0, 1, 12, 0, 1, 234), pid: 1, name: 'x', msg, ...extra });

t.test('the terminal shows warnings, errors and non-log output with the service name, and hides routine records', async (t) => {
  t.equal(terminalLine('rekor', record(30, 'rekor ready')), undefined);
  t.equal(terminalLine('rekor', record(20, 'debug detail')), undefined);
  t.equal(terminalLine('rekor', '   '), undefined);
  t.equal(terminalLine('fulcio', record(40, 'token refused', { err: { message: 'bad audience' } })), '  fulcio: warn: token refused: bad audience');
  t.equal(terminalLine('ctlog', record(60, 'could not listen', { err: { message: 'listen EADDRINUSE' } })), '  ctlog: fatal: could not listen: listen EADDRINUSE');
  t.equal(terminalLine('tsa', 'node:internal/modules/cjs/loader:1228'), '  tsa: node:internal/modules/cjs/loader:1228', 'a crash before the logger exists is shown as is');
  t.equal(readable(record(30, 'stopped')), '12:00:01.234 info: stopped', 'log tails carry the time');
  t.equal(readable(record(50, 'same', { err: { message: 'same' } })), '12:00:01.234 error: same', 'an error message equal to msg is not repeated');
  t.equal(terminalLine('x', 'y'.repeat(5000))?.length, '  x: '.length + 2000 + 1, 'long lines are cut');
});

t.test('a service is found through node_modules by its package name and the bin it declares', async (t) => {
  const root = t.testdir({
    services: {
      rekor: { 'package.json': JSON.stringify({ name: '@x/rekor', bin: { 'x-rekor': './dist/main.js' } }), dist: { 'main.js': '' } },
      trust: { 'package.json': JSON.stringify({ name: '@x/trust', bin: { 'x-trust': './dist/main.js' } }) },
    },
    node_modules: { '@x': {}, '@y': { odd: { 'package.json': JSON.stringify({ name: '@y/odd', bin: './main.js' }) } } },
    packages: { cli: { dist: { up: {} } } },
  });
  symlinkSync(join(root, 'services', 'rekor'), join(root, 'node_modules', '@x', 'rekor'));
  symlinkSync(join(root, 'services', 'trust'), join(root, 'node_modules', '@x', 'trust'));
  const from = join(root, 'packages', 'cli', 'dist', 'up');
  t.same(locateBin('@x/rekor', 'x-rekor', from), { script: join(root, 'services', 'rekor', 'dist', 'main.js') }, 'resolved through the workspace link');
  t.same(locateBin('@x/trust', 'x-trust', from), { missing: join(root, 'services', 'trust', 'dist', 'main.js') }, 'not built: the script is named');
  t.match(locateBin('@x/none', 'x-none', from), { missing: /the package @x\/none/ });
  t.match(locateBin('@x/rekor', 'other', from), { missing: /the bin other in/ });
  t.match(locateBin('@y/odd', 'odd', from), { missing: /the bin odd in/ }, 'a bin given as a string names no bin');
});

/** A script that prints, then behaves as told. */
function script(dir: string, name: string, body: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, body);
  return file;
}

t.test('a child that exits on its own is reported with its exit code, the end of its output and its log file', async (t) => {
  const dir = t.testdir();
  const lines: string[] = [];
  const supervisor = new Supervisor({ logDir: dir, env: { PATH: process.env.PATH }, tailLines: 3, onLine: (name, line) => lines.push(`${name}|${line}`) });
  const file = script(dir, 'dies', `for (let i = 1; i <= 5; i++) console.log('line ' + i); console.error('on stderr: ' + process.env.ONLY_FOR_IT); process.exit(3);`);
  const pid = supervisor.start({ name: 'dies', title: 'dying service', script: file, env: { ONLY_FOR_IT: 'yes' } });
  const end = await supervisor.failure;
  t.equal(end.name, 'dies');
  t.equal(end.pid, pid);
  t.equal(end.code, 3);
  t.equal(end.signal, null);
  t.equal(describeEnd(end), 'exit code 3');
  t.equal(end.tail.length, 3, 'only the last lines are kept in memory');
  t.ok(end.tail.includes('on stderr: yes'), 'stderr is captured and the spec env reached the child');
  t.equal(end.logFile, join(dir, 'dies.log'));
  const log = readFileSync(end.logFile, 'utf8');
  for (let i = 1; i <= 5; i++) t.match(log, `line ${i}\n`, 'the log file has every line');
  t.ok(lines.includes('dies|line 1'), 'every line is shown to onLine');
  t.same(await supervisor.stop(100), [end], 'stopping after a failure returns the same end');
});

t.test('stop sends SIGTERM, kills a child that ignores it after the grace period, and reports no failure', async (t) => {
  const dir = t.testdir();
  const supervisor = new Supervisor({ logDir: dir, env: { PATH: process.env.PATH } });
  const polite = script(dir, 'polite', `process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); console.log('up'); setInterval(() => {}, 1000);`);
  const stubborn = script(dir, 'stubborn', `process.on('SIGTERM', () => console.log('no')); console.log('up'); setInterval(() => {}, 1000);`);
  supervisor.start({ name: 'polite', title: 'polite', script: polite, env: {} });
  supervisor.start({ name: 'stubborn', title: 'stubborn', script: stubborn, env: {} });
  // Both must have installed their handlers before the signal: wait for their first line.
  const deadline = Date.now() + 10_000;
  while (!['polite', 'stubborn'].every((n) => supervisor.lastLines(n)?.tail.includes('up')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  let failed = false;
  void supervisor.failure.then(() => (failed = true));
  const ends = await supervisor.stop(300);
  t.same(ends.map((e) => [e.name, e.code, e.signal]), [['polite', 0, null], ['stubborn', null, 'SIGKILL']]);
  t.same(ends[0]?.tail, ['up', 'bye']);
  t.equal(describeEnd(ends[1]!), 'killed by SIGKILL');
  await new Promise((r) => setImmediate(r));
  t.equal(failed, false, 'children ended by stop are not failures');
  t.throws(() => supervisor.start({ name: 'late', title: 'late', script: polite, env: {} }), /while stopping/);
});

t.test('a child whose process cannot be created is reported as such', async (t) => {
  const dir = t.testdir();
  const supervisor = new Supervisor({ logDir: dir, env: { PATH: process.env.PATH } });
  supervisor.start({ name: 'ghost', title: 'ghost', script: join(dir, 'missing.mjs'), env: {} });
  const end = await supervisor.failure;
  t.equal(end.code, 1, 'node exits 1 when its script is missing');
  t.match(end.tail.join('\n'), /Cannot find module/);
});
