import t from 'tap';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startService } from './helpers/service.js';
import { emailCertificate, hashedrekord, sigstack, tamperProxy, upload, uploadMany } from './cli-fixtures.js';

// The `sigstack log` verbs as a process against the real rekor process: every success path, and
// each tampered answer (one thing at a time, through a proxy) detected with its exit code.

const EXIT = { ok: 0, usage: 2, input: 3, unreachable: 4, notFound: 6, checkpointKey: 10, checkpointSignature: 11, inclusion: 12, inconsistent: 13, set: 14, body: 15 };

t.test('the log verbs verify a real log and detect every tampered answer', async (t) => {
  const dir = t.testdir();
  const data = join(dir, 'rekor');
  const rekor = await startService('rekor', { REKOR_PORT: '0', REKOR_DEV_MODE: 'true', REKOR_DATA_DIR: data });
  t.teardown(() => rekor.stop());
  const proxy = await tamperProxy(rekor.url, data);
  t.teardown(() => proxy.close());

  await uploadMany(rekor.url, 40);
  const alice = await emailCertificate('alice@example.com', 'https://issuer.example');
  const signedIndex = await upload(rekor.url, hashedrekord('a release', alice.privateKey, Buffer.from(alice.pem).toString('base64')));
  await uploadMany(rekor.url, 10, 'later');

  const keyFile = join(dir, 'log.pem');
  writeFileSync(keyFile, await (await fetch(`${rekor.url}/api/v1/log/publicKey`)).text());
  const pinned = ['--url', rekor.url, '--key', keyFile];

  await t.test('log info prints the verified checkpoint and saves it', async (t) => {
    const r = await sigstack(['log', 'info', ...pinned, '--save', join(dir, 'cp-51')]);
    t.equal(r.code, EXIT.ok, r.stderr);
    t.match(r.stdout, /tree size:\s+51/);
    t.match(r.stdout, /origin:\s+127\.0\.0\.1 - \d+/);
    t.match(r.stdout, /\(pinned\)/);
    const unpinned = await sigstack(['log', 'info', '--url', rekor.url, '--json']);
    t.equal(unpinned.code, EXIT.ok);
    t.equal(JSON.parse(unpinned.stdout).key.pinned, false);
    t.match(unpinned.stderr, /unpinned key/);
  });

  await t.test('log get decodes the certificate identity and issuer', async (t) => {
    const r = await sigstack(['log', 'get', '--url', rekor.url, '--index', String(signedIndex)]);
    t.equal(r.code, EXIT.ok, r.stderr);
    t.match(r.stdout, /identity:\s+email:alice@example\.com/);
    t.match(r.stdout, /oidc issuer:\s+https:\/\/issuer\.example/);
    t.match(r.stdout, /artifact:\s+sha256:/);
    const raw = await sigstack(['log', 'get', '--url', rekor.url, '--index', '3', '--json']);
    t.equal((Object.values(JSON.parse(raw.stdout))[0] as { logIndex: number }).logIndex, 3);
    t.equal((await sigstack(['log', 'get', '--url', rekor.url, '--index', '1000'])).code, EXIT.notFound);
  });

  await t.test('log search finds entries by digest, email and public key', async (t) => {
    const digest = createHash('sha256').update('a release').digest('hex');
    const byHash = await sigstack(['log', 'search', '--url', rekor.url, '--sha256', digest]);
    t.equal(byHash.code, EXIT.ok, byHash.stderr);
    t.equal(byHash.stdout.trim().split('\n').length, 1);
    const byEmail = await sigstack(['log', 'search', '--url', rekor.url, '--email', 'alice@example.com']);
    t.equal(byEmail.stdout, byHash.stdout);
    const certFile = join(dir, 'alice.pem');
    writeFileSync(certFile, alice.pem);
    t.equal((await sigstack(['log', 'search', '--url', rekor.url, '--public-key', certFile])).stdout, byHash.stdout);
    t.equal((await sigstack(['log', 'search', '--url', rekor.url, '--email', 'nobody@example.com'])).code, EXIT.notFound);
  });

  await t.test('log prove proves entries by index, uuid and artifact', async (t) => {
    const r = await sigstack(['log', 'prove', ...pinned, '--index', '7', '--json']);
    t.equal(r.code, EXIT.ok, r.stderr);
    const p = JSON.parse(r.stdout);
    t.equal(p.treeSize, 51);
    const byUuid = await sigstack(['log', 'prove', ...pinned, '--uuid', p.entryId]);
    t.equal(byUuid.code, EXIT.ok, byUuid.stderr);
    t.match(byUuid.stdout, /SET:\s+verified/);
    const artifact = join(dir, 'artifact');
    writeFileSync(artifact, 'a release');
    const a = await sigstack(['log', 'prove', ...pinned, '--artifact', artifact, '--json']);
    t.equal(a.code, EXIT.ok, a.stderr);
    t.equal(JSON.parse(a.stdout)[0].logIndex, signedIndex);
  });

  await t.test('log consistency proves growth from a saved checkpoint and from a size', async (t) => {
    await uploadMany(rekor.url, 260, 'more');
    const r = await sigstack(['log', 'consistency', ...pinned, '--from', join(dir, 'cp-51'), '--save', join(dir, 'cp-311')]);
    t.equal(r.code, EXIT.ok, r.stderr);
    t.match(r.stdout, /size 51 is a prefix of the tree of size 311/);
    t.match(readFileSync(join(dir, 'cp-311'), 'utf8'), /\n311\n/);
    const sizes = await sigstack(['log', 'consistency', ...pinned, '--from-size', '5', '--to-size', '300']);
    t.equal(sizes.code, EXIT.ok, sizes.stderr);
  });

  await t.test('a flipped proof hash is exit 12 for inclusion and 13 for consistency', async (t) => {
    proxy.set('proof-hash');
    t.teardown(() => proxy.set('none'));
    t.equal((await sigstack(['log', 'prove', '--url', proxy.url, '--key', keyFile, '--index', '7'])).code, EXIT.inclusion);
    const c = await sigstack(['log', 'consistency', '--url', proxy.url, '--key', keyFile, '--from', join(dir, 'cp-51')]);
    t.equal(c.code, EXIT.inconsistent);
    t.equal(JSON.parse(c.stdout).proof.from, 51);
  });

  await t.test('a broken checkpoint signature is exit 11, another key exit 10', async (t) => {
    proxy.set('checkpoint-signature');
    t.teardown(() => proxy.set('none'));
    t.equal((await sigstack(['log', 'info', '--url', proxy.url, '--key', keyFile])).code, EXIT.checkpointSignature);
    t.equal((await sigstack(['log', 'prove', '--url', proxy.url, '--key', keyFile, '--index', '7'])).code, EXIT.checkpointSignature);
    proxy.set('none');
    const otherKey = join(dir, 'other.pem');
    writeFileSync(otherKey, (await import('node:crypto')).generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString());
    t.equal((await sigstack(['log', 'info', '--url', rekor.url, '--key', otherKey])).code, EXIT.checkpointKey);
    t.equal((await sigstack(['log', 'prove', '--url', rekor.url, '--key', otherKey, '--index', '7'])).code, EXIT.checkpointKey);
  });

  await t.test('a forked tree of the same size with another root is exit 13 with the evidence', async (t) => {
    proxy.set('fork');
    t.teardown(() => proxy.set('none'));
    const r = await sigstack(['log', 'consistency', '--url', proxy.url, '--key', keyFile, '--from', join(dir, 'cp-311')]);
    t.equal(r.code, EXIT.inconsistent, r.stderr);
    const evidence = JSON.parse(r.stdout);
    t.equal(evidence.event, 'inconsistent');
    t.equal(evidence.old.checkpoint, readFileSync(join(dir, 'cp-311'), 'utf8'));
    t.equal(evidence.new.size, 311);
    t.not(evidence.new.rootHash, evidence.old.rootHash);
    t.match(r.stderr, /two different roots for size 311/);
  });

  await t.test('an entry body that does not match its leaf is exit 15', async (t) => {
    proxy.set('body');
    t.teardown(() => proxy.set('none'));
    t.equal((await sigstack(['log', 'prove', '--url', proxy.url, '--key', keyFile, '--index', '7'])).code, EXIT.body);
    t.equal((await sigstack(['log', 'get', '--url', proxy.url, '--index', '7'])).code, EXIT.body);
  });

  await t.test('an unreachable log is exit 4 and bad arguments exit 2', async (t) => {
    t.equal((await sigstack(['log', 'info', '--url', 'http://127.0.0.1:1', '--key', keyFile])).code, EXIT.unreachable);
    t.equal((await sigstack(['log', 'prove', '--url', rekor.url])).code, EXIT.usage);
    t.equal((await sigstack(['log', 'info', '--url', rekor.url, '--key', join(dir, 'missing.pem')])).code, EXIT.input);
  });
});
