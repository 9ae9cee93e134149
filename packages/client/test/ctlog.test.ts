import t from 'tap';
import { createPublicKey } from 'node:crypto';
import { CtLogClient, serializeSct, sctListExtensionValue, verifySct } from '../src/index.js';
import type { CtSct } from '../src/index.js';
import { VECTORS } from './fixtures/ct-vectors.js';

type Answer = { status?: number; body?: unknown };

/** A fetch that answers from a table keyed by `METHOD path?query`, recording request bodies. */
function fake(table: Record<string, Answer>) {
  const seen: { key: string; body?: string }[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const key = `${init?.method ?? 'GET'} ${url.pathname}${url.search}`;
    seen.push({ key, ...(typeof init?.body === 'string' ? { body: init.body } : {}) });
    const a = table[key];
    if (!a) return new Response(null, { status: 404 });
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status ?? 200 });
  }) as typeof fetch;
  return { fetch: fetchImpl, seen };
}

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const ID = b64(new Uint8Array(32).fill(1));
const H = b64(new Uint8Array(32).fill(2));

/** The reference SCT (TLS) as the JSON add-chain answer carries it. */
function sctJson(tls: Uint8Array) {
  const view = Buffer.from(tls);
  return { sct_version: 0, id: b64(tls.subarray(1, 33)), timestamp: Number(view.readBigUInt64BE(33)), extensions: '', signature: b64(tls.subarray(43)) };
}

t.test('add-pre-chain posts the chain in base64 under the prefix and decodes the SCT', async (t) => {
  const f = fake({ 'POST /test/ct/v1/add-pre-chain': { body: sctJson(hex(VECTORS.precertSctHex)) } });
  const c = new CtLogClient('http://ct.example/test/', { fetch: f.fetch });
  const sct = await c.addPreChain([Uint8Array.of(1, 2), Uint8Array.of(3)]);
  t.same(JSON.parse(f.seen[0]!.body!), { chain: ['AQI=', 'Aw=='] });
  t.equal(sct.timestamp, 1365181456275);
  t.same(serializeSct(sct), hex(VECTORS.precertSctHex), 'serializes back to the log\'s TLS bytes');
  const key = createPublicKey(VECTORS.logPublicKeyPem);
  t.ok(verifySct(sct, key, { precert: { issuerSpki: hex(VECTORS.issuerSpkiHex), tbsCertificate: hex(VECTORS.precertTbsHex) } }), 'the reference precertificate SCT verifies');
  t.notOk(verifySct({ ...sct, timestamp: sct.timestamp + 1 }, key, { precert: { issuerSpki: hex(VECTORS.issuerSpkiHex), tbsCertificate: hex(VECTORS.precertTbsHex) } }));
});

t.test('add-chain decodes the SCT, which verifies for the x509 entry', async (t) => {
  const f = fake({ 'POST /ct/v1/add-chain': { body: sctJson(hex(VECTORS.certSctHex)) } });
  const sct = await new CtLogClient('http://ct.example', { fetch: f.fetch }).addChain([hex(VECTORS.certDerHex)]);
  const key = createPublicKey(VECTORS.logPublicKeyPem);
  t.ok(verifySct(sct, key, { certificate: hex(VECTORS.certDerHex) }));
  t.notOk(verifySct({ ...sct, logId: new Uint8Array(32) }, key, { certificate: hex(VECTORS.certDerHex) }), 'another log ID fails');
  t.notOk(verifySct({ ...sct, signature: sct.signature.subarray(0, 10) }, key, { certificate: hex(VECTORS.certDerHex) }), 'a truncated DigitallySigned fails');
});

