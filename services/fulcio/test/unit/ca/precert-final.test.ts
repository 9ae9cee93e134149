import t from 'tap';
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { toHex } from '@sigstack/crypto/encoding';
import { ecdsaDerToRaw } from '@sigstack/crypto/keys';
import { x509 } from '@sigstack/crypto/x509';
import { CertificateAuthority } from '../../../src/ca/certificate-authority.js';
import { derChildren, derDecode, type DerElement, derEncode } from '@sigstack/crypto/der';
import { SigstackError } from '@sigstack/crypto/errors';
import { OID_CT_POISON, OID_CT_SCT_LIST } from '../../../src/ca/leaf-extensions.js';
import { encodeSctList, serializeSct, type SctFields } from '../../../src/ca/sct.js';
import { counterRandom, EMAIL_IDENTITY, makeCA, newKey, NOW, tbsOf } from './helpers.js';

const FIELDS: SctFields = {
  version: 0,
  logId: Uint8Array.from({ length: 32 }, (_, i) => i),
  timestamp: 1_700_000_000_123,
  extensions: new Uint8Array(0),
  signature: Uint8Array.from([4, 3, 0, 3, 0xaa, 0xbb, 0xcc]),
};

/** The TBS with its last extension removed, and that extension: what a CT log or verifier does. */
function splitLastExtension(tbs: Uint8Array): { without: Uint8Array; last: Uint8Array } {
  const fields = derChildren(derDecode(tbs, 'tbs'), 'tbs');
  const wrapper = fields[fields.length - 1] as DerElement;
  const extensions = derChildren(derChildren(wrapper, 'extensions')[0] as DerElement, 'extensions');
  const last = (extensions.pop() as DerElement).raw;
  const rebuilt = derEncode(0x30, ...fields.slice(0, -1).map((f) => f.raw), derEncode(0xa3, derEncode(0x30, ...extensions.map((e) => e.raw))));
  return { without: rebuilt, last: new Uint8Array(last) };
}

t.test('the final TBS is the precertificate TBS with the poison replaced by the SCT list', async (t) => {
  const { ca } = await makeCA();
  const leaf = ca.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info);
  const sct = serializeSct(FIELDS);
  const pre = splitLastExtension(tbsOf(await ca.buildPrecertificate(leaf)));
  const fin = splitLastExtension(tbsOf(await ca.buildFinalCertificate(leaf, [sct])));
  t.equal(toHex(pre.without), toHex(fin.without), 'same TBS once the last extension is removed');
  t.equal(toHex(pre.without), toHex(leaf.tbs()), 'and it is the TBS the CT log signs (leaf.tbs())');
  const poison = new x509.Extension(pre.last);
  t.equal(poison.type, OID_CT_POISON);
  t.equal(poison.critical, true);
  const sctExtension = new x509.Extension(fin.last);
  t.equal(sctExtension.type, OID_CT_SCT_LIST);
  t.equal(sctExtension.critical, false);
  // extnValue = OCTET STRING { u16 list length ‖ u16 sct length ‖ sct }.
  const octets = derDecode(new Uint8Array(sctExtension.value), 'sct list');
  t.equal(octets.tag, 0x04);
  t.equal(toHex(octets.content), toHex(Uint8Array.from([0, sct.length + 2, 0, sct.length, ...sct])));
});

t.test('precertificate and final certificate share serial, validity, issuer and key, and both verify', async (t) => {
  const { ca } = await makeCA();
  const leaf = ca.prepareLeaf(EMAIL_IDENTITY, newKey('P-384').info);
  const preDer = await ca.buildPrecertificate(leaf);
  const finDer = await ca.buildFinalCertificate(leaf, [serializeSct(FIELDS)]);
  const pre = new x509.X509Certificate(Uint8Array.from(preDer));
  const fin = new x509.X509Certificate(Uint8Array.from(finDer));
  for (const field of ['serialNumber', 'issuer', 'subject'] as const) t.equal(fin[field], pre[field], field);
  t.equal(fin.notBefore.getTime(), pre.notBefore.getTime());
  t.equal(fin.notAfter.getTime(), pre.notAfter.getTime());
  t.same(fin.extensions.slice(0, -1).map((e) => toHex(new Uint8Array(e.rawData))), pre.extensions.slice(0, -1).map((e) => toHex(new Uint8Array(e.rawData))));
  const caKey = new NodeCertificate(ca.chain[0] as Uint8Array).publicKey;
  t.ok(new NodeCertificate(preDer).verify(caKey));
  t.ok(new NodeCertificate(finDer).verify(caKey));
  t.not(toHex(preDer), toHex(finDer));
});

t.test('several SCTs are embedded in order', async (t) => {
  const { ca } = await makeCA();
  const leaf = ca.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info);
  const a = serializeSct(FIELDS);
  const b = serializeSct({ ...FIELDS, timestamp: 5n, extensions: Uint8Array.of(1, 2) });
  const fin = new x509.X509Certificate(Uint8Array.from(await ca.buildFinalCertificate(leaf, [a, b])));
  const list = derDecode(new Uint8Array((fin.getExtension(OID_CT_SCT_LIST) as x509.Extension).value), 'sct list').content;
  t.equal(toHex(list), toHex(encodeSctList([a, b])));
  t.equal(toHex(list), toHex(Uint8Array.from([0, a.length + b.length + 4, 0, a.length, ...a, 0, b.length, ...b])));
});

