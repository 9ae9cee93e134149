import t from 'tap';
import { x509 } from '@sigstack/crypto/x509';
import { keyPair, makeIntermediate, makeLeaf, makeRoot, pemOf } from '../fixtures/ca.js';
import { chainBody, makeLog } from '../helpers.js';

const root = await makeRoot();
const intermediate = await makeIntermediate(root);
const stranger = await makeRoot('another root');
const strangerLeaf = await makeLeaf(stranger);
const leaf = await makeLeaf(intermediate);
const precert = await makeLeaf(intermediate, { poison: 'valid' });

const b64 = (d: Uint8Array) => Buffer.from(d).toString('base64');

t.test('add-chain and add-pre-chain refuse bad bodies and chains with 400 and a message', async (t) => {
  const { app, ct, close } = await makeLog(t.testdir(), pemOf(root));
  t.teardown(close);
  // An impostor intermediate: same name as the real one, another key.
  const impostor = { ...intermediate, keys: await keyPair() };
  const forged = await makeLeaf(impostor);
  const notCa = await makeLeaf(root, { subject: 'CN=sigstack test intermediate' });
  const underNotCa = await makeLeaf({ ...notCa, cert: notCa.cert });
  const roomy = await makeIntermediate(root, 'intermediate with room below', { pathLen: 1 });
  const precertSigner = await makeIntermediate(roomy, 'precert signer', { extensions: [new x509.ExtendedKeyUsageExtension(['1.3.6.1.4.1.11129.2.4.4'])] });
  const viaPrecertSigner = await makeLeaf(precertSigner, { poison: 'valid' });
  const nonCritical = await makeLeaf(intermediate, { poison: 'non-critical' });
  const badValue = await makeLeaf(intermediate, { poison: 'bad-value' });
  const cases: [string, 'add-chain' | 'add-pre-chain', unknown, RegExp][] = [
    ['not an object', 'add-chain', [1], /JSON object/],
    ['no chain', 'add-chain', { certs: [] }, /"chain" must be an array/],
    ['empty chain', 'add-chain', { chain: [] }, /cert chain was empty/],
    ['not base64', 'add-chain', { chain: ['%%%'] }, /base64/],
    ['not a string', 'add-chain', { chain: [42] }, /chain\[0\]/],
    ['too many', 'add-chain', { chain: Array.from({ length: 11 }, () => b64(leaf.der)) }, /at most 10/],
    ['garbage', 'add-chain', { chain: [b64(Uint8Array.of(0x30, 0x03, 1, 2, 3))] }, /certificate 1 of the chain/],
    ['unknown root', 'add-chain', chainBody(strangerLeaf.der, stranger.der), /not issued by an accepted root/],
    ['forged signature', 'add-chain', chainBody(forged.der, intermediate.der), /signature of certificate 1 of the chain does not verify/],
    ['issuer is no CA', 'add-chain', chainBody(underNotCa.der, notCa.der), /not a CA certificate/],
    ['wrong order', 'add-chain', chainBody(intermediate.der, leaf.der), /certificate 2 of the chain is not issued/],
    ['chain with a gap', 'add-chain', chainBody(leaf.der, root.der), /not issued by the next certificate/],
    ['precertificate to add-chain', 'add-chain', chainBody(precert.der, intermediate.der), /submit precertificates to add-pre-chain/],
    ['certificate to add-pre-chain', 'add-pre-chain', chainBody(leaf.der, intermediate.der), /poison extension .* is missing/],
    ['non-critical poison', 'add-pre-chain', chainBody(nonCritical.der, intermediate.der), /must be critical/],
    ['poison that is not NULL', 'add-pre-chain', chainBody(badValue.der, intermediate.der), /must be critical and hold an ASN.1 NULL/],
    ['non-critical poison to add-chain', 'add-chain', chainBody(nonCritical.der, intermediate.der), /poison/],
    ['precertificate signing certificate', 'add-pre-chain', chainBody(viaPrecertSigner.der, precertSigner.der, roomy.der), /Precertificate Signing Certificate .* not supported/],
  ];
  for (const [name, endpoint, payload, message] of cases) {
    const res = await app.inject({ method: 'POST', url: `/ct/v1/${endpoint}`, payload: payload as object });
    t.equal(res.statusCode, 400, name);
    t.match(res.json(), { code: 400, message }, name);
  }
  t.equal(ct.engine.checkpoint.size, 0, 'nothing was logged');
});

t.test('transport errors: media type, body size, JSON, method', async (t) => {
  const { app, close } = await makeLog(t.testdir(), pemOf(root), { CTLOG_MAX_REQUEST_BYTES: '2048' });
  t.teardown(close);
  const text = await app.inject({ method: 'POST', url: '/ct/v1/add-chain', headers: { 'content-type': 'text/plain' }, payload: 'x' });
  t.equal(text.statusCode, 415);
  const big = await app.inject({ method: 'POST', url: '/ct/v1/add-chain', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ chain: ['A'.repeat(4000)] }) });
  t.equal(big.statusCode, 413);
  const dup = await app.inject({ method: 'POST', url: '/ct/v1/add-chain', headers: { 'content-type': 'application/json' }, payload: '{"chain":[],"chain":[]}' });
  t.equal(dup.statusCode, 400, 'duplicate keys are refused by the strict parser');
  const wrongMethod = await app.inject({ method: 'GET', url: '/ct/v1/add-chain' });
  t.equal(wrongMethod.statusCode, 405);
  t.equal(wrongMethod.headers.allow, 'POST');
  t.equal((await app.inject({ method: 'POST', url: '/ct/v1/get-sth', payload: {} })).statusCode, 405);
  t.equal((await app.inject({ method: 'GET', url: '/ct/v1/nope' })).statusCode, 404);
});

