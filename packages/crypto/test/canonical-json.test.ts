import t from 'tap';
import canonicalize from 'canonicalize';
import {
  canonicalJson,
  canonicalJsonBytes,
  canonicalizeText,
  DEFAULT_JSON_LIMITS,
  MAX_JSON_DEPTH,
  parseJson,
  type JsonObject,
  type JsonValue,
} from '../src/canonical-json.js';
import { toHex, utf8Bytes } from '../src/encoding.js';
import { isExactJsonNumber, isWellFormedString } from '../src/json/value.js';

const INVALID = { code: 'ERR_JSON_INVALID', name: 'EncodingError' };
const LIMIT = { code: 'ERR_JSON_LIMIT', name: 'EncodingError' };

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

/** The double with the given IEEE 754 bits (16 hex digits, big-endian). */
function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

/** An ASCII-only test label. */
const label = (text: string): string =>
  JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

// RFC 8785 §3.2.2: the example object, as JSON text.
const RFC_3_2_2_INPUT = `{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
  "literals": [null, true, false]
}`;
const RFC_3_2_2_OUTPUT =
  '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';

// RFC 8785 §3.2.3: property sorting by UTF-16 code units (the emoji, D83D DE00, sorts before U+FB33).
const RFC_3_2_3_INPUT = `{
  "\\u20ac": "Euro Sign",
  "\\r": "Carriage Return",
  "\\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\\ud83d\\ude00": "Emoji: Grinning Face",
  "\\u0080": "Control",
  "\\u00f6": "Latin Small Letter O With Diaeresis"
}`;
const RFC_3_2_3_OUTPUT =
  '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
  '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}';

// RFC 8785 Appendix B: IEEE 754 bits → JCS number text.
const APPENDIX_B: readonly [string, string][] = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
];
// The Appendix B values that are integers in (2^53 − 1, 1e21): JCS prints them as integer literals
// beyond the safe range, which parseJson refuses, so canonicalJson refuses them too.
const OUTSIDE_OUR_DOMAIN = new Set(['4340000000000000', 'c340000000000000', '4430000000000000', '444b1ae4d6e2ef4e', '444b1ae4d6e2ef4f']);

t.test('the RFC 8785 §3.2.2 example canonicalizes as the RFC shows', async (t) => {
  t.equal(canonicalizeText(RFC_3_2_2_INPUT), RFC_3_2_2_OUTPUT);
  t.equal(canonicalizeText(utf8Bytes(RFC_3_2_2_INPUT)), RFC_3_2_2_OUTPUT);
});

t.test('the RFC 8785 §3.2.3 example sorts keys by UTF-16 code units', async (t) => {
  t.equal(canonicalizeText(RFC_3_2_3_INPUT), RFC_3_2_3_OUTPUT);
  // Non-BMP (surrogate pair D83D DE00) before BMP U+FB33, although U+1F600 > U+FB33 as code points.
  t.equal(canonicalJson({ '\ufb33': 1, '\ud83d\ude00': 2 }), '{"\ud83d\ude00":2,"\ufb33":1}');
  t.equal(canonicalizeText('{"\\ufb33":1,"\\ud83d\\ude00":2}'), '{"\ud83d\ude00":2,"\ufb33":1}');
  t.equal(canonicalJson({ b: 1, a: 2, B: 3, aa: 4, '': 5 }), '{"":5,"B":3,"a":2,"aa":4,"b":1}');
});

t.test('the RFC 8785 Appendix B numbers serialize as the RFC shows', async (t) => {
  for (const [bits, text] of APPENDIX_B) {
    const value = fromBits(bits);
    t.equal(canonicalize(value), text, `canonicalize ${bits}`);
    if (OUTSIDE_OUR_DOMAIN.has(bits)) {
      t.throws(() => canonicalJson(value), INVALID, `canonicalJson refuses ${bits}`);
    } else {
      t.equal(canonicalJson(value), text, `canonicalJson ${bits}`);
      t.equal(canonicalizeText(text), text, `canonicalizeText ${text}`);
    }
  }
});