t.test('an SCT serializes as RFC 6962 §3.2 lays it out', async (t) => {
  const sct = serializeSct(FIELDS);
  const expected = ['00', toHex(FIELDS.logId), '0000018bcfe5687b', '0000', '0403', '0003', 'aabbcc'].join('');
  t.equal(toHex(sct), expected);
  t.equal(toHex(serializeSct({ ...FIELDS, timestamp: 1_700_000_000_123n })), expected, 'bigint timestamps too');
});

t.test('malformed SCT fields and lists are refused with ERR_CLIENT_RESPONSE', async (t) => {
  const bad: Partial<SctFields>[] = [
    { version: 1 },
    { logId: new Uint8Array(31) },
    { timestamp: -1 },
    { timestamp: 2 ** 53 },
    { timestamp: 1n << 64n },
    { extensions: new Uint8Array(0x10000) },
    { signature: Uint8Array.of(4, 3, 0, 0) },
    { signature: Uint8Array.of(4, 3, 0, 5, 1) },
    { signature: Uint8Array.of(4, 3) },
  ];
  for (const change of bad) t.throws(() => serializeSct({ ...FIELDS, ...change }), { code: 'ERR_CLIENT_RESPONSE' }, JSON.stringify(Object.keys(change)));
  const good = serializeSct(FIELDS);
  t.throws(() => encodeSctList([]), { code: 'ERR_CLIENT_RESPONSE' });
  t.throws(() => encodeSctList([good.subarray(0, 40)]), { code: 'ERR_CLIENT_RESPONSE' });
  t.throws(() => encodeSctList([Uint8Array.from([...good, 0])]), { code: 'ERR_CLIENT_RESPONSE' }, 'trailing byte');
  t.throws(() => encodeSctList([Uint8Array.from([1, ...good.subarray(1)])]), { code: 'ERR_CLIENT_RESPONSE' }, 'version 1');
  const truncatedExtensions = Uint8Array.from(good);
  truncatedExtensions[42] = 0xff;
  t.throws(() => encodeSctList([truncatedExtensions]), { code: 'ERR_CLIENT_RESPONSE' });
  t.throws(() => encodeSctList(['x' as unknown as Uint8Array]), { code: 'ERR_CLIENT_RESPONSE' });
  const huge = serializeSct({ ...FIELDS, extensions: new Uint8Array(40_000) });
  t.throws(() => encodeSctList([huge, huge]), { code: 'ERR_CLIENT_RESPONSE' }, 'list longer than a u16');
  const { ca } = await makeCA();
  await t.rejects(ca.buildFinalCertificate(ca.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info), []), { code: 'ERR_CLIENT_RESPONSE' });
});

t.test('a signer outage or a bad signature yields a 503 error and no certificate', async (t) => {
  const base = await makeCA();
  const withSign = (sign: (data: Uint8Array) => Promise<Uint8Array>) =>
    new CertificateAuthority({ signer: { ...base.signer, signer: { ...base.signer.signer, sign } }, clock: () => NOW, random: counterRandom() });
  const down = withSign(async () => Promise.reject(new SigstackError('ERR_SIGNER_UNAVAILABLE', 'token removed')));
  const leaf = down.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info);
  await t.rejects(down.buildPrecertificate(leaf), { code: 'ERR_SIGNER_UNAVAILABLE' });
  await t.rejects(down.buildFinalCertificate(leaf, [serializeSct(FIELDS)]), { code: 'ERR_SIGNER_UNAVAILABLE' });

  const faulty = withSign(async (data) => base.signer.signer.sign(Uint8Array.from([...data, 0])));
  const faultyLeaf = faulty.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info);
  await t.rejects(faulty.buildFinalCertificate(faultyLeaf, [serializeSct(FIELDS)]), { code: 'ERR_CA_UNAVAILABLE', message: /does not verify/ });
  // The precertificate is not checked here: the CT log verifies it against the chain before logging.
  t.ok(await faulty.buildPrecertificate(faultyLeaf));

  // X.509 wants DER ECDSA signatures: a signer answering raw r ‖ s is caught too.
  const raw = withSign(async (data) => ecdsaDerToRaw(await base.signer.signer.sign(data), 'P-256'));
  await t.rejects(raw.buildFinalCertificate(raw.prepareLeaf(EMAIL_IDENTITY, newKey('P-256').info), [serializeSct(FIELDS)]), { code: 'ERR_CA_UNAVAILABLE' });
});

t.test('each prepared leaf gets its own serial from the default random source', async (t) => {
  const { signer } = await makeCA();
  const ca = new CertificateAuthority({ signer, clock: () => NOW });
  const key = newKey('P-256').info;
  const serials = new Set(Array.from({ length: 50 }, () => toHex(ca.prepareLeaf(EMAIL_IDENTITY, key).fields.serial)));
  t.equal(serials.size, 50);
});

t.test('the issuer key hash is SHA-256 of the issuing certificate SPKI', async (t) => {
  const { ca } = await makeCA();
  const spki = new NodeCertificate(ca.chain[0] as Uint8Array).publicKey.export({ type: 'spki', format: 'der' });
  const { createHash } = await import('node:crypto');
  t.equal(toHex(ca.issuerKeyHash), createHash('sha256').update(spki).digest('hex'));
  t.equal(ca.chain.length, 2);
  await ca.close();
});
