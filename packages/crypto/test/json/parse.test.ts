import t from 'tap';
import { EncodingError } from '../../src/errors.js';
import { parseJson } from '../../src/json/parse.js';
import type { JsonObject, JsonValue } from '../../src/json/value.js';

const INVALID = { code: 'ERR_JSON_INVALID', name: 'EncodingError' };
const LIMIT = { code: 'ERR_JSON_LIMIT', name: 'EncodingError' };

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** An ASCII-only test label (a raw U+2028 would break the TAP stream). */
const label = (text: string): string =>
  JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Deterministic PRNG (mulberry32) so that the generated cases are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), a | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

t.test('parses every kind of value, with insignificant whitespace anywhere', async (t) => {
  t.equal(parseJson('null'), null);
  t.equal(parseJson('true'), true);
  t.equal(parseJson('false'), false);
  t.equal(parseJson('0'), 0);
  t.equal(parseJson('-12.5e-1'), -1.25);
  t.equal(parseJson('"x"'), 'x');
  t.same(parseJson(' \t\r\n[ 1 , [ ] , { } , { "a" : [ true , null ] } ]\n '), [1, [], {}, { a: [true, null] }]);
  t.same(parseJson('{"a":{"b":{"c":[[["deep"]]]}},"d":-0.5}'), { a: { b: { c: [[['deep']]] } }, d: -0.5 });
});

t.test('objects have a null prototype and keep member order of the text', async (t) => {
  const value = parseJson('{"b":1,"a":{"c":2}}') as JsonObject;
  t.equal(Object.getPrototypeOf(value), null);
  t.equal(Object.getPrototypeOf(value.a), null);
  t.same(Object.keys(value), ['b', 'a']);
  t.ok(Array.isArray(parseJson('[]')));
});

t.test('a "__proto__" key becomes an own data property and never changes a prototype', async (t) => {
  const value = parseJson('{"__proto__":{"polluted":true},"x":{"__proto__":[1]}}') as JsonObject;
  t.equal(Object.getPrototypeOf(value), null);
  t.ok(Object.hasOwn(value, '__proto__'));
  t.same(Object.keys(value), ['__proto__', 'x']);
  t.equal((value as { polluted?: unknown }).polluted, undefined);
  t.equal(({} as { polluted?: unknown }).polluted, undefined);
  const inner = value.x as JsonObject;
  t.equal(Object.getPrototypeOf(inner), null);
  t.ok(Array.isArray(inner['__proto__']));
  t.throws(() => parseJson('{"__proto__":1,"__proto__":2}'), INVALID);
});

t.test('keys named like Object.prototype members are ordinary keys', async (t) => {
  const value = parseJson('{"constructor":1,"toString":2,"hasOwnProperty":3,"valueOf":null}') as JsonObject;
  t.same(Object.keys(value), ['constructor', 'toString', 'hasOwnProperty', 'valueOf']);
  t.equal(value.toString, 2);
  t.equal(value.valueOf, null);
});

t.test('duplicate keys are rejected, also when equal only after unescaping', async (t) => {
  for (const text of [
    '{"a":1,"a":2}',
    '{"a":1,"a":1}',
    '{"a":1,"\\u0061":2}',
    '{"\\u0061":1,"a":1}',
    '{"\\/":1,"/":1}',
    '{"a":1,"b":2,"a":{}}',
    '[{"x":{"y":1,"y":1}}]',
    '{"\\ud83d\\ude00":1,"\ud83d\ude00":2}',
  ]) {
    t.throws(() => parseJson(text), INVALID, label(text));
  }
  t.same(Object.keys(parseJson('{"a":{"a":{"a":1}},"b":{"a":2}}') as JsonObject), ['a', 'b']);
});

t.test('precomposed and decomposed \u00e9 are distinct keys', async (t) => {
  const value = parseJson('{"\\u00e9":1,"e\\u0301":2}') as JsonObject;
  t.equal(value['\u00e9'], 1);
  t.equal(value['e\u0301'], 2);
  t.same(Object.keys(parseJson('{"\u00e9":1,"e\u0301":2}') as JsonObject), ['\u00e9', 'e\u0301']);
});

t.test('string escapes decode to the characters they name', async (t) => {
  t.equal(parseJson('"\\"\\\\\\/\\b\\f\\n\\r\\t"'), '"\\/\b\f\n\r\t');
  t.equal(parseJson('"\\u0041\\u00e9\\u20AC\\uFFFF\\u0000"'), 'A\u00e9\u20ac\uffff\u0000');
  t.equal(parseJson('"\\ud83d\\ude00 and \\uD83D\\uDE00"'), '\ud83d\ude00 and \ud83d\ude00');
  t.equal(parseJson('"a\\nb"'), 'a\nb');
  t.equal(parseJson('"plain ! # \u007f \u00a0 \ue000 \uffff \ud83d\ude00"'), 'plain ! # \u007f \u00a0 \ue000 \uffff \ud83d\ude00');
  t.equal(parseJson('""'), '');
});

