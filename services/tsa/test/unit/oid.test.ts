import t from 'tap';
import { hashFromName, hashFromOid, MAX_OID_ARCS, oidArcCount, parseOidText } from '../../src/timestamp/oid.js';

const arcs = (n: number) => ['1', '3', ...Array.from({ length: n - 2 }, (_, i) => String(i))].join('.');

t.test('canonical dotted OIDs are accepted as given', async (t) => {
  t.equal(parseOidText('1.3.6.1.4.1.57264.2', 'policy'), '1.3.6.1.4.1.57264.2');
  t.equal(parseOidText('2.999.1', 'policy'), '2.999.1', 'arcs under 2 may be 40 or more');
  t.equal(parseOidText('0.0', 'policy'), '0.0');
  t.equal(parseOidText(arcs(MAX_OID_ARCS), 'policy'), arcs(MAX_OID_ARCS), 'exactly 128 arcs');
});

t.test('an OID with more than 128 arcs is refused before it is split', async (t) => {
  t.throws(() => parseOidText(arcs(MAX_OID_ARCS + 1), 'policy'), { code: 'ERR_REQUEST_INVALID', message: /more than 128 arcs/ });
  t.throws(() => parseOidText(`1.${'1.'.repeat(500_000)}1`, 'policy'), { code: 'ERR_REQUEST_INVALID', message: /too long for 128 arcs/ }, 'a megabyte of arcs');
  t.throws(() => parseOidText(`1.${'1.'.repeat(200)}1`, 'policy'), { code: 'ERR_REQUEST_INVALID', message: /more than 128 arcs/ }, 'short arcs, too many');
  t.throws(() => parseOidText(`1.3.${'9'.repeat(5000)}`, 'policy'), { code: 'ERR_REQUEST_INVALID' }, 'one enormous arc');
});

t.test('non-canonical or impossible OIDs are refused', async (t) => {
  for (const bad of ['', '1', '3.1', '1.3.', '.1.3', '1..3', '1.03', '1.3.a', ' 1.3', '1.3 ', '1.40', '0.45', '1.3.99999999999999999', '+1.3', '1.3.-1']) {
    t.throws(() => parseOidText(bad, 'policy'), { code: 'ERR_REQUEST_INVALID' }, JSON.stringify(bad));
  }
});

t.test('arcs are counted without splitting', async (t) => {
  t.equal(oidArcCount('1.2.3'), 3);
  t.equal(oidArcCount('1'), 1);
});

t.test('hash algorithms are sha256, sha384 and sha512; sha1 and unknown ones are unsupported', async (t) => {
  t.equal(hashFromOid('2.16.840.1.101.3.4.2.1'), 'sha256');
  t.equal(hashFromOid('2.16.840.1.101.3.4.2.2'), 'sha384');
  t.equal(hashFromOid('2.16.840.1.101.3.4.2.3'), 'sha512');
  t.throws(() => hashFromOid('1.3.14.3.2.26'), { code: 'ERR_ALGORITHM_UNSUPPORTED', message: /weak hash algorithm sha1/ });
  t.throws(() => hashFromOid('1.2.840.113549.2.5'), { code: 'ERR_ALGORITHM_UNSUPPORTED', message: /unsupported hash algorithm 1\.2\.840\.113549\.2\.5/ }, 'md5');
  t.equal(hashFromName('SHA256'), 'sha256', 'names are case-insensitive, as upstream');
  t.equal(hashFromName('sha512'), 'sha512');
  t.throws(() => hashFromName('sha1'), { code: 'ERR_ALGORITHM_UNSUPPORTED', message: /weak/ });
  t.throws(() => hashFromName('sha3-256'), { code: 'ERR_ALGORITHM_UNSUPPORTED' });
  t.throws(() => hashFromName('SHA2_256'), { code: 'ERR_ALGORITHM_UNSUPPORTED' });
});