t.test('number text is normalized the JCS way', async (t) => {
  const cases: [string, string][] = [
    ['1e21', '1e+21'],
    ['-0', '0'],
    ['-0.0', '0'],
    ['4.50', '4.5'],
    ['2e-3', '0.002'],
    ['0.000001', '0.000001'],
    ['1e-7', '1e-7'],
    ['1E30', '1e+30'],
    ['1.0', '1'],
    ['100', '100'],
    ['1e2', '100'],
    ['0.1e1', '1'],
    ['9007199254740991', '9007199254740991'],
    ['-9007199254740991', '-9007199254740991'],
    ['123456789012345678901234567890.0', '1.2345678901234568e+29'],
  ];
  for (const [input, output] of cases) {
    t.equal(canonicalizeText(input), output, input);
    t.equal(canonicalizeText(`[${input}]`), `[${output}]`, input);
  }
});

t.test('1e400, 2^53, 2^53 + 1, 2^63 and -2^53 - 1 are rejected, not rounded', async (t) => {
  for (const text of ['1e400', '-1e400', '9007199254740992', '9007199254740993', '9223372036854775808', '-9007199254740993', '9007199254740993.0']) {
    t.throws(() => canonicalizeText(text), INVALID, text);
  }
  for (const value of [2 ** 53, 2 ** 53 + 2, 2 ** 63, -(2 ** 53) - 2, 1e20, -999999999999999900000]) {
    t.throws(() => canonicalJson(value), INVALID, String(value));
  }
  t.equal(canonicalJson(2 ** 53 - 1), '9007199254740991');
  t.equal(canonicalJson(1e21), '1e+21');
  t.equal(canonicalJson(-(2 ** 70)), '-1.1805916207174113e+21');
  t.equal(canonicalJson(2 ** 53 + 0.5 - 0.5 - 1), '9007199254740991');
  t.equal(canonicalJson(4503599627370495.5), '4503599627370495.5');
});

t.test('isExactJsonNumber accepts finite doubles except integers in (2^53 − 1, 1e21)', async (t) => {
  for (const n of [0, -0, 1.5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e21, -1e21, Number.MAX_VALUE, 5e-324, 4503599627370495.5]) {
    t.ok(isExactJsonNumber(n), String(n));
  }
  for (const n of [Number.NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53), 1e20, 999999999999999900000]) {
    t.notOk(isExactJsonNumber(n), String(n));
  }
});

t.test('strings serialize with the minimal JCS escapes', async (t) => {
  t.equal(canonicalJson('\u0000\u0001\u000f\u001f'), '"\\u0000\\u0001\\u000f\\u001f"');
  t.equal(canonicalJson('\b\f\n\r\t"\\'), '"\\b\\f\\n\\r\\t\\"\\\\"');
  t.equal(canonicalJson('/ \u007f \u0080 \u2028 \u2029 \u00e9 \ud83d\ude00 <script>'), '"/ \u007f \u0080 \u2028 \u2029 \u00e9 \ud83d\ude00 <script>"');
  t.equal(canonicalizeText('"\\u002F\\u0041\\u00E9"'), '"/A\u00e9"');
  t.ok(isWellFormedString('a\ud83d\ude00'));
  t.notOk(isWellFormedString('a\ud800'));
});

t.test('precomposed and decomposed \u00e9 stay distinct keys in canonical output', async (t) => {
  const text = '{"\\u00e9":"precomposed","e\\u0301":"decomposed"}';
  t.equal(canonicalizeText(text), '{"e\u0301":"decomposed","\u00e9":"precomposed"}');
  t.equal(canonicalJson({ '\u00e9': 1, 'e\u0301': 2 }), '{"e\u0301":2,"\u00e9":1}');
  t.not(canonicalJson('\u00e9'), canonicalJson('e\u0301'));
});

t.test('duplicate keys are rejected, also when equal only after unescaping', async (t) => {
  for (const text of ['{"a":1,"a":2}', '{"a":1,"a":1}', '{"a":1,"\\u0061":1}', '{"x":[{"k":0,"\\u006b":0}]}']) {
    t.throws(() => canonicalizeText(text), INVALID, text);
  }
});

t.test('lone surrogates are rejected on both sides', async (t) => {
  for (const text of ['"\\ud800"', '"\\udc00"', '{"\\ud800":1}', '["\ud800"]']) {
    t.throws(() => canonicalizeText(text), INVALID, label(text));
  }
  t.throws(() => canonicalJson('\ud800'), INVALID);
  t.throws(() => canonicalJson(['ok', '\udc00']), INVALID);
  t.throws(() => canonicalJson({ '\ud83d': 'key' }), INVALID);
  t.throws(() => canonicalJson({ ok: { nested: 'x\ude00' } }), INVALID);
});

