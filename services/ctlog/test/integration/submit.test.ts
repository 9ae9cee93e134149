import t from 'tap';
import { createHash } from 'node:crypto';
import { hashLeaf, verifyInclusion } from '@sigstack/crypto/merkle';
import { x509 } from '@sigstack/crypto/x509';
import { encodeMerkleTreeLeaf, encodeSctList, encodeSct, parseMerkleTreeLeaf, sctSignatureInput, sthSignatureInput } from '../../src/ct/structures.js';
import { parseCertificateInfo } from '../../src/x509/certificate.js';
import { finalCertTbs } from '../../src/x509/precert.js';
import { makeIntermediate, makeLeaf, makeRoot, OID_CT_SCT_LIST, pemOf } from '../fixtures/ca.js';
import { b64, chainBody, makeLog, NOW, verifiesB64 } from '../helpers.js';

const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

const root = await makeRoot();
const intermediate = await makeIntermediate(root);

t.test('add-chain logs a certificate durably and returns a v1 SCT over its x509 entry', async (t) => {
  const { app, ct, publicKey, close } = await makeLog(t.testdir(), pemOf(root));
  t.teardown(close);
  const leaf = await makeLeaf(intermediate);
  const res = await app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chainBody(leaf.der, intermediate.der) });
  t.equal(res.statusCode, 200);
  const sct = res.json();
  t.same(Object.keys(sct).sort(), ['extensions', 'id', 'sct_version', 'signature', 'timestamp']);
  t.equal(sct.sct_version, 0);
  t.equal(sct.id, Buffer.from(sha256(ct.key.spki)).toString('base64'), 'id is SHA-256 of the log key');
  t.equal(sct.timestamp, NOW);
  t.equal(sct.extensions, '');
  const entry = { timestamp: sct.timestamp, entry: { type: 'x509' as const, certificate: leaf.der }, extensions: new Uint8Array(0) };
  t.ok(verifiesB64(publicKey, sctSignatureInput(entry), sct.signature), 'the SCT verifies with the log key');
  t.equal(ct.engine.checkpoint.size, 1, 'the entry was committed before the answer');

  const sth = (await app.inject({ method: 'GET', url: '/ct/v1/get-sth' })).json();
  t.equal(sth.tree_size, 1);
  t.ok(sth.timestamp >= sct.timestamp, 'the tree head is not older than the SCT');
  t.ok(verifiesB64(publicKey, sthSignatureInput(sth.timestamp, sth.tree_size, b64(sth.sha256_root_hash)), sth.tree_head_signature));

  const leafHash = hashLeaf(encodeMerkleTreeLeaf(entry));
  const proof = await app.inject({ method: 'GET', url: `/ct/v1/get-proof-by-hash?hash=${encodeURIComponent(Buffer.from(leafHash).toString('base64'))}&tree_size=${sth.tree_size}` });
  t.equal(proof.statusCode, 200);
  t.equal(proof.headers['cache-control'], 'public, max-age=86400');
  const { leaf_index, audit_path } = proof.json();
  t.doesNotThrow(() => verifyInclusion(leaf_index, sth.tree_size, leafHash, audit_path.map(b64), b64(sth.sha256_root_hash)), 'inclusion at the STH size is provable');

  const entries = (await app.inject({ method: 'GET', url: '/ct/v1/get-entries?start=0&end=0' })).json().entries;
  t.equal(entries.length, 1);
  t.same(parseMerkleTreeLeaf(b64(entries[0].leaf_input)), entry);
  const chain = Buffer.from(b64(entries[0].extra_data));
  t.equal(chain.readUIntBE(0, 3), chain.length - 3, 'extra_data is one certificate_chain vector');
  t.same(new Uint8Array(chain.subarray(6, 6 + chain.readUIntBE(3, 3))), intermediate.der, 'the issuer comes first');
  t.ok(chain.includes(Buffer.from(root.der)), 'the accepted root completes the chain');
});