t.test('the SCT list extension value has the TLS layout inside an OCTET STRING', async (t) => {
  const ext = hex(VECTORS.fulcioSctListExtensionHex);
  // Rebuild the one SCT of a real Fulcio certificate from its fields and encode the list again.
  const tls = ext.subarray(2 + 2 + 2);
  const view = Buffer.from(tls);
  const sct: CtSct = { version: 0, logId: tls.subarray(1, 33), timestamp: Number(view.readBigUInt64BE(33)), extensions: new Uint8Array(0), signature: tls.subarray(43) };
  t.same(sctListExtensionValue([sct]), ext);
  const two = sctListExtensionValue([sct, sct]);
  t.equal(two[0], 0x04);
  t.equal(two[1], 0x81, 'a longer list gets a long-form DER length');
});

t.test('tree heads, proofs, entries and roots decode; a 404 proof is undefined', async (t) => {
  const f = fake({
    'GET /ct/v1/get-sth': { body: { tree_size: 3, timestamp: 5, sha256_root_hash: H, tree_head_signature: 'BAMAAA==' } },
    'GET /ct/v1/get-sth-consistency?first=1&second=3': { body: { consistency: [H, H] } },
    [`GET /ct/v1/get-proof-by-hash?hash=${encodeURIComponent(H)}&tree_size=3`]: { body: { leaf_index: 2, audit_path: [H] } },
    'GET /ct/v1/get-entries?start=0&end=1': { body: { entries: [{ leaf_input: 'AAA=', extra_data: '' }, { leaf_input: 'AQ==', extra_data: 'AAAA' }] } },
    'GET /ct/v1/get-roots': { body: { certificates: ['MAA='] } },
    'GET /ct/v1/get-entry-and-proof?leaf_index=0&tree_size=3': { body: { leaf_input: 'AAA=', extra_data: 'AAAA', audit_path: [H, H] } },
  });
  const c = new CtLogClient('http://ct.example', { fetch: f.fetch });
  t.match(await c.getSth(), { treeSize: 3, timestamp: 5 });
  t.equal((await c.getSthConsistency(1, 3)).length, 2);
  t.equal((await c.getProofByHash(new Uint8Array(32).fill(2), 3))?.leafIndex, 2);
  t.equal(await c.getProofByHash(new Uint8Array(32), 3), undefined);
  t.equal((await c.getEntries(0, 1)).length, 2);
  t.same(await c.getRoots(), [Uint8Array.of(0x30, 0)]);
  t.equal((await c.getEntryAndProof(0, 3)).auditPath.length, 2);
});

t.test('malformed answers are ERR_CLIENT_RESPONSE and refusals ERR_CLIENT_STATUS with the log\'s message', async (t) => {
  const good = sctJson(hex(VECTORS.certSctHex));
  const cases: [string, unknown][] = [
    ['short id', { ...good, id: b64(new Uint8Array(31)) }],
    ['v2', { ...good, sct_version: 1 }],
    ['negative time', { ...good, timestamp: -1 }],
    ['not base64', { ...good, signature: '%%' }],
    ['not an object', [good]],
  ];
  for (const [name, body] of cases) {
    const f = fake({ 'POST /ct/v1/add-chain': { body } });
    await t.rejects(new CtLogClient('http://ct.example', { fetch: f.fetch }).addChain([Uint8Array.of(1)]), { code: 'ERR_CLIENT_RESPONSE' }, name);
  }
  const f = fake({
    'POST /ct/v1/add-chain': { status: 400, body: { code: 400, message: 'chain does not verify' } },
    'GET /ct/v1/get-entries?start=0&end=0': { body: { entries: [{ leaf_input: 'AA==', extra_data: '' }, { leaf_input: 'AA==', extra_data: '' }] } },
  });
  const c = new CtLogClient('http://ct.example', { fetch: f.fetch, retries: 0 });
  await t.rejects(c.addChain([Uint8Array.of(1)]), { code: 'ERR_CLIENT_STATUS', status: 400, message: /chain does not verify/ });
  await t.rejects(c.getEntries(0, 0), { code: 'ERR_CLIENT_RESPONSE', message: /at most 1 items/ }, 'more entries than asked for');
  await t.rejects(c.getSth(), { code: 'ERR_CLIENT_STATUS', status: 404 });
});