t.test('canonicalJson rejects every value that is not exactly JSON', async (t) => {
  class Point {
    x = 1;
  }
  const holey: JsonValue[] = [1];
  holey[2] = 3;
  const bad: unknown[] = [
    Number.NaN,
    Infinity,
    -Infinity,
    [1, Number.NaN],
    { a: Infinity },
    undefined,
    { a: undefined },
    [undefined],
    holey,
    () => 1,
    { toJSON: () => 'sneaky' },
    Symbol('s'),
    10n,
    { n: 10n },
    new Date(0),
    new Map([['a', 1]]),
    new Uint8Array([1]),
    new Point(),
    Object.create({ inherited: 1 }),
    [new String('boxed')],
  ];
  for (const value of bad) {
    t.throws(() => canonicalJson(value as JsonValue), INVALID);
  }
});

t.test('null-prototype and ordinary objects serialize alike', async (t) => {
  const bare = Object.create(null) as JsonObject;
  bare.b = [true];
  bare.a = null;
  t.equal(canonicalJson(bare), '{"a":null,"b":[true]}');
  t.equal(canonicalJson({ b: [true], a: null }), '{"a":null,"b":[true]}');
  t.equal(canonicalJson([]), '[]');
  t.equal(canonicalJson({}), '{}');
  t.equal(canonicalJson(null), 'null');
  t.equal(canonicalJson(false), 'false');
});

t.test('a "__proto__" key survives parsing and canonicalization as an ordinary member', async (t) => {
  const text = '{"z":1,"__proto__":{"polluted":true},"a":[{"__proto__":null}]}';
  const canonical = '{"__proto__":{"polluted":true},"a":[{"__proto__":null}],"z":1}';
  t.equal(canonicalizeText(text), canonical);
  t.equal(canonicalizeText(canonical), canonical);
  // An own "__proto__" data property on an ordinary object (as JSON.parse makes them) works too.
  t.equal(canonicalJson(JSON.parse(text) as JsonValue), canonical);
  t.equal(({} as { polluted?: unknown }).polluted, undefined);
});

t.test('deep or cyclic values are limit errors, never RangeErrors', async (t) => {
  let deep: JsonValue = [];
  for (let i = 1; i < 100_000; i++) deep = [deep];
  t.throws(() => canonicalJson(deep), LIMIT);
  t.throws(() => canonicalizeText('['.repeat(100_000) + ']'.repeat(100_000)), LIMIT);
  const cyclic: JsonObject = { a: 1 };
  cyclic.self = cyclic;
  t.throws(() => canonicalJson(cyclic), LIMIT);
  const loop: JsonValue[] = [];
  loop.push(loop);
  t.throws(() => canonicalJson(loop), LIMIT);
});

t.test('the depth limit is 64 by default and configurable up to the ceiling', async (t) => {
  const nest = (depth: number): JsonValue => {
    let value: JsonValue = 'leaf';
    for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value };
    return value;
  };
  t.equal(DEFAULT_JSON_LIMITS.maxDepth, 64);
  t.type(canonicalJson(nest(64)), 'string');
  t.throws(() => canonicalJson(nest(65)), LIMIT);
  t.throws(() => canonicalJson(nest(3), { maxDepth: 2 }), LIMIT);
  t.equal(canonicalJson('scalar', { maxDepth: 0 }), '"scalar"');
  const deepest = canonicalJson(nest(MAX_JSON_DEPTH), { maxDepth: MAX_JSON_DEPTH });
  t.equal(canonicalizeText(deepest, { maxDepth: MAX_JSON_DEPTH }), deepest);
  t.throws(() => canonicalizeText('[[1]]', { maxDepth: 1 }), LIMIT);
  t.throws(() => canonicalJson([], { maxDepth: MAX_JSON_DEPTH + 1 }), { code: 'ERR_CONFIG_INVALID' });
});

t.test('canonicalJsonBytes is the UTF-8 encoding of the canonical text', async (t) => {
  t.equal(toHex(canonicalJsonBytes({ '\u00e9': '\ud83d\ude00', a: 1 })), '7b2261223a312c22c3a9223a22f09f9880227d');
  t.same([...canonicalJsonBytes(parseJson(RFC_3_2_3_INPUT))], [...utf8Bytes(RFC_3_2_3_OUTPUT)]);
  t.throws(() => canonicalJsonBytes([Number.NaN]), INVALID);
});