t.test('read endpoints refuse bad parameters with 400, unknown leaves with 404, never 5xx', async (t) => {
  const { app, close } = await makeLog(t.testdir(), pemOf(root));
  t.teardown(close);
  for (let i = 0; i < 3; i++) await app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chainBody((await makeLeaf(intermediate)).der, intermediate.der) });
  const zeros = encodeURIComponent(b64(new Uint8Array(32)));
  const cases: [string, number, RegExp][] = [
    ['get-sth-consistency', 400, /'first' is required/],
    ['get-sth-consistency?first=1', 400, /'second' is required/],
    ['get-sth-consistency?first=2&second=1', 400, /invalid first, second/],
    ['get-sth-consistency?first=1&second=4', 400, /need tree size: 4 for proof but only got: 3/],
    ['get-sth-consistency?first=-1&second=2', 400, /decimal integer/],
    ['get-sth-consistency?first=1e3&second=2', 400, /decimal integer/],
    ['get-sth-consistency?first=0x1&second=2', 400, /decimal integer/],
    ['get-sth-consistency?first=01&second=2', 400, /decimal integer/],
    ['get-sth-consistency?first=1&second=9223372036854775807', 400, /largest safe integer|decimal integer/],
    ['get-sth-consistency?first=1&first=2&second=3', 400, /given once/],
    ['get-proof-by-hash?tree_size=1', 400, /'hash' is required/],
    [`get-proof-by-hash?hash=${zeros}`, 400, /'tree_size' is required/],
    [`get-proof-by-hash?hash=${zeros}&tree_size=0`, 400, /at least 1/],
    ['get-proof-by-hash?hash=AAAA&tree_size=1', 400, /32 bytes/],
    ['get-proof-by-hash?hash=A_A-&tree_size=1', 400, /base64/],
    [`get-proof-by-hash?hash=${zeros}&tree_size=4`, 400, /need tree size: 4/],
    [`get-proof-by-hash?hash=${zeros}&tree_size=3`, 404, /no leaf found/],
    ['get-entries?start=0', 400, /'end' is required/],
    ['get-entries?start=2&end=1', 400, /not a valid range/],
    ['get-entries?start=3&end=5', 400, /need tree size: 4 to get leaves but only got: 3/],
    ['get-entries?start= 1&end=2', 400, /decimal integer/],
    ['get-entry-and-proof?leaf_index=0', 400, /'tree_size' is required/],
    ['get-entry-and-proof?leaf_index=3&tree_size=3', 400, /out of range/],
    ['get-entry-and-proof?leaf_index=0&tree_size=4', 400, /need tree size: 4/],
    ['get-entry-and-proof?leaf_index=0&tree_size=0', 400, /at least 1/],
  ];
  for (const [query, status, message] of cases) {
    const res = await app.inject({ method: 'GET', url: `/ct/v1/${query}` });
    t.equal(res.statusCode, status, query);
    t.match(res.json(), { code: status, message }, query);
  }
});

t.test('a leaf that is in the log but beyond the requested tree size is not found at that size', async (t) => {
  const { app, close } = await makeLog(t.testdir(), pemOf(root));
  t.teardown(close);
  await app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chainBody((await makeLeaf(intermediate)).der, intermediate.der) });
  const second = (await app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chainBody(leaf.der, intermediate.der) })).json();
  const { encodeMerkleTreeLeaf } = await import('../../src/ct/structures.js');
  const { hashLeaf } = await import('@sigstack/crypto/merkle');
  const hash = hashLeaf(encodeMerkleTreeLeaf({ timestamp: second.timestamp, entry: { type: 'x509', certificate: leaf.der }, extensions: new Uint8Array(0) }));
  const q = encodeURIComponent(b64(hash));
  t.equal((await app.inject({ method: 'GET', url: `/ct/v1/get-proof-by-hash?hash=${q}&tree_size=2` })).json().leaf_index, 1);
  t.equal((await app.inject({ method: 'GET', url: `/ct/v1/get-proof-by-hash?hash=${q}&tree_size=1` })).statusCode, 404);
});

t.test('a full pool answers 503 with Retry-After, and the log goes on afterwards', async (t) => {
  const { app, close } = await makeLog(t.testdir(), pemOf(root), { CTLOG_MAX_PENDING: '2', CTLOG_BATCH_MAX_DELAY_MS: '200', CTLOG_BATCH_MAX_ENTRIES: '100' });
  t.teardown(close);
  const leaves = await Promise.all(Array.from({ length: 6 }, () => makeLeaf(intermediate)));
  const results = await Promise.all(leaves.map((l) => app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chainBody(l.der, intermediate.der) })));
  t.same(results.map((r) => r.statusCode).sort(), [200, 200, 503, 503, 503, 503]);
  const refused = results.find((r) => r.statusCode === 503)!;
  t.equal(refused.headers['retry-after'], '1');
  t.match(refused.json(), { code: 503, message: /retry later/ });
  t.equal((await app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chainBody(leaves[5]!.der, intermediate.der) })).statusCode, 200);
});