t.test('add-pre-chain logs a precertificate; the SCT verifies over the final certificate with its SCT list', async (t) => {
  const { app, publicKey, close } = await makeLog(t.testdir(), pemOf(root));
  t.teardown(close);
  const keys = (await makeLeaf(intermediate)).keys;
  const precert = await makeLeaf(intermediate, { poison: 'valid', keys, serialNumber: '7a01', subject: 'CN=final' });
  const res = await app.inject({ method: 'POST', url: '/ct/v1/add-pre-chain', payload: chainBody(precert.der, intermediate.der, root.der) });
  t.equal(res.statusCode, 200);
  const sct = res.json();

  // The CA's side: the final certificate has the same fields, the SCT list instead of the poison.
  const serialized = encodeSct({ logId: b64(sct.id), timestamp: sct.timestamp, extensions: b64(sct.extensions), signature: b64(sct.signature) });
  const list = encodeSctList([serialized]);
  const octets = Uint8Array.of(0x04, 0x82, list.length >> 8, list.length & 0xff, ...list);
  const final = await makeLeaf(intermediate, { keys, serialNumber: '7a01', subject: 'CN=final', extensions: [new x509.Extension(OID_CT_SCT_LIST, false, octets)] });
  const info = parseCertificateInfo(final.der);
  const entry = { timestamp: sct.timestamp, entry: { type: 'precert' as const, issuerKeyHash: sha256(parseCertificateInfo(intermediate.der).spki), tbsCertificate: finalCertTbs(info.tbs) }, extensions: new Uint8Array(0) };
  t.ok(verifiesB64(publicKey, sctSignatureInput(entry), sct.signature), 'the SCT verifies over the PreCert rebuilt from the final certificate');

  const logged = (await app.inject({ method: 'GET', url: '/ct/v1/get-entries?start=0&end=5' })).json().entries;
  t.equal(logged.length, 1, 'the range is cut at the tree size');
  t.same(parseMerkleTreeLeaf(b64(logged[0].leaf_input)), entry);
  const extra = Buffer.from(b64(logged[0].extra_data));
  t.same(new Uint8Array(extra.subarray(3, 3 + extra.readUIntBE(0, 3))), precert.der, 'extra_data starts with the precertificate as submitted');
});

t.test('a duplicate submission gets an SCT for the existing entry, also when concurrent and after a restart', async (t) => {
  const dir = t.testdir();
  const first = await makeLog(dir, pemOf(root));
  const leaf = await makeLeaf(intermediate);
  const body = chainBody(leaf.der, intermediate.der);
  const a = (await first.app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: body })).json();
  first.clock.now += 5000;
  const again = (await first.app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chainBody(leaf.der, intermediate.der, root.der) })).json();
  t.equal(again.timestamp, a.timestamp, 'same timestamp for the same certificate, whatever the chain');
  const other = await makeLeaf(intermediate);
  const together = await Promise.all(Array.from({ length: 5 }, () => first.app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chainBody(other.der, intermediate.der) })));
  t.same(new Set(together.map((r) => r.json().timestamp)).size, 1, 'concurrent duplicates share one entry');
  t.equal(first.ct.engine.checkpoint.size, 2);
  const sthBefore = (await first.app.inject({ method: 'GET', url: '/ct/v1/get-sth' })).json();
  await first.close();

  const second = await makeLog(dir, undefined);
  t.teardown(second.close);
  second.clock.now += 60_000;
  const afterRestart = (await second.app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: body })).json();
  t.equal(afterRestart.timestamp, a.timestamp);
  t.same((await second.app.inject({ method: 'GET', url: '/ct/v1/get-sth' })).json(), sthBefore, 'the same tree head, signature included, after a restart');
});

t.test('chains with and without the root, through one intermediate or straight from the root, are accepted', async (t) => {
  const { app, close } = await makeLog(t.testdir(), pemOf(root));
  t.teardown(close);
  const [one, two] = [await makeLeaf(root), await makeLeaf(root)];
  for (const chain of [[one.der], [two.der, root.der], [(await makeLeaf(intermediate)).der, intermediate.der], [root.der]]) {
    const res = await app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chainBody(...chain) });
    t.equal(res.statusCode, 200, `${chain.length} certificates`);
  }
  const entries = (await app.inject({ method: 'GET', url: '/ct/v1/get-entries?start=0&end=3' })).json().entries;
  t.equal(b64(entries[0].extra_data).length, b64(entries[1].extra_data).length, 'the root is in extra_data whether submitted or not');
  t.equal(entries[3].extra_data, 'AAAA', 'a root logged on its own has an empty chain');
});