t.test('lone surrogates are rejected, escaped or raw, in values and keys', async (t) => {
  for (const text of [
    '"\\ud800"',
    '"\\udc00"',
    '"\\udfff"',
    '"\\ud800x"',
    '"\\ud800\\u0041"',
    '"\\ud800\\ud800"',
    '"\\ud800\\n"',
    '"\\ude00\\ud83d"',
    '"\ud800"',
    '"\udc00"',
    '"\ud800x"',
    '"\ude00\ud83d"',
    '"\ud800',
    '"\ud83d\\ude00"',
    '"\\ud83d\ude00"',
    '{"\\ud800":1}',
    '{"\udfff":1}',
  ]) {
    t.throws(() => parseJson(text), INVALID, label(text));
  }
});

t.test('raw control characters in strings are rejected', async (t) => {
  for (let c = 0; c < 0x20; c++) {
    t.throws(() => parseJson(`"a${String.fromCharCode(c)}b"`), INVALID, `U+${c.toString(16)}`);
  }
  t.throws(() => parseJson('{"a\tb":1}'), INVALID);
});

t.test('invalid escapes are rejected', async (t) => {
  for (const text of ['"\\x41"', '"\\a"', '"\\\'"', '"\\ "', '"\\U0041"', '"\\u12"', '"\\u12G4"', '"\\u-123"', '"\\u', '"\\', '"\\ud800\\uZZZZ"', '"\\ud800\\u12"']) {
    t.throws(() => parseJson(text), INVALID, label(text));
  }
});

t.test('every class of malformed text is rejected with ERR_JSON_INVALID', async (t) => {
  const malformed = [
    // empty, truncated or unterminated
    '',
    ' ',
    '{',
    '[',
    '[1',
    '[1,',
    '{"a"',
    '{"a":',
    '{"a":1',
    '"abc',
    '"abc\\"',
    // structure
    '[1,]',
    '[,1]',
    '[,]',
    '[1 2]',
    '{"a":1,}',
    '{,}',
    '{"a"}',
    '{"a":}',
    '{"a" 1}',
    '{"a":1 "b":2}',
    '{"a":1]',
    '[1}',
    '{a:1}',
    "{'a':1}",
    '{1:2}',
    ']',
    '}',
    ':',
    ',',
    // trailing garbage
    '{} {}',
    '[] x',
    '1 2',
    'truex',
    'null,',
    '"a""b"',
    '[1]\u0000',
    // literals
    'tru',
    'nul',
    'fals',
    'True',
    'NULL',
    'nulL',
    't rue',
    'undefined',
    'NaN',
    'Infinity',
    '-Infinity',
    '[NaN]',
    // numbers
    '01',
    '-01',
    '00',
    '-',
    '--1',
    '+1',
    '.5',
    '1.',
    '1.e5',
    '-.5',
    '1e',
    '1e+',
    '1E-',
    '1ee5',
    '0x10',
    '1_000',
    '\u0661',
    // byte order mark and non-JSON whitespace
    '\ufeff{}',
    ' \ufeff{}',
    '\u00a0[]',
    '[1,\u2028 2]',
    '\v1',
    '\f1',
    // comments
    '/* c */ 1',
    '1 // c',
  ];
  for (const text of malformed) {
    t.throws(() => parseJson(text), INVALID, label(text));
    t.throws(() => JSON.parse(text), SyntaxError, `JSON.parse agrees: ${label(text)}`);
  }
  t.throws(() => parseJson(utf8('{} x')), INVALID);
});

t.test('integer literals must be safe integers', async (t) => {
  t.equal(parseJson('9007199254740991'), Number.MAX_SAFE_INTEGER);
  t.equal(parseJson('-9007199254740991'), -Number.MAX_SAFE_INTEGER);
  for (const text of [
    '9007199254740992', // 2^53: JSON.parse cannot tell it from 2^53 + 1
    '9007199254740993', // 2^53 + 1: JSON.parse rounds it to 2^53
    '-9007199254740992',
    '-9007199254740993', // -2^53 - 1
    '9223372036854775808', // 2^63
    '18446744073709551616', // 2^64
    '1000000000000000000000', // 1e21 as an integer literal
    '1'.repeat(400),
  ]) {
    t.throws(() => parseJson(text), INVALID, label(text));
    t.throws(() => parseJson(`{"n":${text}}`), INVALID, label(text));
  }
});

