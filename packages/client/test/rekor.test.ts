import t from 'tap';
import { RekorClient } from '../src/index.js';

type Answer = { status?: number; body?: unknown; text?: string };

/** A fetch that answers from a table keyed by `METHOD path?query`, recording request bodies. */
function fake(table: Record<string, Answer>) {
  const seen: { key: string; body?: string }[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const key = `${init?.method ?? 'GET'} ${url.pathname}${url.search}`;
    seen.push({ key, ...(typeof init?.body === 'string' ? { body: init.body } : {}) });
    const a = table[key];
    if (!a) return new Response(null, { status: 404 });
    return new Response(a.text ?? (a.body === undefined ? null : JSON.stringify(a.body)), { status: a.status ?? 200 });
  }) as typeof fetch;
  return { fetch: fetchImpl, seen };
}

const H = 'ab'.repeat(32);
const ENTRY = {
  [`0000000000000001${H}`]: {
    body: Buffer.from('{"kind":"x"}').toString('base64'),
    integratedTime: 1700000000,
    logID: 'cd'.repeat(32),
    logIndex: 7,
    verification: { inclusionProof: { checkpoint: 'note', hashes: [H, H], logIndex: 7, rootHash: H, treeSize: 9 }, signedEntryTimestamp: 'AAEC' },
  },
};

t.test('log info, public key and consistency proofs decode to bytes and numbers', async (t) => {
  const f = fake({
    'GET /api/v1/log': { body: { rootHash: H, treeSize: 9, signedTreeHead: 'note', treeID: '1' } },
    'GET /api/v1/log/publicKey': { text: '-----BEGIN PUBLIC KEY-----\n' },
    'GET /api/v1/log/proof?firstSize=3&lastSize=9': { body: { rootHash: H, hashes: [H] } },
  });
  const c = new RekorClient('http://log.example/', { fetch: f.fetch });
  const info = await c.logInfo();
  t.equal(info.treeSize, 9);
  t.equal(info.rootHash.length, 32);
  t.equal(info.treeId, '1');
  t.equal(await c.publicKey(), '-----BEGIN PUBLIC KEY-----\n');
  t.equal((await c.consistencyProof(3, 9)).hashes.length, 1);
  t.equal(f.seen[0]!.key, 'GET /api/v1/log', 'a trailing slash in the base URL is dropped');
});

t.test('entries decode with their proof and SET; 404 is undefined', async (t) => {
  const f = fake({
    'GET /api/v1/log/entries?logIndex=7': { body: ENTRY },
    [`GET /api/v1/log/entries/${H}`]: { body: ENTRY },
    'POST /api/v1/log/entries/retrieve': { body: [ENTRY, ENTRY] },
    'POST /api/v1/index/retrieve': { body: [`0000000000000001${H}`] },
    'POST /api/v1/log/entries': { status: 201, body: ENTRY },
  });
  const c = new RekorClient('http://log.example', { fetch: f.fetch });
  const e = (await c.entryByIndex(7))!;
  t.equal(e.uuid, H);
  t.equal(e.logIndex, 7);
  t.equal(Buffer.from(e.body).toString(), '{"kind":"x"}');
  t.equal(e.inclusionProof!.hashes.length, 2);
  t.same([...e.signedEntryTimestamp!], [0, 1, 2]);
  t.equal((await c.entryByUuid(H))!.entryId, `0000000000000001${H}`);
  t.equal(await c.entryByIndex(8), undefined);
  t.equal((await c.retrieve({ logIndexes: [7, 7] })).length, 2);
  t.same(JSON.parse(f.seen.at(-1)!.body!), { logIndexes: [7, 7] });
  t.same(await c.searchIndex({ hash: `sha256:${H}` }), [`0000000000000001${H}`]);
  t.equal((await c.createEntry({ kind: 'x' })).logIndex, 7);
});

t.test('malformed answers are ERR_CLIENT_RESPONSE naming what is wrong', async (t) => {
  const bad = (mutate: (e: any) => void) => {
    const copy = structuredClone(ENTRY);
    mutate(copy[`0000000000000001${H}`]);
    return copy;
  };
  const cases: [string, unknown][] = [
    ['not json', undefined],
    ['duplicate keys', undefined],
    ['body not base64', bad((e) => (e.body = 'not base64!'))],
    ['huge index', bad((e) => (e.logIndex = -1))],
    ['short hash', bad((e) => (e.verification.inclusionProof.hashes = ['ab']))],
    ['uppercase root', bad((e) => (e.verification.inclusionProof.rootHash = H.toUpperCase()))],
    ['too many hashes', bad((e) => (e.verification.inclusionProof.hashes = Array(200).fill(H)))],
    ['bad logID', bad((e) => (e.logID = 'x'))],
    ['two entries', { ...ENTRY, [`0000000000000002${H}`]: ENTRY[`0000000000000001${H}`] }],
    ['bad entry id', { nothex: ENTRY[`0000000000000001${H}`] }],
  ];
  for (const [name, body] of cases) {
    const text = name === 'not json' ? '{' : name === 'duplicate keys' ? '{"a":1,"a":2}' : JSON.stringify(body);
    const c = new RekorClient('http://log.example', { fetch: fake({ 'GET /api/v1/log/entries?logIndex=7': { text } }).fetch });
    await t.rejects(c.entryByIndex(7), { code: 'ERR_CLIENT_RESPONSE' }, name);
  }
  const c = new RekorClient('http://log.example', { fetch: fake({ 'POST /api/v1/index/retrieve': { body: ['XYZ'] }, 'GET /api/v1/log': { body: { treeSize: 1 } } }).fetch });
  await t.rejects(c.searchIndex({ email: 'a@b' }), { code: 'ERR_CLIENT_RESPONSE' });
  await t.rejects(c.logInfo(), { code: 'ERR_CLIENT_RESPONSE' });
});

t.test('unexpected statuses are ERR_CLIENT_STATUS with the log message', async (t) => {
  const c = new RekorClient('http://log.example', {
    fetch: fake({ 'GET /api/v1/log/proof?firstSize=9&lastSize=3': { status: 400, body: { code: 400, message: 'firstSize(9) must be less than lastSize(3)' } }, 'POST /api/v1/log/entries': { status: 409, body: { message: 'exists' } } }).fetch,
  });
  await t.rejects(c.consistencyProof(9, 3), { code: 'ERR_CLIENT_STATUS', status: 400, message: /must be less than/ });
  await t.rejects(c.createEntry({}), { code: 'ERR_CLIENT_STATUS', status: 409 });
  await t.rejects(c.logInfo(), { code: 'ERR_CLIENT_STATUS', status: 404 });
});
