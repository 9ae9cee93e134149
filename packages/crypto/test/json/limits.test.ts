import t from 'tap';
import { DEFAULT_JSON_LIMITS, MAX_JSON_DEPTH, resolveJsonLimits } from '../../src/json/limits.js';

t.test('defaults apply when no limits are given', async (t) => {
  t.equal(resolveJsonLimits(), DEFAULT_JSON_LIMITS);
  t.equal(resolveJsonLimits(DEFAULT_JSON_LIMITS), DEFAULT_JSON_LIMITS);
  t.same(resolveJsonLimits({}), DEFAULT_JSON_LIMITS);
  t.same(DEFAULT_JSON_LIMITS, { maxBytes: 32 * 1024 * 1024, maxDepth: 64, maxValues: 1_000_000, maxStringLength: 16 * 1024 * 1024 });
  t.ok(Object.isFrozen(DEFAULT_JSON_LIMITS));
});

t.test('given limits override the defaults one by one and undefined means default', async (t) => {
  t.same(resolveJsonLimits({ maxDepth: 3, maxBytes: undefined }), { ...DEFAULT_JSON_LIMITS, maxDepth: 3 });
  t.same(resolveJsonLimits({ maxBytes: 0, maxDepth: 0, maxValues: 0, maxStringLength: 0 }), {
    maxBytes: 0,
    maxDepth: 0,
    maxValues: 0,
    maxStringLength: 0,
  });
  t.equal(resolveJsonLimits({ maxDepth: MAX_JSON_DEPTH }).maxDepth, 1000);
  t.equal(resolveJsonLimits({ maxBytes: Number.MAX_SAFE_INTEGER }).maxBytes, Number.MAX_SAFE_INTEGER);
});

t.test('limits that are not non-negative safe integers are a configuration error', async (t) => {
  const bad: unknown[] = [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '10', null, {}];
  for (const value of bad) {
    for (const name of ['maxBytes', 'maxDepth', 'maxValues', 'maxStringLength']) {
      t.throws(() => resolveJsonLimits({ [name]: value }), { code: 'ERR_CONFIG_INVALID' }, `${name}=${String(value)}`);
    }
  }
});

t.test('maxDepth above the recursion ceiling of canonicalize is a configuration error', async (t) => {
  t.throws(() => resolveJsonLimits({ maxDepth: MAX_JSON_DEPTH + 1 }), { code: 'ERR_CONFIG_INVALID' });
});
