import t from 'tap';
import {
  buildSigstoreExtensions,
  decodeSigstoreExtension,
  encodeSigstoreExtension,
  SIGSTORE_EXTENSIONS,
  SIGSTORE_OID_ARC,
  sigstoreExtension,
  sigstoreExtensionInfo,
  sigstoreExtensions,
  SigstoreOid,
} from '../../src/x509/sigstore-extensions.js';
import { buildCa, buildLeaf, EXTENSION_VALUES } from '../fixtures/keys-certs.js';

const INVALID = { code: 'ERR_ENCODING_INVALID' };
const MALFORMED = { code: 'ERR_CERT_MALFORMED' };
const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const utf8 = (s: string) => new TextEncoder().encode(s);

t.test('the table lists .1–.6 raw and .8–.24 as UTF8String, in Fulcio order', async (t) => {
  t.equal(SIGSTORE_EXTENSIONS.length, 23);
  t.same(
    SIGSTORE_EXTENSIONS.map((e) => Number(e.oid.slice(SIGSTORE_OID_ARC.length + 1))),
    [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
  );
  for (const e of SIGSTORE_EXTENSIONS) {
    const arc = Number(e.oid.split('.').pop());
    t.equal(e.encoding, arc <= 6 ? 'raw' : 'utf8string', e.oid);
    t.ok(e.name.length > 0);
    t.equal(sigstoreExtensionInfo(e.oid), e);
  }
  t.equal(SigstoreOid.otherNameSan, `${SIGSTORE_OID_ARC}.7`);
  t.equal(sigstoreExtensionInfo(SigstoreOid.otherNameSan), undefined, '.7 is not an extension');
  t.equal(sigstoreExtensionInfo('1.3.6.1.4.1.57264.2'), undefined);
  t.equal(new Set(Object.values(SigstoreOid)).size, 24);
  t.ok(Object.isFrozen(SIGSTORE_EXTENSIONS));
});

t.test('deprecated extensions carry raw UTF-8 and V2 ones a DER UTF8String', async (t) => {
  t.same([...encodeSigstoreExtension(SigstoreOid.issuer, 'hello')], [...utf8('hello')]);
  t.same([...encodeSigstoreExtension(SigstoreOid.issuerV2, 'hello')], [...hex('0c05 68656c6c6f')]);
  const long = 'x'.repeat(300);
  t.same([...encodeSigstoreExtension(SigstoreOid.buildSignerUri, long).subarray(0, 4)], [0x0c, 0x82, 0x01, 0x2c]);
  for (const { oid } of SIGSTORE_EXTENSIONS) {
    for (const value of ['https://github.com/o/r/.github/workflows/w.yml@refs/heads/main', 'ünïcödé ✓ 𝄞', long]) {
      t.equal(decodeSigstoreExtension(oid, encodeSigstoreExtension(oid, value)), value, `${oid} round-trips`);
    }
  }
});

t.test('encodeSigstoreExtension refuses unknown OIDs and empty or ill-formed values', async (t) => {
  t.throws(() => encodeSigstoreExtension(SigstoreOid.otherNameSan, 'x'), INVALID, '.7');
  t.throws(() => encodeSigstoreExtension('1.2.3', 'x'), INVALID, 'outside the arc');
  t.throws(() => encodeSigstoreExtension(SigstoreOid.issuerV2, ''), INVALID, 'empty');
  t.throws(() => encodeSigstoreExtension(SigstoreOid.issuerV2, 5 as unknown as string), INVALID, 'not a string');
  t.throws(() => encodeSigstoreExtension(SigstoreOid.issuer, 'a\ud800b'), INVALID, 'lone surrogate');
});

t.test('decodeSigstoreExtension is strict', async (t) => {
  const bad: [string, Uint8Array, string][] = [
    [SigstoreOid.issuerV2, utf8('hello'), 'raw bytes where a UTF8String belongs'],
    [SigstoreOid.issuerV2, hex('0405 68656c6c6f'), 'an OCTET STRING'],
    [SigstoreOid.issuerV2, hex('1605 68656c6c6f'), 'an IA5String'],
    [SigstoreOid.issuerV2, hex('0c05 68656c6c6f 00'), 'a trailing byte'],
    [SigstoreOid.issuerV2, hex('0c8105 68656c6c6f'), 'a BER length'],
    [SigstoreOid.issuerV2, hex('0c02 c328'), 'invalid UTF-8 inside'],
    [SigstoreOid.issuerV2, hex('0c00'), 'an empty UTF8String'],
    [SigstoreOid.issuer, hex('c328'), 'invalid raw UTF-8'],
    [SigstoreOid.issuer, new Uint8Array(), 'an empty raw value'],
  ];
  for (const [oid, value, name] of bad) t.throws(() => decodeSigstoreExtension(oid, value), MALFORMED, name);
  t.throws(() => decodeSigstoreExtension('1.2.3', utf8('x')), INVALID, 'unknown oid');
  t.equal(decodeSigstoreExtension(SigstoreOid.issuer, hex('efbbbf41')), '\ufeffA', 'a BOM is kept, not stripped');
});

t.test('sigstoreExtension builds non-critical extensions', async (t) => {
  const ext = sigstoreExtension(SigstoreOid.runnerEnvironment, 'github-hosted');
  t.equal(ext.type, SigstoreOid.runnerEnvironment);
  t.equal(ext.critical, false);
  t.same([...new Uint8Array(ext.value)], [...encodeSigstoreExtension(SigstoreOid.runnerEnvironment, 'github-hosted')]);
});

t.test('buildSigstoreExtensions keeps Fulcio order and skips empty values', async (t) => {
  const exts = buildSigstoreExtensions({
    [SigstoreOid.tokenSubject]: 'sub',
    [SigstoreOid.issuerV2]: 'https://issuer.example',
    [SigstoreOid.issuer]: 'https://issuer.example',
    [SigstoreOid.buildTrigger]: '',
    [SigstoreOid.sourceRepositoryRef]: undefined,
  });
  t.same(exts.map((e) => e.type), [SigstoreOid.issuer, SigstoreOid.issuerV2, SigstoreOid.tokenSubject]);
  t.same(buildSigstoreExtensions({}), []);
  t.throws(() => buildSigstoreExtensions({ '1.3.6.1.4.1.57264.1.99': 'x' }), INVALID, 'a typo in an oid is caught');
});

t.test('sigstoreExtensions reads every extension back from a certificate', async (t) => {
  const ca = await buildCa();
  const leaf = await buildLeaf(ca);
  t.same(sigstoreExtensions(leaf), EXTENSION_VALUES);
  t.same(sigstoreExtensions(ca), {}, 'a CA certificate has none');
});
