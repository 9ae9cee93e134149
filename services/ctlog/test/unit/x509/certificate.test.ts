import t from 'tap';
import { x509 } from '@sigstack/crypto/x509';
import { OID, oidText, parseCertificateInfo, poisonOf } from '../../../src/x509/certificate.js';
import { derChildren, derDecode, derEncode } from '@sigstack/crypto/der';
import { finalCertTbs, precertTbs, tbsWithoutExtensions } from '../../../src/x509/precert.js';
import { makeIntermediate, makeLeaf, makeRoot } from '../../fixtures/ca.js';
import { CT_GO } from '../../fixtures/vectors.js';
import { derOf } from '../../helpers.js';

const root = await makeRoot();
const intermediate = await makeIntermediate(root);

t.test('the fields of a certificate are read from its DER', async (t) => {
  const leaf = await makeLeaf(intermediate, { poison: 'valid' });
  const info = parseCertificateInfo(leaf.der);
  t.same(info.issuer, new Uint8Array(intermediate.cert.subjectName.toArrayBuffer()));
  t.same(info.spki, new Uint8Array(leaf.cert.publicKey.rawData));
  t.equal(oidText(info.signatureAlgorithm), '1.2.840.10045.4.3.2');
  t.equal(info.ca, false);
  t.equal(poisonOf(info), 'valid');
  const ca = parseCertificateInfo(intermediate.der);
  t.match(ca, { ca: true, pathLen: 0, keyCertSign: true });
  t.equal(parseCertificateInfo(root.der).pathLen, undefined);
  t.equal(poisonOf(parseCertificateInfo(derOf(CT_GO.certPem))), 'absent');
  t.equal(poisonOf(parseCertificateInfo((await makeLeaf(intermediate, { poison: 'non-critical' })).der)), 'invalid');
  t.same(parseCertificateInfo(derOf(CT_GO.caCertPem)).extKeyUsages, []);
  t.equal(oidText(OID.ctPoison), '1.3.6.1.4.1.11129.2.4.3');
});

t.test('removing extensions keeps every other byte of the TBS', async (t) => {
  const leaf = parseCertificateInfo((await makeLeaf(intermediate, { poison: 'valid' })).der);
  const plain = parseCertificateInfo((await makeLeaf(intermediate)).der);
  const without = precertTbs(leaf.tbs);
  const fieldsOf = (tbs: Uint8Array) => derChildren(derDecode(tbs, 'tbs'), 'tbs');
  const before = fieldsOf(leaf.tbs);
  const after = fieldsOf(without);
  t.same(after.slice(0, -1).map((f) => f.raw), before.slice(0, -1).map((f) => f.raw), 'every field before the extensions is unchanged');
  const extsOf = (f: ReturnType<typeof fieldsOf>) => derChildren(derChildren(f[f.length - 1]!, 'x')[0]!, 'x').map((e) => Buffer.from(e.raw).toString('hex'));
  const poison = leaf.extensions.find((e) => e.oid === OID.ctPoison)!;
  t.same(extsOf(after), extsOf(before).filter((e) => e !== Buffer.from(poison.raw).toString('hex')), 'the extensions are the same, in order, without the poison');
  t.same(finalCertTbs(plain.tbs), plain.tbs, 'without an SCT list the final TBS is unchanged');
  const all = tbsWithoutExtensions(plain.tbs, plain.extensions.map((e) => e.oid));
  t.equal(fieldsOf(plain.tbs).at(-1)!.tag, 0xa3);
  t.equal(fieldsOf(all).length, fieldsOf(plain.tbs).length - 1, 'the [3] field is dropped when no extension is left');
  t.equal(fieldsOf(all).at(-1)!.tag, 0x30, 'the subject public key info ends the TBS');
  t.throws(() => tbsWithoutExtensions(parseCertificateInfo(derOf(CT_GO.certPem)).tbs.subarray(0, 10), [OID.ctPoison]), { code: 'ERR_CERT_MALFORMED' });
});

function reencode(der: Uint8Array, mutate: (tbs: Uint8Array, alg: Uint8Array, sig: Uint8Array) => [Uint8Array, Uint8Array, Uint8Array]): Uint8Array {
  const top = derDecode(der, 'c');
  const parts: Uint8Array[] = [];
  let offset = 0;
  while (offset < top.content.length) {
    const child = derDecode(top.content.subarray(offset, offset + 2 + (top.content[offset + 1]! & 0x80 ? (top.content[offset + 1]! & 0x7f) + (Buffer.from(top.content.subarray(offset + 2, offset + 2 + (top.content[offset + 1]! & 0x7f))).readUIntBE(0, top.content[offset + 1]! & 0x7f)) : top.content[offset + 1]!)), 'c');
    parts.push(child.raw);
    offset += child.raw.length;
  }
  return derEncode(0x30, ...mutate(parts[0]!, parts[1]!, parts[2]!));
}

t.test('malformed and non-DER certificates are refused with ERR_CERT_MALFORMED', async (t) => {
  const good = (await makeLeaf(intermediate)).der;
  const dupExt = (await makeLeaf(intermediate, { extensions: [new x509.BasicConstraintsExtension(false), new x509.BasicConstraintsExtension(false)] })).der;
  const otherAlg = derEncode(0x30, Uint8Array.of(0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03));
  let nested: Uint8Array = Uint8Array.of(0x05, 0x00);
  for (let i = 0; i < 40; i++) nested = derEncode(0x30, nested);
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['trailing byte', Uint8Array.of(...good, 0)],
    ['truncated', good.subarray(0, good.length - 1)],
    ['indefinite length', Uint8Array.of(0x30, 0x80, 0x00, 0x00)],
    ['non-minimal length', Uint8Array.of(0x30, 0x81, 0x03, 0x02, 0x01, 0x00)],
    ['high tag', Uint8Array.of(0x1f, 0x01, 0x00)],
    ['too deep', nested],
    ['not three fields', derEncode(0x30, Uint8Array.of(0x02, 0x01, 0x00))],
    ['duplicate extension', dupExt],
    ['inner and outer algorithms differ', reencode(good, (tbs, _alg, sig) => [tbs, otherAlg, sig])],
    ['signature with unused bits', reencode(good, (tbs, alg, sig) => { const s = Uint8Array.from(sig); s[s[1]! & 0x80 ? 3 : 2] = 1; return [tbs, alg, s]; })],
    ['too large', new Uint8Array(64 * 1024 + 1).fill(0x30)],
    ['constructed octet string', derEncode(0x30, derEncode(0x24, Uint8Array.of(0x04, 0x00)))],
  ];
  for (const [name, der] of cases) t.throws(() => parseCertificateInfo(der), { code: 'ERR_CERT_MALFORMED' }, name);
});
