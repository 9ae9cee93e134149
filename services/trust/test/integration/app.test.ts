import t, { type Test } from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { tufSigner, updateRepository } from '@sigstack/trust';
import { buildApp } from '../../src/app.js';

const signer = () => tufSigner(generateKeyPairSync('ed25519').privateKey);
const NOW = new Date('2026-11-22T00:00:00Z');

async function setup(t: Test, now = NOW) {
  const dataDir = t.testdir({ 'secret.txt': 'not served', keys: { 'root.pem': 'private' } });
  const repositoryDir = join(dataDir, 'repository');
  await updateRepository({
    dir: repositoryDir,
    keys: { root: [signer()], targets: [signer()], snapshot: [signer()], timestamp: [signer()] },
    targets: [
      { name: 'trusted_root.json', bytes: Buffer.from('{"mediaType":"tr"}\n'), alias: 'trusted_root.json' },
      { name: 'signing_config.v0.2.json', bytes: Buffer.from('{"mediaType":"sc"}\n'), alias: 'signing_config.json' },
    ],
    now: NOW,
  });
  const app = buildApp({ config: { logRequests: false }, repositoryDir, now: () => now });
  t.teardown(() => app.close());
  return { app, repositoryDir };
}

t.test('every repository file is served as JSON with cache headers fit for TUF', async (t) => {
  const { app, repositoryDir } = await setup(t);
  const targets = readdirSync(join(repositoryDir, 'targets')).map((f) => `targets/${f}`);
  t.equal(targets.length, 2);
  for (const path of ['root.json', '1.root.json', 'timestamp.json', '1.snapshot.json', '1.targets.json', 'trusted_root.json', 'signing_config.json', ...targets]) {
    const res = await app.inject({ method: 'GET', url: `/${path}` });
    t.equal(res.statusCode, 200, path);
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8', `${path} content type`);
    const immutable = /^\d|^targets\//.test(path);
    t.equal(res.headers['cache-control'], immutable ? 'public, max-age=31536000, immutable' : 'no-cache', `${path} cache control`);
  }
  const tr = await app.inject({ method: 'GET', url: '/trusted_root.json' });
  t.equal(tr.body, '{"mediaType":"tr"}\n');
  const head = await app.inject({ method: 'HEAD', url: '/timestamp.json' });
  t.equal(head.statusCode, 200, 'HEAD works');
});

t.test('the next root version is 404, as TUF clients expect', async (t) => {
  const { app } = await setup(t);
  const res = await app.inject({ method: 'GET', url: '/2.root.json' });
  t.equal(res.statusCode, 404);
  t.same(res.json(), { code: 404, message: 'path /2.root.json was not found' });
});

t.test('anything but the repository names is 404: traversal, encodings, other files', async (t) => {
  const { app } = await setup(t);
  for (const url of [
    '/', '/secret.txt', '/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/keys/root.pem', '/repository/root.json',
    '/01.root.json', '/0.root.json', '/1.root.json/', '/root.json%00', '/ROOT.JSON',
    `/targets/${'a'.repeat(64)}.other.json`, `/targets/${'A'.repeat(64)}.trusted_root.json`, '/1.timestamp.json', '//root.json', `/${'1'.repeat(300)}.root.json`,
  ]) {
    // (inject, like every HTTP client, resolves dot segments such as /targets/../root.json before
    // sending; the raw forms are covered by isRepositoryPath's unit test in packages/trust.)
    const res = await app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 404, url);
  }
  t.equal((await app.inject({ method: 'POST', url: '/root.json', payload: '{}', headers: { 'content-type': 'application/json' } })).statusCode, 404, 'POST');
  t.equal((await app.inject({ method: 'GET', url: '/root.json?x=1' })).statusCode, 200, 'a query string is ignored');
});

t.test('a directory or an oversized file under an allowed name is not served', async (t) => {
  const { app, repositoryDir } = await setup(t);
  mkdirSync(join(repositoryDir, '7.root.json'));
  t.equal((await app.inject({ method: 'GET', url: '/7.root.json' })).statusCode, 404);
  writeFileSync(join(repositoryDir, '8.root.json'), Buffer.alloc(4 * 1024 * 1024 + 1));
  t.equal((await app.inject({ method: 'GET', url: '/8.root.json' })).statusCode, 404);
});

t.test('healthz serves while the timestamp is unexpired', async (t) => {
  const { app } = await setup(t);
  const ok = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(ok.statusCode, 200);
  t.match(ok.json(), { status: 'SERVING', rootVersion: 1, timestampVersion: 1, timestampExpires: '2026-11-29T00:00:00Z' });
  const { app: late } = await setup(t, new Date('2026-12-01T00:00:00Z'));
  const expired = await late.inject({ method: 'GET', url: '/healthz' });
  t.equal(expired.statusCode, 503);
  t.match(expired.json(), { status: 'NOT_SERVING' });
  const empty = buildApp({ config: { logRequests: false }, repositoryDir: t.testdir() });
  t.teardown(() => empty.close());
  t.equal((await empty.inject({ method: 'GET', url: '/healthz' })).statusCode, 503, 'no repository');
});

/** Sends one raw HTTP/1.1 request line (no client-side normalization) and returns the status code. */
async function rawStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

t.test('dot segments and encoded separators sent raw over a socket are 404', async (t) => {
  const { app } = await setup(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  t.equal(await rawStatus(port, '/root.json'), 200, 'the control request');
  for (const path of ['/targets/../root.json', '/targets/%2e%2e/root.json', '/../secret.txt', '/%2e%2e/secret.txt', '/%2e%2e%2fsecret.txt', '/repository/../secret.txt', '/./root.json', '/targets/..%2f1.root.json']) {
    t.equal(await rawStatus(port, path), 404, path);
  }
});
