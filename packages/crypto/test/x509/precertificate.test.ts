import t from 'tap';
import { webcrypto } from 'node:crypto';
import { derChildren, derDecode, derEncode } from '../../src/keys/der.js';
import { embeddedScts, OID_SCT_LIST, precertificateTbs, x509 } from '../../src/x509/index.js';

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;

/** A certificate with exactly `extensions`; everything else fixed, so two calls differ only there. */
async function cert(extensions: x509.Extension[]): Promise<Uint8Array> {
  const c = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '0a', name: 'CN=t', notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2026-01-01T00:00:00Z'), keys, signingAlgorithm: SIGNING, extensions,
  });
  return new Uint8Array(c.rawData);
}

const tbsOf = (der: Uint8Array) => Buffer.from(derChildren(derDecode(der))[0]!.raw);
const u16 = (n: number) => Uint8Array.of(n >> 8, n & 0xff);
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

function sct(version: number, timestamp: number, extensions = new Uint8Array(0)): Uint8Array {
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(timestamp));
  return cat(Uint8Array.of(version), new Uint8Array(32).fill(9), ts, u16(extensions.length), extensions, Uint8Array.of(4, 3, 0, 1, 0xee));
}

/** The TLS SCT list: total length, then each SCT with its length. */
function list(...scts: Uint8Array[]): Uint8Array {
  const items = cat(...scts.map((s) => cat(u16(s.length), s)));
  return cat(u16(items.length), items);
}

const sctExtension = (tls: Uint8Array) => new x509.Extension(OID_SCT_LIST, false, derEncode(0x04, tls));
const basic = new x509.BasicConstraintsExtension(false, undefined, true);
const usage = new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true);

t.test('precertificateTbs is the TBS without the sct list extension, lengths re-encoded', async (t) => {
  const withSct = await cert([basic, sctExtension(list(sct(0, 1))), usage]);
  t.same(Buffer.from(precertificateTbs(withSct)!), tbsOf(await cert([basic, usage])));
});

/** `der` with the extensions field of its TBS removed (signature left as is: only the DER matters here). */
function withoutExtensionsField(der: Uint8Array): Uint8Array {
  const [tbs, alg, sig] = derChildren(derDecode(der));
  const fields = derChildren(tbs!).filter((f) => f.tag !== 0xa3).map((f) => f.raw);
  return derEncode(0x30, derEncode(0x30, ...fields), alg!.raw, sig!.raw);
}

t.test('precertificateTbs drops the extensions field when the sct list was its only extension', async (t) => {
  t.same(Buffer.from(precertificateTbs(await cert([sctExtension(list(sct(0, 1)))]))!), tbsOf(withoutExtensionsField(await cert([]))));
});

t.test('a certificate without an sct list has no precertificate tbs and no scts', async (t) => {
  for (const der of [await cert([]), await cert([basic]), withoutExtensionsField(await cert([]))]) {
    t.equal(precertificateTbs(der), undefined);
    t.same(embeddedScts(der), []);
  }
});

t.test('embeddedScts decodes v1 scts in order and skips other versions', async (t) => {
  const scts = embeddedScts(await cert([basic, sctExtension(list(sct(0, 1_700_000_000_123, Uint8Array.of(1, 2)), sct(1, 5), sct(0, 7)))]));
  t.equal(scts.length, 2);
  t.equal(scts[0]!.version, 0);
  t.equal(scts[0]!.timestamp, 1_700_000_000_123);
  t.same(Buffer.from(scts[0]!.logId), Buffer.alloc(32, 9));
  t.same(Buffer.from(scts[0]!.extensions), Buffer.from([1, 2]));
  t.same(Buffer.from(scts[0]!.signature), Buffer.from([4, 3, 0, 1, 0xee]));
  t.equal(scts[1]!.timestamp, 7);
});

t.test('malformed certificates and sct lists are ERR_CERT_MALFORMED', async (t) => {
  const good = list(sct(0, 1));
  const bad: [string, Uint8Array][] = [
    ['not der', Uint8Array.of(0x30, 0x05, 0x01)],
    ['a list whose length is wrong', cat(u16(good.length), good.subarray(2))],
    ['an sct longer than the list', cat(u16(3), u16(200), Uint8Array.of(0))],
  ];
  for (const [name, der] of bad.slice(0, 1)) {
    t.throws(() => precertificateTbs(der), { code: 'ERR_CERT_MALFORMED' }, name);
    t.throws(() => embeddedScts(der), { code: 'ERR_CERT_MALFORMED' }, name);
  }
  for (const [name, tls] of bad.slice(1)) {
    const der = await cert([sctExtension(tls)]);
    t.throws(() => embeddedScts(der), { code: 'ERR_CERT_MALFORMED' }, name);
  }
  const notOctets = await cert([new x509.Extension(OID_SCT_LIST, false, Uint8Array.of(0x05, 0x00))]);
  t.throws(() => embeddedScts(notOctets), { code: 'ERR_CERT_MALFORMED' }, 'a list that is not an octet string');
});
