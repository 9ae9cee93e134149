import t from 'tap';
import { readFileSync } from 'node:fs';
import {
  bigIntToBytes,
  bytesToBigInt,
  derBitStringBytes,
  derCheck,
  derChildren,
  derDecode,
  derEncode,
  derExpect,
  derInteger,
  derOid,
  derOidText,
  derSequence,
  derUnsigned,
  TAG_INTEGER,
  TAG_NULL,
  TAG_OCTET_STRING,
  TAG_SEQUENCE,
} from '../../src/keys/der.js';

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const INVALID = { code: 'ERR_ENCODING_INVALID' };

t.test('derDecode reads one element and its contents', async (t) => {
  const el = derDecode(hex('3003 020105'));
  t.equal(el.tag, TAG_SEQUENCE);
  t.same([...el.content], [2, 1, 5]);
  t.equal(el.raw.length, 5);
  const [child] = derChildren(el);
  t.equal(derUnsigned(child, 'x'), 5n);
});

t.test('derDecode accepts minimal long-form lengths', async (t) => {
  const long = derEncode(TAG_OCTET_STRING, new Uint8Array(200));
  t.same([...long.subarray(0, 3)], [0x04, 0x81, 200]);
  t.equal(derDecode(long).content.length, 200);
  const longer = derEncode(TAG_OCTET_STRING, new Uint8Array(300));
  t.same([...longer.subarray(0, 4)], [0x04, 0x82, 0x01, 0x2c]);
  t.equal(derDecode(longer).content.length, 300);
});

t.test('derDecode rejects BER and truncated encodings', async (t) => {
  const bad = {
    empty: '',
    'missing length': '30',
    'high tag number': '1f0100',
    indefinite: '3080020100 0000',
    'five length octets': '308500000000010000',
    'truncated length': '3082 01',
    'leading zero length octet': '3081 00',
    'leading zero in two-octet length': '308200 05 0500',
    'long form for a short length': '3081 03 020100',
    'length past the end': '3005 0201',
    'trailing bytes': '0500 00',
  };
  for (const [name, value] of Object.entries(bad)) t.throws(() => derDecode(hex(value)), INVALID, name);
});

t.test('derChildren needs a constructed element with whole children', async (t) => {
  t.throws(() => derChildren(derDecode(hex('020101'))), INVALID);
  t.throws(() => derChildren(derDecode(hex('3002 0201'))), INVALID);
  t.same(derChildren(derDecode(hex('3000'))), []);
});

t.test('derExpect and derSequence check tags and counts', async (t) => {
  const seq = derDecode(hex('3006 020101 020102'));
  t.equal(derSequence(seq, 2, 's').length, 2);
  t.equal(derSequence(seq, [1, 3], 's').length, 2);
  t.throws(() => derSequence(seq, 3, 's'), INVALID);
  t.throws(() => derSequence(seq, [3, 4], 's'), INVALID);
  t.throws(() => derSequence(seq, 2, 's', 0x31), INVALID);
  t.throws(() => derExpect(undefined, TAG_NULL, 'n'), INVALID);
  t.equal(derExpect(derDecode(hex('0500')), TAG_NULL, 'n').content.length, 0);
});

t.test('derCheck walks the tree and refuses non-DER values', async (t) => {
  t.equal(derCheck(hex('3013 0101ff 0500 020100 0302 0780 a003 020101 3100'), 4).tag, TAG_SEQUENCE);
  t.doesNotThrow(() => derCheck(hex('3003 0c0161'), 4), 'other primitive universal types pass');
  t.doesNotThrow(() => derCheck(hex('80 03 010203'), 1), 'context primitives are not interpreted');
  const bad = {
    'boolean 0x01': '0101 01',
    'boolean of two bytes': '0102 ffff',
    'empty integer': '0200',
    'integer with redundant zero': '0202 0001',
    'integer with redundant ones': '0202 ff80',
    'null with contents': '0501 00',
    'empty bit string': '0300',
    'bit string with 8 unused bits': '0302 08 00',
    'unused bits without data': '0301 01',
    'non-zero padding bits': '0302 01 01',
    'constructed octet string': '2403 040100',
    'bad child': '3002 0200',
  };
  for (const [name, value] of Object.entries(bad)) t.throws(() => derCheck(hex(value), 4), INVALID, name);
  t.doesNotThrow(() => derCheck(hex('0202 00ff'), 1), 'a needed zero byte is minimal');
  t.doesNotThrow(() => derCheck(hex('0202 ff7f'), 1), 'a needed 0xff byte is minimal');
});

