import t from 'tap';
import { createHash, createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { hashLeaf } from '@sigstack/crypto/merkle';
import {
  encodeDigitallySigned,
  encodeMerkleTreeLeaf,
  encodePrecertChainEntry,
  encodeSct,
  encodeSctList,
  encodeSignedEntry,
  encodeX509ChainEntry,
  parseDigitallySigned,
  parseMerkleTreeLeaf,
  parseSct,
  parseSctList,
  sctSignatureInput,
  sthSignatureInput,
} from '../../../src/ct/structures.js';
import type { Sct, TimestampedEntry } from '../../../src/ct/structures.js';
import { TlsReader } from '../../../src/ct/tls.js';
import { OID, parseCertificateInfo, poisonOf } from '../../../src/x509/certificate.js';
import { derDecode } from '@sigstack/crypto/der';
import { finalCertTbs, precertTbs } from '../../../src/x509/precert.js';
import { CT_GO, FULCIO, GET_ENTRIES, PILOT_STH, SIG_TEST } from '../../fixtures/vectors.js';
import { b64, derOf, hex } from '../../helpers.js';

const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const spkiOf = (key: KeyObject) => new Uint8Array(key.export({ type: 'spki', format: 'der' }));

/** Verifies a TLS DigitallySigned (SHA-256, ECDSA) over `input` with `key`. */
function verifies(key: KeyObject, input: Uint8Array, digitallySigned: Uint8Array): boolean {
  const ds = parseDigitallySigned(digitallySigned);
  return ds.hash === 4 && ds.signatureAlgorithm === 3 && verify('sha256', input, key, ds.signature);
}

function withTimestamp(sct: Sct, t: Omit<TimestampedEntry, 'timestamp' | 'extensions'>): TimestampedEntry {
  return { timestamp: sct.timestamp, extensions: sct.extensions, entry: t.entry };
}

t.test('an SCT of the reference CT server over a certificate verifies over our x509 signature input', async (t) => {
  const key = createPublicKey(CT_GO.logPublicKeyPem);
  const raw = hex(CT_GO.certSctHex);
  const sct = parseSct(raw);
  t.same(sct.logId, sha256(spkiOf(key)), 'the log ID is SHA-256 of the log key');
  t.same(encodeSct(sct), raw, 'the SCT re-encodes to the same bytes');
  const entry = withTimestamp(sct, { entry: { type: 'x509', certificate: derOf(CT_GO.certPem) } });
  t.ok(verifies(key, sctSignatureInput(entry), sct.signature));
  t.equal(Buffer.from(hashLeaf(encodeMerkleTreeLeaf(entry))).toString('base64'), CT_GO.certLeafHashB64, 'the leaf hash matches the reference');
  t.notOk(verifies(key, sctSignatureInput({ ...entry, timestamp: entry.timestamp + 1 }), sct.signature), 'another timestamp fails');
});

t.test('an SCT of the reference CT server over a precertificate verifies over our PreCert entry', async (t) => {
  const key = createPublicKey(CT_GO.logPublicKeyPem);
  const sct = parseSct(hex(CT_GO.precertSctHex));
  const precert = parseCertificateInfo(derOf(CT_GO.precertPem));
  const ca = parseCertificateInfo(derOf(CT_GO.caCertPem));
  t.equal(poisonOf(precert), 'valid');
  const tbs = precertTbs(precert.tbs);
  const poison = precert.extensions.find((e) => e.oid === OID.ctPoison)!;
  t.ok(tbs.length < precert.tbs.length && tbs.length >= precert.tbs.length - poison.raw.length - 2, 'only the poison extension (and length bytes) went');
  const entry = withTimestamp(sct, { entry: { type: 'precert', issuerKeyHash: sha256(ca.spki), tbsCertificate: tbs } });
  t.ok(verifies(key, sctSignatureInput(entry), sct.signature));
  t.equal(Buffer.from(hashLeaf(encodeMerkleTreeLeaf(entry))).toString('base64'), CT_GO.precertLeafHashB64);
  const withPoison = { ...entry, entry: { type: 'precert' as const, issuerKeyHash: sha256(ca.spki), tbsCertificate: precert.tbs } };
  t.notOk(verifies(key, sctSignatureInput(withPoison), sct.signature), 'the TBS with the poison does not verify');
});

t.test('the signatures_test SCT and STH of certificate-transparency-go verify over our inputs', async (t) => {
  const key = createPublicKey(SIG_TEST.publicKeyPem);
  const entry: TimestampedEntry = { timestamp: SIG_TEST.sctTimestamp, entry: { type: 'x509', certificate: hex(SIG_TEST.certDerHex) }, extensions: new Uint8Array(0) };
  t.ok(verifies(key, sctSignatureInput(entry), hex(SIG_TEST.sctSignatureHex)));
  const input = sthSignatureInput(SIG_TEST.sthTimestamp, SIG_TEST.sthTreeSize, hex(SIG_TEST.sthRootHex));
  t.equal(Buffer.from(input.subarray(0, 18)).toString('hex'), '0001' + '00000139fe354384' + '000000000000002a', 'version, tree_hash, timestamp, size');
  t.ok(verifies(key, input, hex(SIG_TEST.sthSignatureHex)));
  t.notOk(verifies(key, sthSignatureInput(SIG_TEST.sthTimestamp, SIG_TEST.sthTreeSize + 1, hex(SIG_TEST.sthRootHex)), hex(SIG_TEST.sthSignatureHex)), 'another size fails');
});

t.test('a tree head of Google\'s Pilot log verifies over our TreeHeadSignature input', async (t) => {
  const key = createPublicKey(PILOT_STH.publicKeyPem);
  t.equal(Buffer.from(sha256(spkiOf(key))).toString('base64'), PILOT_STH.logIdB64);
  const root = b64(PILOT_STH.rootHashB64);
  const signature = b64(PILOT_STH.treeHeadSignatureB64);
  t.ok(verifies(key, sthSignatureInput(PILOT_STH.timestamp, PILOT_STH.treeSize, root), signature));
  t.notOk(verifies(key, sthSignatureInput(PILOT_STH.timestamp + 1, PILOT_STH.treeSize, root), signature));
  const ds = parseDigitallySigned(signature);
  t.same(encodeDigitallySigned(ds.signature), signature, 'DigitallySigned re-encodes to the same bytes');
});

t.test('a Fulcio certificate\'s embedded SCT verifies over the PreCert rebuilt from the final certificate', async (t) => {
  const key = createPublicKey({ key: Buffer.from(FULCIO.ctfePublicKeyB64, 'base64'), format: 'der', type: 'spki' });
  const leaf = parseCertificateInfo(derOf(FULCIO.leafPem));
  const intermediate = parseCertificateInfo(derOf(FULCIO.intermediatePem));
  const ext = leaf.extensions.find((e) => e.oid === OID.ctSctList)!;
  t.notOk(ext.critical);
  const list = derDecode(ext.value, 'sct list octet string');
  t.equal(list.tag, 0x04, 'extnValue holds an OCTET STRING');
  const serialized = parseSctList(list.content);
  t.equal(serialized.length, 1);
  const sct = parseSct(serialized[0]!);
  t.equal(Buffer.from(sct.logId).toString('base64'), FULCIO.logIdB64);
  t.same(encodeSctList([encodeSct(sct)]), list.content, 'the SCT list re-encodes to the same bytes');
  const entry = withTimestamp(sct, { entry: { type: 'precert', issuerKeyHash: sha256(intermediate.spki), tbsCertificate: finalCertTbs(leaf.tbs) } });
  t.ok(verifies(key, sctSignatureInput(entry), sct.signature));
  t.notOk(verifies(key, sctSignatureInput({ ...entry, entry: { type: 'precert', issuerKeyHash: sha256(leaf.spki), tbsCertificate: finalCertTbs(leaf.tbs) } }), sct.signature), 'another issuer key hash fails');
});

t.test('get-entries leaf inputs and extra data of certificate-transparency-go round-trip', async (t) => {
  for (const [name, leafB64, extraB64] of [['x509', GET_ENTRIES.certLeafB64, GET_ENTRIES.certExtraB64], ['precert', GET_ENTRIES.precertLeafB64, GET_ENTRIES.precertExtraB64]] as const) {
    const leafBytes = b64(leafB64);
    const leaf = parseMerkleTreeLeaf(leafBytes);
    t.equal(leaf.entry.type, name);
    t.same(encodeMerkleTreeLeaf(leaf), leafBytes, `${name} leaf re-encodes`);
    const r = new TlsReader(b64(extraB64), 'extra');
    const precertificate = name === 'precert' ? r.vector(3) : undefined;
    const chainReader = new TlsReader(r.vector(3), 'chain');
    r.end();
    const chain: Uint8Array[] = [];
    while (!chainReader.done) chain.push(chainReader.vector(3));
    t.ok(chain.length >= 1);
    const encoded = precertificate ? encodePrecertChainEntry(precertificate, chain) : encodeX509ChainEntry(chain);
    t.same(encoded, b64(extraB64), `${name} extra_data re-encodes`);
    if (precertificate && leaf.entry.type === 'precert') {
      // A real log's precertificate entry: our PreCert TBS and issuer key hash must match it.
      const pre = parseCertificateInfo(precertificate);
      t.same(precertTbs(pre.tbs), leaf.entry.tbsCertificate, 'our PreCert TBS equals the logged one');
      t.same(sha256(parseCertificateInfo(chain[0]!).spki), leaf.entry.issuerKeyHash, 'issuer key hash of the next certificate');
    }
  }
});

t.test('the v1 SCT signature input and the MerkleTreeLeaf are the same bytes', async (t) => {
  const entry: TimestampedEntry = { timestamp: 1_700_000_000_123, entry: { type: 'x509', certificate: Uint8Array.of(1, 2, 3) }, extensions: new Uint8Array(0) };
  const leaf = encodeMerkleTreeLeaf(entry);
  t.same(sctSignatureInput(entry), leaf);
  t.equal(Buffer.from(leaf).toString('hex'), '0000' + '0000018bcfe5687b' + '0000' + '000003010203' + '0000');
  t.equal(Buffer.from(encodeSignedEntry(entry.entry)).toString('hex'), '0000000003010203');
  t.same(parseMerkleTreeLeaf(leaf), entry);
});

t.test('DigitallySigned, SCT and SCT list encodings have the RFC 6962 layout', async (t) => {
  t.equal(Buffer.from(encodeDigitallySigned(Uint8Array.of(0xaa, 0xbb))).toString('hex'), '04030002aabb');
  const sct = { logId: new Uint8Array(32).fill(7), timestamp: 2, extensions: new Uint8Array(0), signature: encodeDigitallySigned(Uint8Array.of(9)) };
  const bytes = encodeSct(sct);
  t.equal(Buffer.from(bytes).toString('hex'), '00' + '07'.repeat(32) + '0000000000000002' + '0000' + '0403000109');
  t.same(parseSct(bytes), sct);
  t.equal(Buffer.from(encodeSctList([bytes])).toString('hex').slice(0, 8), (bytes.length + 2).toString(16).padStart(4, '0') + bytes.length.toString(16).padStart(4, '0'));
});

t.test('malformed TLS input is refused with ERR_ENCODING_INVALID', async (t) => {
  const entry: TimestampedEntry = { timestamp: 5, entry: { type: 'x509', certificate: Uint8Array.of(1) }, extensions: new Uint8Array(0) };
  const leaf = encodeMerkleTreeLeaf(entry);
  const cases: [string, Uint8Array][] = [
    ['truncated', leaf.subarray(0, leaf.length - 1)],
    ['trailing byte', Uint8Array.of(...leaf, 0)],
    ['unknown version', Uint8Array.of(1, ...leaf.subarray(1))],
    ['unknown entry type', (() => { const b = Uint8Array.from(leaf); b[11] = 2; return b; })()],
    ['timestamp above 2^53', (() => { const b = Uint8Array.from(leaf); b[2] = 0xff; return b; })()],
    ['vector longer than the input', (() => { const b = Uint8Array.from(leaf); b[12] = 0xff; return b; })()],
  ];
  for (const [name, bytes] of cases) t.throws(() => parseMerkleTreeLeaf(bytes), { code: 'ERR_ENCODING_INVALID' }, name);
  t.throws(() => parseSct(Uint8Array.of(1)), { code: 'ERR_ENCODING_INVALID' });
  t.throws(() => parseSctList(Uint8Array.of(0, 5, 0)), { code: 'ERR_ENCODING_INVALID' });
  t.throws(() => encodeSignedEntry({ type: 'precert', issuerKeyHash: new Uint8Array(31), tbsCertificate: Uint8Array.of(1) }), { code: 'ERR_ENCODING_INVALID' });
  t.throws(() => sthSignatureInput(1, 2, new Uint8Array(31)), { code: 'ERR_ENCODING_INVALID' });
  t.throws(() => sthSignatureInput(-1, 2, new Uint8Array(32)), { code: 'ERR_ENCODING_INVALID' });
});
