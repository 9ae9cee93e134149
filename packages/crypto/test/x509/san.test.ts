import t from 'tap';
import { derEncode, derOid, TAG_SEQUENCE } from '../../src/keys/der.js';
import { decodeSubjectAltNames, OID_SUBJECT_ALT_NAME, subjectAltNameExtension, subjectAltNames } from '../../src/x509/san.js';
import { buildCa, buildLeaf } from '../fixtures/keys-certs.js';

const INVALID = { code: 'ERR_ENCODING_INVALID' };
const MALFORMED = { code: 'ERR_CERT_MALFORMED' };
const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const utf8 = (s: string) => new TextEncoder().encode(s);
const names = (...gns: Uint8Array[]) => derEncode(TAG_SEQUENCE, ...gns);
const otherName = (oid: string, value: Uint8Array) => derEncode(0xa0, derOid(oid), derEncode(0xa0, value));
const SIGSTORE_USERNAME = '1.3.6.1.4.1.57264.1.7';
const EMPTY = { emails: [], uris: [], dnsNames: [], ipAddresses: [], usernames: [] };

t.test('the username SAN is the Sigstore OtherName layout', async (t) => {
  const ext = subjectAltNameExtension({ type: 'username', value: 'alice!example.com' });
  t.equal(ext.type, OID_SUBJECT_ALT_NAME);
  t.equal(ext.critical, true);
  // SEQUENCE { [0] { OID .7, [0] { UTF8String "alice!example.com" } } }, as sigstore/sigstore cryptoutils writes it.
  t.same([...new Uint8Array(ext.value)], [...hex('3023 a021 060a2b0601040183bf300107 a013 0c11'), ...utf8('alice!example.com')]);
});

t.test('email and URI SANs are rfc822Name and uniformResourceIdentifier', async (t) => {
  const email = subjectAltNameExtension({ type: 'email', value: 'a@example.com' });
  t.same([...new Uint8Array(email.value)], [...hex('300f 810d'), ...ascii('a@example.com')]);
  const uri = subjectAltNameExtension({ type: 'uri', value: 'https://example.com/x' });
  t.same([...new Uint8Array(uri.value)], [...hex('3017 8615'), ...ascii('https://example.com/x')]);
  t.equal(uri.critical, true);
});

t.test('subjectAltNameExtension refuses values that cannot be encoded', async (t) => {
  t.throws(() => subjectAltNameExtension({ type: 'email', value: '' }), INVALID, 'empty');
  t.throws(() => subjectAltNameExtension({ type: 'email', value: 'ä@example.com' }), INVALID, 'non-ascii email');
  t.throws(() => subjectAltNameExtension({ type: 'uri', value: 'https://e.com/a b' }), INVALID, 'space in uri');
  t.throws(() => subjectAltNameExtension({ type: 'uri', value: 'https://e.com/\n' }), INVALID, 'control in uri');
  t.throws(() => subjectAltNameExtension({ type: 'username', value: '\udc00' }), INVALID, 'lone surrogate');
  t.throws(() => subjectAltNameExtension({ type: 'dns', value: 'e.com' } as never), INVALID, 'other type');
  t.throws(() => subjectAltNameExtension({ type: 'email', value: null } as never), INVALID, 'not a string');
  t.equal(subjectAltNameExtension({ type: 'username', value: 'ünï ✓' }).critical, true, 'usernames may be any unicode');
});

