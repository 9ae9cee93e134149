/** Claims flattened to strings as upstream's ci-provider does (FormatFloat 'f' at the top, %v inside). */
import t from 'tap';
import { parseJson, type JsonObject } from '@sigstack/crypto/canonical-json';
import { flattenClaims, formatFloatF, formatFloatV } from '../../../src/identity/go-format.js';

t.test('top-level numbers print without an exponent', async (t) => {
  t.equal(formatFloatF(1234567890), '1234567890');
  t.equal(formatFloatF(1e21), '1000000000000000000000', 'fix #2406');
  t.equal(formatFloatF(1.5), '1.5');
  t.equal(formatFloatF(1e-7), '0.0000001');
  t.equal(formatFloatF(-0), '-0');
  t.equal(formatFloatF(0), '0');
  t.equal(formatFloatF(123.456e5), '12345600');
});

t.test('nested numbers print as Go %v does', async (t) => {
  t.equal(formatFloatV(1e21), '1e+21');
  t.equal(formatFloatV(1e20), '100000000000000000000');
  t.equal(formatFloatV(0.0001), '0.0001');
  t.equal(formatFloatV(0.00001), '1e-05');
  t.equal(formatFloatV(-1.25e-10), '-1.25e-10');
  t.equal(formatFloatV(3), '3');
});

t.test('every claim becomes a string, objects as sorted Go maps', async (t) => {
  const claims = parseJson('{"s":"x","n":42,"f":0.5,"b":true,"z":null,"a":["p",1,false],"o":{"k2":"v","k1":{"in":1e21}}}') as JsonObject;
  t.same(Object.fromEntries(flattenClaims(claims)), {
    s: 'x',
    n: '42',
    f: '0.5',
    b: 'true',
    z: '<nil>',
    a: '[p 1 false]',
    o: 'map[k1:map[in:1e+21] k2:v]',
  });
});
