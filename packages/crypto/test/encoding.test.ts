import t from 'tap';
import { parseDecimal, parseHex, parseBase64, toHex, toBase64, bytesEqual, concatBytes, utf8Bytes } from '../src/encoding.js';

t.test('parseDecimal accepts canonical decimals in the safe range', async (t) => {
  t.equal(parseDecimal('0'), 0);
  t.equal(parseDecimal('12345'), 12345);
  t.equal(parseDecimal(String(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
});

t.test('parseDecimal rejects every JS number trap', async (t) => {
  for (const bad of ['', ' 5', '5 ', '+5', '-1', '05', '00', '1e3', '0x10', '1.5', '12abc', '9007199254740992', '18446744073709551616', '1'.repeat(40)]) {
    t.throws(() => parseDecimal(bad, 'size'), { code: 'ERR_ENCODING_INVALID' }, bad);
  }
  t.throws(() => parseDecimal(5 as unknown as string), { code: 'ERR_ENCODING_INVALID' });
});

t.test('parseHex decodes lowercase hex of the asked length', async (t) => {
  t.same([...parseHex('00ff10')], [0, 255, 16]);
  t.same([...parseHex('abcd', 2)], [0xab, 0xcd]);
  t.throws(() => parseHex('ABCD'), { code: 'ERR_ENCODING_INVALID' });
  t.throws(() => parseHex('abc'), { code: 'ERR_ENCODING_INVALID' });
  t.throws(() => parseHex('zz'), { code: 'ERR_ENCODING_INVALID' });
  t.throws(() => parseHex('abcd', 3), { code: 'ERR_ENCODING_INVALID' });
  t.throws(() => parseHex(null as unknown as string), { code: 'ERR_ENCODING_INVALID' });
});

t.test('parseBase64 accepts only standard padded canonical base64', async (t) => {
  t.same([...parseBase64('AAEC')], [0, 1, 2]);
  t.same([...parseBase64('QQ==')], [0x41]);
  t.same([...parseBase64('')], []);
  for (const bad of ['QQ', 'QR==', 'A-_B', 'AA EC', 'AAEC\n', 'A===', '====', 7]) {
    t.throws(() => parseBase64(bad as string), { code: 'ERR_ENCODING_INVALID' }, String(bad));
  }
  t.throws(() => parseBase64('x'.repeat(41)), { code: 'ERR_ENCODING_INVALID' });
});

t.test('byte helpers round-trip and compare', async (t) => {
  const a = new Uint8Array([1, 2, 3]);
  t.equal(toHex(a), '010203');
  t.equal(toBase64(a), 'AQID');
  t.equal(toHex(a.subarray(1)), '0203');
  t.ok(bytesEqual(a, new Uint8Array([1, 2, 3])));
  t.notOk(bytesEqual(a, new Uint8Array([1, 2])));
  t.notOk(bytesEqual(a, new Uint8Array([1, 2, 4])));
  t.same([...concatBytes(a, new Uint8Array([4]))], [1, 2, 3, 4]);
  t.same([...utf8Bytes('é')], [0xc3, 0xa9]);
});