t.test('decodeSubjectAltNames reads every supported name kind in order', async (t) => {
  const value = names(
    derEncode(0x81, ascii('a@example.com')),
    derEncode(0x82, ascii('example.com')),
    derEncode(0x86, ascii('https://example.com')),
    derEncode(0x87, hex('7f000001')),
    derEncode(0x87, hex('20010db8000000000000000000000001')),
    otherName(SIGSTORE_USERNAME, derEncode(0x0c, utf8('bob!example.com'))),
    otherName('1.3.6.1.4.1.311.20.2.3', derEncode(0x0c, utf8('upn@example.com'))),
    derEncode(0xa4, names()),
    derEncode(0x88, derOid('1.2.3').subarray(2)),
    derEncode(0x81, ascii('b@example.com')),
  );
  t.same(decodeSubjectAltNames(value), {
    emails: ['a@example.com', 'b@example.com'],
    uris: ['https://example.com'],
    dnsNames: ['example.com'],
    ipAddresses: ['127.0.0.1', '2001:db8::1'],
    usernames: ['bob!example.com'],
  });
});

t.test('IPv6 addresses are written in RFC 5952 form', async (t) => {
  const cases: Record<string, string> = {
    '00000000000000000000000000000000': '::',
    '00000000000000000000000000000001': '::1',
    '00010000000000000000000000000000': '1::',
    '00010000000000010000000000000001': '1:0:0:1::1',
    '00010000000100000001000000010000': '1:0:1:0:1:0:1:0',
    '00010000000000010000000000010001': '1::1:0:0:1:1',
    'fe800000000000000202b3fffe1e8329': 'fe80::202:b3ff:fe1e:8329',
    '20010db8aaaabbbbccccddddeeeeffff': '2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff',
  };
  for (const [bytes, text] of Object.entries(cases)) t.same(decodeSubjectAltNames(names(derEncode(0x87, hex(bytes)))).ipAddresses, [text], text);
});

t.test('decodeSubjectAltNames refuses malformed names', async (t) => {
  const bad: Record<string, Uint8Array> = {
    'not der': hex('30'),
    'not a sequence': hex('3100'),
    'trailing byte': Uint8Array.of(...names(derEncode(0x82, ascii('e.com'))), 0),
    'no names': names(),
    'non-ascii dns name': names(derEncode(0x82, hex('c3a4'))),
    'non-ascii email': names(derEncode(0x81, hex('ff'))),
    'ip of 5 bytes': names(derEncode(0x87, hex('0102030405'))),
    'universal tag': names(derEncode(0x16, ascii('e.com'))),
    'other name without a value': names(derEncode(0xa0, derOid(SIGSTORE_USERNAME))),
    'other name with a non-explicit value': names(derEncode(0xa0, derOid(SIGSTORE_USERNAME), derEncode(0x0c, utf8('x')))),
    'other name with two values': names(derEncode(0xa0, derOid(SIGSTORE_USERNAME), derEncode(0xa0, derEncode(0x0c, utf8('x')), derEncode(0x0c, utf8('y'))))),
    'other name with a bad oid': names(derEncode(0xa0, hex('0600'), derEncode(0xa0, derEncode(0x0c, utf8('x'))))),
    'sigstore username as IA5String': names(otherName(SIGSTORE_USERNAME, derEncode(0x16, ascii('x')))),
    'empty sigstore username': names(otherName(SIGSTORE_USERNAME, derEncode(0x0c, new Uint8Array()))),
    'sigstore username with invalid utf-8': names(otherName(SIGSTORE_USERNAME, derEncode(0x0c, hex('c328')))),
  };
  for (const [name, value] of Object.entries(bad)) t.throws(() => decodeSubjectAltNames(value), MALFORMED, name);
});

t.test('subjectAltNames reads the SAN of a certificate', async (t) => {
  const ca = await buildCa();
  t.same(subjectAltNames(ca), EMPTY, 'no SAN extension');
  t.same(subjectAltNames(await buildLeaf(ca)), { ...EMPTY, usernames: ['alice!example.com'] });
  t.same(subjectAltNames(await buildLeaf(ca, { identity: { type: 'email', value: 'a@example.com' } })), { ...EMPTY, emails: ['a@example.com'] });
  const uri = 'https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1';
  t.same(subjectAltNames(await buildLeaf(ca, { identity: { type: 'uri', value: uri } })), { ...EMPTY, uris: [uri] });
});