t.test('numbers with a fraction or exponent are doubles that must not overflow, underflow or hide a large integer', async (t) => {
  t.equal(parseJson('4.50'), 4.5);
  t.equal(parseJson('2e-3'), 0.002);
  t.equal(parseJson('1E30'), 1e30);
  t.equal(parseJson('1e21'), 1e21);
  t.equal(parseJson('-1e+21'), -1e21);
  t.equal(parseJson('1.0'), 1);
  t.equal(parseJson('9007199254740991.0'), Number.MAX_SAFE_INTEGER);
  t.equal(parseJson('333333333.33333329'), 333333333.3333333);
  t.equal(parseJson('5e-324'), 5e-324);
  t.equal(parseJson('1.7976931348623157e308'), Number.MAX_VALUE);
  t.equal(parseJson('0e400'), 0);
  t.equal(parseJson('0.000e-999'), 0);
  t.ok(Object.is(parseJson('-0'), -0));
  t.ok(Object.is(parseJson('-0.0e5'), -0));
  for (const text of [
    '1e400',
    '-1e400',
    '1.8e308',
    '1e-400',
    '-0.1e-400',
    '0.' + '0'.repeat(400) + '1',
    '9007199254740993.0', // would silently become 2^53
    '9007199254740992e0',
    '1e20', // exact, but JCS prints it as an integer literal above 2^53
    '-1.5e16',
    '123456789012345678.9',
  ]) {
    t.throws(() => parseJson(text), INVALID, label(text));
  }
});

t.test('Uint8Array input is decoded as strict UTF-8', async (t) => {
  t.same(parseJson(utf8('{"a":"\u00e9\ud83d\ude00"}')), { a: '\u00e9\ud83d\ude00' });
  t.same(parseJson(new Uint8Array(Buffer.from('[1]'))), [1]);
  t.same(parseJson(utf8('[1,2,3]').subarray(1, 2)), 1);
  const invalid = [
    [0x22, 0xff, 0x22], // never valid in UTF-8
    [0x22, 0xc0, 0xaf, 0x22], // overlong "/"
    [0x22, 0xe0, 0x80, 0xaf, 0x22], // overlong, 3 bytes
    [0x22, 0xed, 0xa0, 0x80, 0x22], // an encoded surrogate (CESU-8)
    [0x22, 0xe2, 0x82, 0x22], // truncated sequence
    [0x22, 0x80, 0x22], // stray continuation byte
    [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22], // above U+10FFFF
    [0x5b, 0x31, 0x5d, 0xc3], // truncated at the end
  ];
  for (const bytes of invalid) {
    t.throws(() => parseJson(new Uint8Array(bytes)), INVALID, bytes.join(','));
  }
});

t.test('a UTF-8 byte order mark is rejected, not skipped', async (t) => {
  t.throws(() => parseJson(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])), INVALID);
  t.same(parseJson(new Uint8Array([0x22, 0xef, 0xbb, 0xbf, 0x22])), '\ufeff');
});

t.test('errors in byte input are reported like errors in text input', async (t) => {
  for (const text of ['["\u00e9",x]', '["\u00e9", "\\q"]', '{"\u00e9":1,"\u00e9":1}', '[1,\n"\ud83d\ude00"\n,]']) {
    t.throws(() => parseJson(utf8(text)), INVALID, label(text));
    t.throws(() => parseJson(text), INVALID, label(text));
  }
});

t.test('input that is neither a string nor a Uint8Array is rejected', async (t) => {
  for (const value of [null, undefined, 1, {}, [], new ArrayBuffer(2), new Uint16Array(2)]) {
    t.throws(() => parseJson(value as unknown as string), INVALID, String(value));
  }
});

t.test('maxBytes bounds the input before parsing, in UTF-8 bytes', async (t) => {
  t.same(parseJson('[1]', { maxBytes: 3 }), [1]);
  t.throws(() => parseJson('[1] ', { maxBytes: 3 }), LIMIT);
  t.equal(parseJson('"\u00e9\u00e9\u00e9"', { maxBytes: 8 }), '\u00e9\u00e9\u00e9');
  t.throws(() => parseJson('"\u00e9\u00e9\u00e9"', { maxBytes: 7 }), LIMIT); // 5 code units but 8 bytes
  t.same(parseJson(utf8('[1]'), { maxBytes: 3 }), [1]);
  t.throws(() => parseJson(utf8('[1] '), { maxBytes: 3 }), LIMIT);
  t.throws(() => parseJson(new Uint8Array([0xff, 0xff]), { maxBytes: 1 }), LIMIT);
  t.throws(() => parseJson('1', { maxBytes: 0 }), LIMIT);
});

