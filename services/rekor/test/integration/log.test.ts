import t from 'tap';
import { verifyConsistency } from '@sigstack/crypto/merkle';
import { parseHex } from '@sigstack/crypto/encoding';
import { parseEntryBundle, parseTile } from '@sigstack/crypto/tiles';
import { hashLeaf } from '@sigstack/crypto/merkle';
import { hashedrekord, makeApp } from '../helpers.js';

t.test('log info, public key and consistency proofs', async (t) => {
  const { app, close } = await makeApp(t.testdir());
  t.teardown(close);
  const empty = (await app.inject({ method: 'GET', url: '/api/v1/log' })).json();
  t.same({ ...empty, signedTreeHead: undefined }, { rootHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', treeSize: 0, treeID: '1193050959916656506', signedTreeHead: undefined });
  const roots: string[] = [];
  for (let i = 1; i <= 5; i++) {
    await app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: hashedrekord(`log ${i}`) });
    roots[i] = (await app.inject({ method: 'GET', url: '/api/v1/log' })).json().rootHash;
  }
  const info = (await app.inject({ method: 'GET', url: '/api/v1/log' })).json();
  t.equal(info.treeSize, 5);
  t.match(info.signedTreeHead, /^127\.0\.0\.1 - 1193050959916656506\n5\n/);

  const pk = await app.inject({ method: 'GET', url: '/api/v1/log/publicKey' });
  t.equal(pk.headers['content-type'], 'application/x-pem-file');
  t.match(pk.body, /^-----BEGIN PUBLIC KEY-----\n/);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/log/publicKey?treeID=1193050959916656506' })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/log/publicKey?treeID=42' })).statusCode, 400);

  for (const [m, n] of [[1, 5], [2, 5], [3, 4], [5, 5], [1, 1]]) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/log/proof?firstSize=${m}&lastSize=${n}` });
    t.equal(res.statusCode, 200);
    const proof = res.json();
    t.equal(proof.rootHash, roots[n!], 'rootHash is the root at lastSize');
    verifyConsistency(m!, n!, parseHex(roots[m!]!, 32), parseHex(roots[n!]!, 32), proof.hashes.map((h: string) => parseHex(h, 32)));
  }
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/log/proof?lastSize=3' })).json().hashes.length > 0, true, 'firstSize defaults to 1');
  const bad: [string, string | undefined][] = [
    ['firstSize=4&lastSize=3', 'firstSize(4) must be less than lastSize(3)'],
    ['firstSize=1&lastSize=6', 'the tree size requested(6) was greater than what is currently observable(5)'],
    ['firstSize=0&lastSize=3', undefined],
    ['lastSize=1e3', undefined],
    ['lastSize=-1', undefined],
    ['firstSize=1', undefined],
    ['lastSize=9223372036854775807', undefined],
  ];
  for (const [q, message] of bad) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/log/proof?${q}` });
    t.equal(res.statusCode, 400, q);
    if (message) t.equal(res.json().message, message);
  }
});

t.test('the tiles API serves the checkpoint, tiles and entry bundles', async (t) => {
  const { app, close } = await makeApp(t.testdir());
  t.teardown(close);
  const bodies: Buffer[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: hashedrekord(`tile ${i}`) });
    bodies.push(Buffer.from((Object.values(res.json())[0] as { body: string }).body, 'base64'));
  }
  const cp = await app.inject({ method: 'GET', url: '/api/v2/checkpoint' });
  t.equal(cp.headers['content-type'], 'text/plain; charset=utf-8');
  t.match(cp.body, /\n3\n/);
  const tile = await app.inject({ method: 'GET', url: '/api/v2/tile/0/000.p/3' });
  t.equal(tile.statusCode, 200);
  t.equal(tile.headers['cache-control'], 'no-cache');
  const hashes = parseTile(tile.rawPayload, 3);
  t.same(hashes.map((h) => Buffer.from(h).toString('hex')), bodies.map((b) => Buffer.from(hashLeaf(b)).toString('hex')));
  const bundle = await app.inject({ method: 'GET', url: '/api/v2/tile/entries/000.p/3' });
  t.same(parseEntryBundle(bundle.rawPayload, 3).map((b) => Buffer.from(b).toString('hex')), bodies.map((b) => b.toString('hex')));
  t.equal((await app.inject({ method: 'GET', url: '/api/v2/tile/0/000' })).statusCode, 404, 'no full tile yet');
  t.equal((await app.inject({ method: 'GET', url: '/api/v2/tile/0/000.p/4' })).statusCode, 404, 'wider than the tree');
  for (const bad of ['0/0', '0/000.p/0', '0/000.p/256', '0/x000/001', 'x/000', '99/000', `0/${'x001/'.repeat(20)}000`]) {
    t.equal((await app.inject({ method: 'GET', url: `/api/v2/tile/${bad}` })).statusCode, 400, bad);
  }
});

t.test('healthz reports a serving log', async (t) => {
  const { app, close } = await makeApp(t.testdir());
  t.teardown(close);
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(res.statusCode, 200);
  t.equal(res.json().status, 'SERVING');
  t.equal((await app.inject({ method: 'GET', url: '/nope' })).statusCode, 404);
});
