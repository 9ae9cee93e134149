import t from 'tap';
import { createHash, createPublicKey } from 'node:crypto';
import { verifySET } from '@sigstack/crypto/set';
import { hashLeaf, verifyInclusion } from '@sigstack/crypto/merkle';
import { openCheckpoint, ecdsaNoteVerifier } from '@sigstack/crypto/note';
import { parseHex } from '@sigstack/crypto/encoding';
import { canonicalJson } from '@sigstack/crypto/canonical-json';
import { hashedrekord, makeApp } from '../helpers.js';

type Entry = { body: string; integratedTime: number; logID: string; logIndex: number; verification: { signedEntryTimestamp: string; inclusionProof: { checkpoint: string; hashes: string[]; logIndex: number; rootHash: string; treeSize: number } } };

function only(map: Record<string, Entry>): [string, Entry] {
  const entries = Object.entries(map);
  if (entries.length !== 1) throw new Error(`want one entry, got ${entries.length}`);
  return entries[0]!;
}

t.test('creating an entry answers 201 with a LogEntry whose SET, proof and checkpoint verify', async (t) => {
  const { app, close } = await makeApp(t.testdir());
  t.teardown(close);
  const res = await app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: hashedrekord('artifact 1') });
  t.equal(res.statusCode, 201);
  const [entryId, entry] = only(res.json());
  t.match(entryId, /^108e9186e8c5677a[0-9a-f]{64}$/, 'entry ID = 16-hex tree ID + UUID');
  t.equal(res.headers.etag, entryId);
  t.equal(res.headers.location, `/api/v1/log/entries/${entryId}`);
  t.equal(entry.logIndex, 0);
  t.equal(entry.integratedTime, Math.floor(Date.UTC(2026, 10, 22) / 1000));
  const body = Buffer.from(entry.body, 'base64');
  t.equal(entryId.slice(16), createHash('sha256').update(Buffer.concat([Buffer.from([0]), body])).digest('hex'));

  const pem = (await app.inject({ method: 'GET', url: '/api/v1/log/publicKey' })).body;
  const logKey = createPublicKey(pem);
  t.equal(entry.logID, createHash('sha256').update(logKey.export({ type: 'spki', format: 'der' })).digest('hex'));
  verifySET({ body: entry.body, integratedTime: entry.integratedTime, logID: entry.logID, logIndex: entry.logIndex }, Buffer.from(entry.verification.signedEntryTimestamp, 'base64'), logKey);

  const proof = entry.verification.inclusionProof;
  const { checkpoint } = openCheckpoint(proof.checkpoint, [ecdsaNoteVerifier('127.0.0.1', logKey)]);
  t.equal(checkpoint.origin, '127.0.0.1 - 1193050959916656506');
  t.equal(checkpoint.size, proof.treeSize);
  t.equal(Buffer.from(checkpoint.rootHash).toString('hex'), proof.rootHash);
  verifyInclusion(proof.logIndex, proof.treeSize, hashLeaf(body), proof.hashes.map((h) => parseHex(h, 32)), checkpoint.rootHash);
  t.equal(proof.checkpoint.split('\n\n')[1]!.trim().split('\n').length, 1, 'exactly one signature line');
});

t.test('a duplicate answers 409 with the exact message and the Location of the first', async (t) => {
  const { app, close } = await makeApp(t.testdir());
  t.teardown(close);
  const proposed = hashedrekord('artifact dup');
  const first = await app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: proposed });
  const [entryId] = only(first.json());
  const again = await app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: proposed });
  t.equal(again.statusCode, 409);
  t.same(again.json(), { code: 409, message: `an equivalent entry already exists in the transparency log with UUID ${entryId}` });
  t.equal(again.headers.location, `/api/v1/log/entries/${entryId}`);

  // The same entry written differently: other key order and whitespace.
  const reordered = JSON.stringify({ spec: { signature: proposed.spec.signature, data: proposed.spec.data }, kind: 'hashedrekord', apiVersion: '0.0.1' }, null, 2);
  const third = await app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: reordered, headers: { 'content-type': 'application/json' } });
  t.equal(third.statusCode, 409);
});

t.test('fifty concurrent identical submissions give exactly one 201', async (t) => {
  const { app, rekor, close } = await makeApp(t.testdir());
  t.teardown(close);
  const proposed = hashedrekord('artifact race');
  const results = await Promise.all(Array.from({ length: 50 }, () => app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: proposed })));
  t.equal(results.filter((r) => r.statusCode === 201).length, 1);
  t.equal(results.filter((r) => r.statusCode === 409).length, 49);
  t.equal(rekor.engine.checkpoint.size, 1);
});