t.test('derCheck fails cleanly on deep nesting', async (t) => {
  let nested = derEncode(TAG_NULL);
  for (let i = 0; i < 20; i++) nested = derEncode(TAG_SEQUENCE, nested);
  t.doesNotThrow(() => derCheck(nested, 21));
  t.throws(() => derCheck(nested, 20), INVALID);
});

t.test('derUnsigned reads non-negative minimal integers', async (t) => {
  t.equal(derUnsigned(derDecode(hex('020100')), 'i'), 0n);
  t.equal(derUnsigned(derDecode(hex('020200ff')), 'i'), 255n);
  t.throws(() => derUnsigned(derDecode(hex('0201ff')), 'i'), INVALID, 'negative');
  t.throws(() => derUnsigned(derDecode(hex('02020001')), 'i'), INVALID, 'non-minimal');
  t.throws(() => derUnsigned(derDecode(hex('0500')), 'i'), INVALID, 'not an integer');
});

t.test('derBitStringBytes returns whole-byte contents only', async (t) => {
  t.same([...derBitStringBytes(derDecode(hex('0303 00abcd')), 'b')], [0xab, 0xcd]);
  t.throws(() => derBitStringBytes(derDecode(hex('0302 0180')), 'b'), INVALID);
  t.throws(() => derBitStringBytes(derDecode(hex('0302 0801')), 'b'), INVALID);
});

t.test('object identifiers round-trip and must be minimal', async (t) => {
  for (const oid of ['1.2.840.10045.2.1', '1.3.6.1.4.1.57264.1.24', '2.5.29.17', '0.9.2342', '2.999.1']) {
    t.equal(derOidText(derDecode(derOid(oid)), 'oid'), oid);
  }
  t.same([...derOid('1.3.6.1.4.1.57264.1.7')], [...hex('060a2b0601040183bf300107')]);
  t.throws(() => derOidText(derDecode(hex('0600')), 'oid'), INVALID, 'empty');
  t.throws(() => derOidText(derDecode(hex('0602 8001')), 'oid'), INVALID, 'leading 0x80');
  t.throws(() => derOidText(derDecode(hex('0602 2a86')), 'oid'), INVALID, 'truncated');
  t.throws(() => derOidText(derEncode(0x06, new Uint8Array(65).fill(1)) && derDecode(derEncode(0x06, new Uint8Array(65).fill(1))), 'oid'), INVALID, 'too long');
  t.throws(() => derOidText(derDecode(hex('020101')), 'oid'), INVALID, 'not an oid');
});

t.test('integers and byte conversions', async (t) => {
  t.same([...derInteger(0n)], [2, 1, 0]);
  t.same([...derInteger(127n)], [2, 1, 127]);
  t.same([...derInteger(128n)], [2, 2, 0, 128]);
  t.same([...bigIntToBytes(0n)], [0]);
  t.same([...bigIntToBytes(258n)], [1, 2]);
  t.same([...bigIntToBytes(258n, 4)], [0, 0, 1, 2]);
  t.equal(bytesToBigInt(new Uint8Array()), 0n);
  t.equal(bytesToBigInt(hex('0102')), 258n);
  t.equal(derDecode(derEncode(TAG_INTEGER, hex('01'), hex('02'))).content.length, 2, 'contents are concatenated');
});

t.test('the der module is published as the @sigstack/crypto/der subpath', async (t) => {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> };
  t.same(manifest.exports['./der'], { types: './dist/keys/der.d.ts', default: './dist/keys/der.js' });
});
