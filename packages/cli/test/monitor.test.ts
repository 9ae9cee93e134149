import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicKeyToPem } from '@sigstack/crypto/keys';
import { run, EXIT } from '../src/index.js';
import { FakeLog, URL_, captureIo, hashedrekordBody, keyPair } from './fixtures/fake-log.js';
import { leafCertificate } from './fixtures/certs.js';

function lines(out: string): Record<string, any>[] {
  return out.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

async function monitor(log: FakeLog, dir: string, extra: string[] = [], opts: Parameters<typeof captureIo>[1] = {}) {
  const c = captureIo(log.fetch, opts);
  const code = await run(['monitor', '--url', URL_, '--state', dir, ...extra], c.io);
  return { code, events: lines(c.out()), err: c.err() };
}

t.test('the first poll verifies the whole log from entry 0 and stores the checkpoint', async (t) => {
  const log = new FakeLog();
  log.addMany(600);
  const dir = t.testdir();
  const r = await monitor(log, dir, ['--once']);
  t.equal(r.code, EXIT.ok, r.err);
  t.match(r.err, /unpinned key/);
  t.same(r.events.map((e) => [e.event, e.from, e.to, e.entries, e.source]), [['verified', 0, 600, 600, 'tiles']]);
  t.equal(readFileSync(join(dir, 'checkpoint'), 'utf8'), log.note());
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
  t.equal(state.size, 600);
  t.equal(state.key, log.pem, 'the served key is pinned at first use');

  const again = await monitor(log, dir, ['--once']);
  t.equal(again.code, EXIT.ok);
  t.same(again.events, [], 'nothing new, nothing reported');
  t.equal(again.err, '', 'the key pinned in the state is used, no warning');

  log.addMany(100);
  const grown = await monitor(log, dir, ['--once']);
  t.same(grown.events.map((e) => [e.event, e.from, e.to]), [['verified', 600, 700]]);
  t.ok(log.requests.some((r) => r.startsWith('GET /api/v2/tile/0/002.p/188')), 'entries are checked against the level-0 tiles');
});

t.test('a fork introduced between two polls is reported with both checkpoints and exit 13', async (t) => {
  const log = new FakeLog();
  log.addMany(50);
  const dir = t.testdir();
  t.equal((await monitor(log, dir, ['--once'])).code, EXIT.ok);
  const stored = readFileSync(join(dir, 'state.json'), 'utf8');

  log.tamper.checkpoint = () => log.forge(50, new Uint8Array(32).fill(1));
  const fork = await monitor(log, dir, ['--once']);
  t.equal(fork.code, EXIT.inconsistent);
  t.equal(fork.events.length, 1);
  const e = fork.events[0]!;
  t.equal(e.event, 'inconsistent');
  t.equal(e.old.checkpoint, log.note());
  t.equal(e.new.rootHash, '01'.repeat(32));
  t.equal(readFileSync(join(dir, 'state.json'), 'utf8'), stored, 'the state is not advanced');

  log.addMany(30);
  log.tamper.checkpoint = () => log.forge(80, new Uint8Array(32).fill(2));
  const grownFork = await monitor(log, dir, ['--once']);
  t.equal(grownFork.code, EXIT.inconsistent);
  t.equal(grownFork.events[0]!.proof.from, 50);
  t.equal(grownFork.events[0]!.proof.to, 80);
  t.ok(grownFork.events[0]!.proof.hashes.length > 0, 'the failing proof is in the evidence');

  log.tamper.checkpoint = () => log.forge(20, log.rootAt(20));
  t.equal((await monitor(log, dir, ['--once'])).code, EXIT.inconsistent, 'a rollback');
  t.equal(readFileSync(join(dir, 'state.json'), 'utf8'), stored);
});

t.test('entries or tiles that do not match the signed tree are caught', async (t) => {
  const log = new FakeLog();
  log.addMany(20);
  const dir = t.testdir();
  t.equal((await monitor(log, dir, ['--once'])).code, EXIT.ok);
  log.addMany(300);
  log.tamper.bundle = (index, entries) => (index === 0 ? entries.map((e, i) => (i === 30 ? hashedrekordBody('swapped') : e)) : entries);
  const body = await monitor(log, dir, ['--once']);
  t.equal(body.code, EXIT.body);
  t.equal(body.events[0]!.event, 'entry-mismatch');
  t.equal(body.events[0]!.index, 30);

  log.tamper = { tile: (path, bytes) => (path.includes('/tile/0/000') ? bytes.map((b, i) => (i === 32 * 200 ? b ^ 1 : b)) : bytes) };
  t.equal((await monitor(log, dir, ['--once'])).code, EXIT.inconsistent, 'a level-0 tile that breaks the consistency proof');
  const fresh = join(dir, 'fresh');
  const mismatch = await monitor(log, fresh, ['--once']);
  t.equal(mismatch.code, EXIT.body, 'a level-0 tile that does not list the entries (no older checkpoint to prove from)');
  t.equal(mismatch.events[0]!.index, 200);

  log.tamper = { tile: (path, bytes) => (path.includes('/tile/1/') ? bytes.map((b) => b ^ 1) : bytes) };
  const upper = await monitor(log, join(dir, 'fresh2'), ['--once']);
  t.equal(upper.code, EXIT.inconsistent, 'a level-1 tile that does not list the subtree hashes');
  t.match(upper.events[0]!.reason, /tile\/1\/000\.p\/1 lists/);
  log.tamper = {};
  t.equal((await monitor(log, dir, ['--once'])).code, EXIT.ok, 'the honest log still verifies from the stored state');
});

t.test('a watched identity is reported once its entry is verified, with exit 20', async (t) => {
  const log = new FakeLog();
  log.addMany(5);
  const dir = t.testdir();
  const keyFile = join(dir, 'log.pem');
  writeFileSync(keyFile, log.pem);
  t.equal((await monitor(log, join(dir, 'state'), ['--once', '--key', keyFile])).code, EXIT.ok);
  const alice = await leafCertificate({ type: 'email', value: 'Alice@Example.com' }, 'https://issuer.example');
  const bot = await leafCertificate({ type: 'uri', value: 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main' }, 'https://token.actions.githubusercontent.com');
  const mallory = await leafCertificate({ type: 'email', value: 'mallory@evil.example' }, 'https://issuer.example');
  for (const leaf of [alice, bot, mallory]) log.add(hashedrekordBody(`by ${leaf.pem.length}`, Buffer.from(leaf.chainPem).toString('base64'), leaf.privateKey));
  log.addMany(3);
  const r = await monitor(log, join(dir, 'state'), ['--once', '--key', keyFile,
    '--watch-identity', 'email:*@example.com',
    '--watch-identity', 'uri:https://github.com/acme/*;issuer=https://token.actions.githubusercontent.com',
    '--watch-identity', 'email:*@example.com;issuer!=https://issuer.example']);
  t.equal(r.code, EXIT.identity, r.err);
  const ids = r.events.filter((e) => e.event === 'identity');
  t.same(ids.map((e) => [e.index, e.pattern, e.identities[0]]), [
    [5, 'email:*@example.com', 'email:Alice@Example.com'],
    [6, 'uri:https://github.com/acme/*;issuer=https://token.actions.githubusercontent.com', 'uri:https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main'],
  ]);
  t.equal(ids[0]!.issuer, 'https://issuer.example');
  t.equal(ids[0]!.certificate.notAfter, '2035-01-01T00:00:00.000Z');
  t.equal(r.events.at(-1)!.event, 'verified');
});

t.test('without tiles the monitor follows the v1 API', async (t) => {
  const log = new FakeLog();
  log.addMany(25);
  log.tamper.noTiles = true;
  const dir = t.testdir();
  const r = await monitor(log, dir, ['--once']);
  t.equal(r.code, EXIT.ok, r.err);
  t.match(r.err, /following the v1 API/);
  t.same(r.events.map((e) => [e.from, e.to, e.source]), [[0, 25, 'v1']]);
  log.addMany(5);
  log.tamper.consistency = (h) => h.reverse();
  t.equal((await monitor(log, dir, ['--once'])).code, EXIT.inconsistent);
  log.tamper.consistency = undefined;
  log.tamper.entry = (e) => {
    e.body = Buffer.from(hashedrekordBody('other')).toString('base64');
  };
  t.equal((await monitor(log, dir, ['--once'])).code, EXIT.body);
  t.equal((await monitor(log, t.testdir(), ['--once', '--from-latest'])).code, EXIT.usage);
});

t.test('--from-latest starts at the latest checkpoint from tiles', async (t) => {
  const log = new FakeLog();
  log.addMany(300);
  const dir = t.testdir();
  const r = await monitor(log, dir, ['--once', '--from-latest']);
  t.equal(r.code, EXIT.ok, r.err);
  t.same(r.events.map((e) => [e.from, e.to, e.entries]), [[300, 300, 0]]);
  t.notOk(log.requests.some((q) => q.includes('tile/entries')), 'no entries were read');
  log.addMany(10);
  t.same((await monitor(log, dir, ['--once'])).events.map((e) => [e.from, e.to]), [[300, 310]]);
});

t.test('without --once the monitor polls until interrupted, retrying transient errors', async (t) => {
  const log = new FakeLog();
  log.addMany(10);
  const controller = new AbortController();
  let sleeps = 0;
  let offline = false;
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    if (offline) throw new TypeError('fetch failed');
    return log.fetch(input, init);
  }) as typeof fetch;
  const c = captureIo(fetchImpl, {
    signal: controller.signal,
    onSleep: () => {
      sleeps++;
      if (sleeps === 1) log.addMany(5);
      if (sleeps === 2) offline = true;
      if (sleeps === 3) offline = false;
      if (sleeps === 4) controller.abort();
    },
  });
  const code = await run(['monitor', '--url', URL_, '--state', t.testdir(), '--interval', '1'], c.io);
  t.equal(code, EXIT.ok, c.err());
  t.same(lines(c.out()).map((e) => [e.event, e.exit ?? e.to]), [['verified', 10], ['verified', 15], ['error', EXIT.unreachable]]);
});

t.test('a catch-up on a terminal draws a progress line on stderr', async (t) => {
  const log = new FakeLog();
  log.addMany(5000);
  const base = t.testdir();
  const r = await monitor(log, join(base, 'a'), ['--once'], { tty: true });
  t.equal(r.code, EXIT.ok);
  t.match(r.err, /catching up: 5,000\/5,000 entries \(100%\)/);
  const quiet = await monitor(log, join(base, 'b'), ['--once']);
  t.notMatch(quiet.err, /catching up/);
});

t.test('unusable state, another url and another key are refused', async (t) => {
  const log = new FakeLog();
  log.addMany(3);
  const dir = t.testdir();
  t.equal((await monitor(log, dir, ['--once'])).code, EXIT.ok);
  const c = captureIo(log.fetch);
  t.equal(await run(['monitor', '--url', 'http://other.example', '--state', dir, '--once'], c.io), EXIT.usage);
  const other = join(dir, "..", "other.pem");
  writeFileSync(other, publicKeyToPem(keyPair().publicKey));
  t.equal((await monitor(log, dir, ['--once', '--key', other])).code, EXIT.checkpointKey);
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
  state.rootHash = '00'.repeat(32);
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
  t.equal((await monitor(log, dir, ['--once'])).code, EXIT.input);
  writeFileSync(join(dir, 'state.json'), '{');
  t.equal((await monitor(log, dir, ['--once'])).code, EXIT.input);
  t.equal((await monitor(log, dir, ['--once', '--watch-identity', 'mail:x'])).code, EXIT.usage);
  t.equal((await monitor(log, dir, ['--once', '--json'])).code, EXIT.usage);
});