t.test('get-sth stays the same until the tree grows, and consistency proofs link the heads', async (t) => {
  const { app, clock, close } = await makeLog(t.testdir(), pemOf(root));
  t.teardown(close);
  const empty = (await app.inject({ method: 'GET', url: '/ct/v1/get-sth' })).json();
  t.equal(empty.tree_size, 0);
  t.equal(empty.sha256_root_hash, '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=', 'the empty root is SHA-256 of nothing');
  const heads = [empty];
  for (let i = 0; i < 5; i++) {
    clock.now += 1000;
    await app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chainBody((await makeLeaf(intermediate)).der, intermediate.der) });
    heads.push((await app.inject({ method: 'GET', url: '/ct/v1/get-sth' })).json());
  }
  clock.now += 1000;
  t.same((await app.inject({ method: 'GET', url: '/ct/v1/get-sth' })).json(), heads[5], 'no new head without a new entry');
  t.ok(heads.every((h, i) => i === 0 || h.timestamp > heads[i - 1].timestamp), 'timestamps increase');
  const { verifyConsistency } = await import('@sigstack/crypto/merkle');
  for (const [m, n] of [[1, 5], [2, 5], [3, 4], [4, 4]] as const) {
    const res = await app.inject({ method: 'GET', url: `/ct/v1/get-sth-consistency?first=${m}&second=${n}` });
    t.equal(res.statusCode, 200);
    const proof = res.json().consistency.map(b64);
    t.doesNotThrow(() => verifyConsistency(m, n, b64(heads[m].sha256_root_hash), b64(heads[n].sha256_root_hash), proof), `${m} → ${n}`);
  }
  t.same((await app.inject({ method: 'GET', url: '/ct/v1/get-sth-consistency?first=0&second=5' })).json(), { consistency: [] }, 'from 0 the proof is empty, as CTFE answers');
});

t.test('get-entry-and-proof and get-roots answer in the RFC 6962 shapes', async (t) => {
  const { app, close } = await makeLog(t.testdir(), pemOf(root));
  t.teardown(close);
  for (let i = 0; i < 3; i++) await app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chainBody((await makeLeaf(intermediate)).der, intermediate.der) });
  const sth = (await app.inject({ method: 'GET', url: '/ct/v1/get-sth' })).json();
  const res = (await app.inject({ method: 'GET', url: '/ct/v1/get-entry-and-proof?leaf_index=1&tree_size=3' })).json();
  t.same(Object.keys(res).sort(), ['audit_path', 'extra_data', 'leaf_input']);
  t.doesNotThrow(() => verifyInclusion(1, 3, hashLeaf(b64(res.leaf_input)), res.audit_path.map(b64), b64(sth.sha256_root_hash)));
  const roots = (await app.inject({ method: 'GET', url: '/ct/v1/get-roots' })).json();
  t.same(roots, { certificates: [Buffer.from(root.der).toString('base64')] });
  const health = (await app.inject({ method: 'GET', url: '/healthz' })).json();
  t.match(health, { status: 'SERVING', treeSize: 3, roots: 1 });
});

t.test('a path prefix moves the API, as upstream Fulcio\'s default CT URL needs', async (t) => {
  const { app, close } = await makeLog(t.testdir(), pemOf(root), { CTLOG_PATH_PREFIX: '/test' });
  t.teardown(close);
  t.equal((await app.inject({ method: 'GET', url: '/test/ct/v1/get-sth' })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/ct/v1/get-sth' })).statusCode, 404);
});

t.test('in dev mode a root written after start is accepted once the file changes', async (t) => {
  const dir = t.testdir();
  const { app, close } = await makeLog(dir, undefined);
  t.teardown(close);
  const chain = chainBody((await makeLeaf(intermediate)).der, intermediate.der);
  t.equal((await app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chain })).statusCode, 400, 'no roots yet');
  const { writeFileSync, renameSync } = await import('node:fs');
  writeFileSync(`${dir}/roots.pem.tmp`, pemOf(root));
  renameSync(`${dir}/roots.pem.tmp`, `${dir}/roots.pem`);
  t.equal((await app.inject({ method: 'POST', url: '/ct/v1/add-chain', payload: chain })).statusCode, 200, 'a chain without a root makes the log look at the file at once');
  t.equal((await app.inject({ method: 'GET', url: '/ct/v1/get-roots' })).json().certificates.length, 1);
});