t.test('maxDepth bounds nesting, and 100,000-deep input is a limit error, not a RangeError', async (t) => {
  const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
  t.ok(Array.isArray(parseJson(nested(64))));
  t.throws(() => parseJson(nested(65)), LIMIT);
  t.throws(() => parseJson(nested(100_000)), LIMIT);
  t.throws(() => parseJson('['.repeat(100_000)), LIMIT);
  t.throws(() => parseJson('{"a":'.repeat(100_000)), LIMIT);
  t.throws(() => parseJson('[{"a":'.repeat(50_000)), LIMIT);
  t.ok(Array.isArray(parseJson(nested(1000), { maxDepth: 1000 })));
  t.throws(() => parseJson(nested(1001), { maxDepth: 1000 }), LIMIT);
  t.same(parseJson('[[1]]', { maxDepth: 2 }), [[1]]);
  t.throws(() => parseJson('[[1]]', { maxDepth: 1 }), LIMIT);
  t.throws(() => parseJson('[[]]', { maxDepth: 1 }), LIMIT);
  t.throws(() => parseJson('[{}]', { maxDepth: 1 }), LIMIT);
  t.equal(parseJson('"scalars have depth 0"', { maxDepth: 0 }), 'scalars have depth 0');
  t.throws(() => parseJson('[]', { maxDepth: 0 }), LIMIT);
});

t.test('maxValues counts values and keys', async (t) => {
  t.same(parseJson('[1,2,3]', { maxValues: 4 }), [1, 2, 3]);
  t.throws(() => parseJson('[1,2,3]', { maxValues: 3 }), LIMIT);
  t.same(parseJson('{"a":true}', { maxValues: 3 }), { a: true });
  t.throws(() => parseJson('{"a":true}', { maxValues: 2 }), LIMIT);
  t.throws(() => parseJson('{"a":"x"}', { maxValues: 2 }), LIMIT);
  t.throws(() => parseJson('[[],[],[]]', { maxValues: 3 }), LIMIT);
  t.throws(() => parseJson('[' + '[],'.repeat(1_000_000) + '[]]'), LIMIT);
});

t.test('maxStringLength bounds values and keys after unescaping', async (t) => {
  t.equal(parseJson('"abcd"', { maxStringLength: 4 }), 'abcd');
  t.throws(() => parseJson('"abcde"', { maxStringLength: 4 }), LIMIT);
  t.equal(parseJson('"\\u0041\\u0042"', { maxStringLength: 2 }), 'AB');
  t.throws(() => parseJson('"\\u0041\\u0042c"', { maxStringLength: 2 }), LIMIT);
  t.equal(parseJson('"\ud83d\ude00"', { maxStringLength: 2 }), '\ud83d\ude00');
  t.throws(() => parseJson('{"abc":1}', { maxStringLength: 2 }), LIMIT);
});

t.test('errors are only ever EncodingErrors, whatever the input (seeded mutations of valid text)', async (t) => {
  const random = prng(8785);
  const alphabet = ['{', '}', '[', ']', ',', ':', '"', '\\', 'u', 'd', '8', '0', '-', '.', 'e', '1', ' ', 'n', '\ud800', '\u0000', '\u00e9'];
  const seeds = ['{"a":[1,2.5e3,{"b":null}],"c":"x\\u0041y","d":true}', '[[[]],{"k":"v"},-0.5,"\ud83d\ude00"]'];
  let rejected = 0;
  for (let round = 0; round < 3000; round++) {
    const chars = [...seeds[round % seeds.length]!];
    const edits = 1 + Math.floor(random() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * (chars.length + 1));
      const op = random();
      if (op < 0.4) chars.splice(at, 1);
      else if (op < 0.8) chars.splice(at, 0, alphabet[Math.floor(random() * alphabet.length)]!);
      else chars.splice(at, 1, alphabet[Math.floor(random() * alphabet.length)]!);
    }
    const text = chars.join('');
    let ours: JsonValue | EncodingError;
    try {
      ours = parseJson(text);
    } catch (err) {
      if (!(err instanceof EncodingError) || err.code !== 'ERR_JSON_INVALID') {
        t.fail(`unexpected error for ${label(text)}: ${String(err)}`);
      }
      rejected++;
      continue;
    }
    // Whatever we accept, JSON.parse accepts with the same meaning (we are strictly stricter).
    t.same(ours, JSON.parse(text), label(text));
  }
  t.ok(rejected > 1000);
});

t.test('a 1 MB array and a 1 MB string parse', async (t) => {
  const numbers = Array.from({ length: 150_000 }, (_, i) => i * 7);
  const text = JSON.stringify(numbers);
  t.ok(text.length > 1_000_000);
  const parsed = parseJson(text) as number[];
  t.equal(parsed.length, numbers.length);
  t.equal(parsed[149_999], 149_999 * 7);
  const long = 'x'.repeat(1_000_000) + '\\n' + '\u00e9'.repeat(1000);
  const value = parseJson(utf8(`["${long}"]`)) as string[];
  t.equal(value[0]!.length, 1_000_000 + 1 + 1000);
});