t.test('a Rekor hashedrekord request canonicalizes to the sorted compact body', async (t) => {
  const request = `{
    "kind": "hashedrekord",
    "apiVersion": "0.0.1",
    "spec": {
      "signature": { "publicKey": { "content": "LS0tLS1CRUdJTi==" }, "content": "MEUCIQ==" },
      "data": { "hash": { "value": "0f8a", "algorithm": "sha256" } }
    }
  }`;
  t.equal(
    canonicalizeText(request),
    '{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"0f8a"}},' +
      '"signature":{"content":"MEUCIQ==","publicKey":{"content":"LS0tLS1CRUdJTi=="}}}}',
  );
});

t.test('canonicalization is idempotent on a set of inputs, as text and as bytes', async (t) => {
  const inputs = [
    RFC_3_2_2_INPUT,
    RFC_3_2_3_INPUT,
    '{"a":[1,2.5,-0,1e21,1e-7,5e-324,1.7976931348623157e308,9007199254740991,-9007199254740991]}',
    '{"\\u00e9":1,"e\\u0301":2,"\\ud83d\\ude00":3,"\\ufb33":4,"\\u0000":5,"\\"":6,"\\\\":7,"":8}',
    '[null,true,false,"",[],{},[[]],{"":{}}]',
    '"\\u0000\\u001f\\u007f\\u2028\\ud83d\\ude00"',
    '{"__proto__":{"constructor":{"prototype":{}}}}',
    '  {  "b" : 0.30000000000000004 , "a" : 333333333.33333329 }  ',
    '[123456789012345678901234567890.5, -1e+300, 0.000001, 0.0000001]',
  ];
  for (const input of inputs) {
    const canonical = canonicalizeText(input);
    t.equal(canonicalizeText(canonical), canonical, label(input));
    t.equal(canonicalizeText(utf8Bytes(canonical)), canonical, label(input));
    t.equal(canonicalJson(parseJson(canonical)), canonical, label(input));
  }
});

t.test('canonicalization is idempotent and agrees with canonicalize(JSON.parse) on seeded random values', async (t) => {
  const random = prng(0x8785);
  const pieces = ['a', 'B', '\u00e9', 'e\u0301', '\ud83d\ude00', '\ufb33', '\u0000', '\u001f', '"', '\\', '/', ' ', '\u2028', '\u007f', '1', '__proto__'];
  const bits = new DataView(new ArrayBuffer(8));
  const randomString = (): string => {
    let s = '';
    const length = Math.floor(random() * 6);
    for (let i = 0; i < length; i++) s += pieces[Math.floor(random() * pieces.length)]!;
    return s;
  };
  const randomNumber = (): number => {
    for (;;) {
      const kind = random();
      let n: number;
      if (kind < 0.3) n = Math.floor(random() * 2 ** 53) * (random() < 0.5 ? -1 : 1);
      else if (kind < 0.5) n = Math.floor(random() * 1000) - 500;
      else {
        bits.setUint32(0, Math.floor(random() * 2 ** 32));
        bits.setUint32(4, Math.floor(random() * 2 ** 32));
        n = bits.getFloat64(0);
      }
      if (isExactJsonNumber(n)) return n;
    }
  };
  const randomValue = (depth: number): JsonValue => {
    const kind = Math.floor(random() * (depth > 4 ? 4 : 6));
    switch (kind) {
      case 0:
        return random() < 0.33 ? null : random() < 0.5;
      case 1:
        return randomNumber();
      case 2:
      case 3:
        return randomString();
      case 4:
        return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(depth + 1));
      default: {
        const object: JsonObject = {};
        const count = Math.floor(random() * 4);
        for (let i = 0; i < count; i++) Object.defineProperty(object, randomString(), { value: randomValue(depth + 1), enumerable: true, writable: true, configurable: true });
        return object;
      }
    }
  };
  for (let round = 0; round < 500; round++) {
    const value = randomValue(0);
    const canonical = canonicalJson(value);
    const text = JSON.stringify(value, null, round % 3);
    t.equal(canonicalizeText(text), canonical);
    t.equal(canonicalizeText(canonical), canonical);
    t.equal(canonicalize(JSON.parse(text)), canonical);
  }
});
