import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startService } from './helpers/service.js';
import { emailCertificate, events, hashedrekord, sigstack, tamperProxy, upload, uploadMany } from './cli-fixtures.js';

// `sigstack monitor` as a process, following the real rekor through its tiles API (behind a
// proxy that can lie): catch-up, a watched identity appearing, and forks introduced between polls.

t.test('the monitor follows the log, reports a watched identity and catches forks between polls', async (t) => {
  const dir = t.testdir();
  const data = join(dir, 'rekor');
  const rekor = await startService('rekor', { REKOR_PORT: '0', REKOR_DEV_MODE: 'true', REKOR_DATA_DIR: data });
  t.teardown(() => rekor.stop());
  const proxy = await tamperProxy(rekor.url, data);
  t.teardown(() => proxy.close());
  const keyFile = join(dir, 'log.pem');
  writeFileSync(keyFile, await (await fetch(`${rekor.url}/api/v1/log/publicKey`)).text());
  const state = join(dir, 'state');
  const watch = ['--watch-identity', 'email:*@example.com;issuer=https://issuer.example'];
  const monitor = (...extra: string[]) => sigstack(['monitor', '--url', proxy.url, '--key', keyFile, '--state', state, '--once', ...watch, ...extra]);

  await uploadMany(rekor.url, 300);
  const first = await monitor();
  t.equal(first.code, 0, first.stderr);
  t.same(events(first.stdout).map((e) => [e.event, e.from, e.to, e.source]), [['verified', 0, 300, 'tiles']]);
  const saved = readFileSync(join(state, 'checkpoint'), 'utf8');
  t.match(saved, /\n300\n/);

  await t.test('a watched identity appearing is reported with exit 20', async (t) => {
    const alice = await emailCertificate('alice@example.com', 'https://issuer.example');
    const mallory = await emailCertificate('mallory@elsewhere.example', 'https://issuer.example');
    await uploadMany(rekor.url, 20, 'before');
    const index = await upload(rekor.url, hashedrekord('release 1.0', alice.privateKey, Buffer.from(alice.pem).toString('base64')));
    await upload(rekor.url, hashedrekord('not watched', mallory.privateKey, Buffer.from(mallory.pem).toString('base64')));
    const r = await monitor();
    t.equal(r.code, 20, r.stderr);
    const list = events(r.stdout);
    const ids = list.filter((e) => e.event === 'identity');
    t.equal(ids.length, 1);
    t.equal(ids[0]!.index, index);
    t.same(ids[0]!.identities, ['email:alice@example.com']);
    t.equal(ids[0]!.issuer, 'https://issuer.example');
    t.same(list.at(-1)!.to, 322);
    const quiet = await monitor();
    t.equal(quiet.code, 0, 'each entry is reported once');
    t.same(events(quiet.stdout), []);
  });

  await t.test('a fork of the same size introduced between two polls is exit 13 with both checkpoints', async (t) => {
    const before = readFileSync(join(state, 'state.json'), 'utf8');
    proxy.set('fork');
    t.teardown(() => proxy.set('none'));
    const r = await monitor();
    t.equal(r.code, 13, r.stderr);
    const [e] = events(r.stdout);
    t.equal(e!.event, 'inconsistent');
    t.equal(e!.old.checkpoint, readFileSync(join(state, 'checkpoint'), 'utf8'));
    t.equal(e!.old.size, 322);
    t.equal(e!.new.size, 322);
    t.not(e!.new.rootHash, e!.old.rootHash);
    t.equal(readFileSync(join(state, 'state.json'), 'utf8'), before, 'the state keeps the last good checkpoint');
  });

  await t.test('a grown tree whose root is not an extension is exit 13 with the failing proof', async (t) => {
    await uploadMany(rekor.url, 40, 'after');
    proxy.set('fork');
    t.teardown(() => proxy.set('none'));
    const r = await monitor();
    t.equal(r.code, 13, r.stderr);
    const [e] = events(r.stdout);
    t.equal(e!.proof.from, 322);
    t.equal(e!.proof.to, 362);
    t.equal(e!.proof.source, 'tiles');
    t.ok(e!.proof.hashes.length > 0);
    proxy.set('none');
    const honest = await monitor();
    t.equal(honest.code, 0, honest.stderr);
    t.same(events(honest.stdout).map((x) => [x.from, x.to]), [[322, 362]], 'the honest log still verifies from the stored state');
  });

  await t.test('a broken checkpoint signature stops the monitor with exit 11', async (t) => {
    proxy.set('checkpoint-signature');
    t.teardown(() => proxy.set('none'));
    const r = await monitor();
    t.equal(r.code, 11);
    t.equal(events(r.stdout)[0]!.event, 'error');
  });
});