t.test('entries are read by index, UUID and entry ID', async (t) => {
  const { app, close } = await makeApp(t.testdir());
  t.teardown(close);
  const created = await app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: hashedrekord('read me') });
  const [entryId, entry] = only(created.json());
  await app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: hashedrekord('second') });

  for (const url of [`/api/v1/log/entries?logIndex=0`, `/api/v1/log/entries/${entryId}`, `/api/v1/log/entries/${entryId.slice(16)}`, `/api/v1/log/entries/${entryId.toUpperCase()}`]) {
    const res = await app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 200, url);
    const [id, got] = only(res.json());
    t.equal(id, entryId);
    t.equal(got.body, entry.body);
    t.equal(got.verification.inclusionProof.treeSize, 2, 'the proof is in the latest checkpoint');
  }
});

t.test('missing entries are 404 with an empty body; malformed IDs and indexes are 400', async (t) => {
  const { app, close } = await makeApp(t.testdir());
  t.teardown(close);
  for (const url of ['/api/v1/log/entries?logIndex=0', `/api/v1/log/entries/${'a'.repeat(64)}`, `/api/v1/log/entries/${'0'.repeat(16)}${'a'.repeat(64)}`]) {
    const res = await app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 404, url);
    t.equal(res.body, '');
  }
  for (const url of ['/api/v1/log/entries/abc', `/api/v1/log/entries/${'g'.repeat(64)}`, `/api/v1/log/entries/${'a'.repeat(65)}`]) {
    const res = await app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 400, url);
    t.equal(res.json().message, 'UUID must be a 64-character hexadecimal string');
  }
  for (const q of ['-1', '1.5', '1e3', '0x10', '+5', '05', '%205', '', '9223372036854775807', '18446744073709551616', '1'.repeat(30)]) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/log/entries?logIndex=${q}` });
    t.equal(res.statusCode, 400, `logIndex=${q}`);
    t.equal(res.json().code, 400);
  }
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/log/entries' })).statusCode, 400);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/log/entries?logIndex=1&logIndex=2' })).statusCode, 400);
});

t.test('retrieve answers UUIDs and entries, then indexes, skipping misses, and 422 above ten', async (t) => {
  const { app, close } = await makeApp(t.testdir());
  t.teardown(close);
  const a = hashedrekord('r1');
  const [idA] = only((await app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: a })).json());
  const [idB] = only((await app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: hashedrekord('r2') })).json());
  const res = await app.inject({ method: 'POST', url: '/api/v1/log/entries/retrieve', payload: { entryUUIDs: [idB, 'b'.repeat(64)], logIndexes: [0, 7], entries: [a] } });
  t.equal(res.statusCode, 200);
  t.same(res.json().map((e: Record<string, Entry>) => Object.keys(e)[0]), [idB, idA, idA]);
  const many = await app.inject({ method: 'POST', url: '/api/v1/log/entries/retrieve', payload: { logIndexes: Array.from({ length: 11 }, (_, i) => i) } });
  t.equal(many.statusCode, 422);
  t.same(many.json(), { code: 422, message: 'more than max allowed 10 entries in request' });
  const mixed = await app.inject({ method: 'POST', url: '/api/v1/log/entries/retrieve', payload: { logIndexes: [0, 1, 2, 3, 4, 5], entryUUIDs: [idA, idA, idA, idA, idA] } });
  t.equal(mixed.statusCode, 422, 'the bound is on the total');
  for (const payload of [{ logIndexes: [-1] }, { logIndexes: ['1'] }, { entryUUIDs: [5] }, { entryUUIDs: 'x' }, { other: 1 }, [1]]) {
    t.equal((await app.inject({ method: 'POST', url: '/api/v1/log/entries/retrieve', payload: payload as object })).statusCode, 400, JSON.stringify(payload));
  }
});

t.test('the search index finds entries by hash and public key, with and/or', async (t) => {
  const { app, close } = await makeApp(t.testdir());
  t.teardown(close);
  const e1 = hashedrekord('search 1');
  const [id1] = only((await app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: e1 })).json());
  const [id2] = only((await app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: hashedrekord('search 2') })).json());
  const digest = e1.spec.data.hash.value;
  const search = (payload: object) => app.inject({ method: 'POST', url: '/api/v1/index/retrieve', payload });
  t.same((await search({ hash: `sha256:${digest}` })).json(), [id1]);
  t.same((await search({ hash: digest.toUpperCase() })).json(), [id1], 'prefix from length, case folded');
  const pk = { format: 'x509', content: e1.spec.signature.publicKey.content };
  t.same(new Set((await search({ publicKey: pk })).json()), new Set([id1, id2]));
  t.same((await search({ publicKey: pk, hash: digest, operator: 'and' })).json(), [id1]);
  t.same(new Set((await search({ publicKey: pk, hash: digest, operator: 'or' })).json()), new Set([id1, id2]));
  t.same((await search({ email: 'nobody@example.com' })).json(), []);
  for (const bad of [{}, { operator: 'xor', hash: digest }, { hash: 'zz' }, { email: 5 }, { publicKey: { format: 'x509' } }, { publicKey: 'x' }, { subject: 'a'.repeat(513) }]) {
    t.equal((await search(bad)).statusCode, 400, JSON.stringify(bad).slice(0, 60));
  }
});

t.test('the strict JSON parser guards every body', async (t) => {
  const { app, close } = await makeApp(t.testdir(), { REKOR_MAX_REQUEST_BYTES: '65536' });
  t.teardown(close);
  const post = (payload: string, type = 'application/json') => app.inject({ method: 'POST', url: '/api/v1/log/entries', payload, headers: { 'content-type': type } });
  const good = hashedrekord('strict');
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  for (const [name, payload] of [
    ['deep nesting', deep.slice(0, 60000)],
    ['duplicate keys', `{"kind":"hashedrekord","kind":"dsse","apiVersion":"0.0.1","spec":${JSON.stringify(good.spec)}}`],
    ['lone surrogate', `{"kind":"\\ud800","apiVersion":"0.0.1","spec":{}}`],
    ['big integer', `{"kind":"hashedrekord","apiVersion":"0.0.1","spec":{"x":9007199254740993}}`],
    ['empty body', ''],
    ['trailing garbage', `${JSON.stringify(good)}x`],
    ['not an object', '[1,2]'],
    ['unknown kind', JSON.stringify({ ...good, kind: 'rpm' })],
    ['unknown version', JSON.stringify({ ...good, apiVersion: '9.9.9' })],
    ['null spec', JSON.stringify({ ...good, spec: null })],
  ] as const) {
    const res = await post(payload);
    t.equal(res.statusCode, 400, name);
    t.equal(typeof res.json().message, 'string', name);
  }
  t.equal((await post(JSON.stringify(good), 'text/plain')).statusCode, 415);
  const big = await post(JSON.stringify({ ...good, pad: 'x'.repeat(70_000) }));
  t.equal(big.statusCode, 413);
});

t.test('bad entries are 400 with upstream\'s prefix, never 500', async (t) => {
  const { app, close } = await makeApp(t.testdir());
  t.teardown(close);
  const good = hashedrekord('bad entries');
  const other = hashedrekord('something else');
  const cases: [string, unknown][] = [
    ['signature over another digest', { ...good, spec: { ...good.spec, signature: other.spec.signature } }],
    ['url-safe base64 signature', { ...good, spec: { ...good.spec, signature: { ...good.spec.signature, content: good.spec.signature.content.replace(/\+/g, '-').replace(/\//g, '_') + (good.spec.signature.content.includes('+') || good.spec.signature.content.includes('/') ? '' : '-') } } }],
    ['sha256 with 128 hex', { ...good, spec: { ...good.spec, data: { hash: { algorithm: 'sha256', value: 'a'.repeat(128) } } } }],
    ['sha512 label on a sha256 digest', { ...good, spec: { ...good.spec, data: { hash: { algorithm: 'sha512', value: good.spec.data.hash.value } } } }],
    ['non-hex digest', { ...good, spec: { ...good.spec, data: { hash: { algorithm: 'sha256', value: 'z'.repeat(64) } } } }],
    ['missing signature', { ...good, spec: { data: good.spec.data } }],
    ['garbage key', { ...good, spec: { ...good.spec, signature: { ...good.spec.signature, publicKey: { content: Buffer.from('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n').toString('base64') } } } }],
  ];
  for (const [name, payload] of cases) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: payload as object });
    t.equal(res.statusCode, 400, name);
    t.match(res.json().message, /^error processing entry: /, name);
  }
});

t.test('a body built by our canonicalizer hashes to its UUID', async (t) => {
  const { app, close } = await makeApp(t.testdir());
  t.teardown(close);
  const [, entry] = only((await app.inject({ method: 'POST', url: '/api/v1/log/entries', payload: hashedrekord('canonical') })).json());
  const body = JSON.parse(Buffer.from(entry.body, 'base64').toString());
  t.equal(Buffer.from(entry.body, 'base64').toString(), canonicalJson(body), 'the stored body is JCS');
  t.equal(body.kind, 'hashedrekord');
  t.match(Buffer.from(body.spec.signature.publicKey.content, 'base64').toString(), /^-----BEGIN PUBLIC KEY-----\n/);
});
