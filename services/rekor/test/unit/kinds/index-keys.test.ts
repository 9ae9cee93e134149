import t from 'tap';
import { hashIndexKey, publicKeyIndexKey } from '../../../src/kinds/index.js';
import { finishKeys, inTotoKeys, MAX_SEARCH_KEY_LENGTH, MAX_SEARCH_KEYS } from '../../../src/kinds/index-keys.js';
import { chain } from '../../fixtures/kinds/certs.js';
import { b64, dsseEntry, IN_TOTO, P256, pem, registry, sha256hex, signedHashedRekord, viaJson } from '../../fixtures/kinds/helpers.js';

const REQUEST = { code: 'ERR_REQUEST_INVALID' };
const kinds = registry();

t.test('hash queries get their prefix from the length and are lowercased', async (t) => {
  t.equal(hashIndexKey('AB'.repeat(32)), `sha256:${'ab'.repeat(32)}`);
  t.equal(hashIndexKey('ab'.repeat(20)), `sha1:${'ab'.repeat(20)}`);
  t.equal(hashIndexKey('ab'.repeat(48)), `sha384:${'ab'.repeat(48)}`);
  t.equal(hashIndexKey('Ab'.repeat(64)), `sha512:${'ab'.repeat(64)}`);
  t.equal(hashIndexKey(`sha256:${'CD'.repeat(32)}`), `sha256:${'cd'.repeat(32)}`);
  t.equal(hashIndexKey(`sha512:${'cd'.repeat(64)}`), `sha512:${'cd'.repeat(64)}`);
});

t.test('malformed hash queries are refused with ERR_REQUEST_INVALID', async (t) => {
  const bad = ['', 'ab', 'ab'.repeat(31), `sha256:${'ab'.repeat(64)}`, `sha1:${'ab'.repeat(32)}`, `SHA256:${'ab'.repeat(32)}`, `md5:${'ab'.repeat(16)}`, 'xy'.repeat(32), `sha256:`, 'a'.repeat(1 << 20), 5 as unknown as string];
  for (const hash of bad) t.throws(() => hashIndexKey(hash), REQUEST, String(hash).slice(0, 30));
});

t.test('a publicKey query finds hashedrekord entries by the hash of the canonical PEM', async (t) => {
  const entry = kinds.canonicalize(viaJson(signedHashedRekord(P256)));
  const sloppy = P256.publicPem.replace(/\n/g, '\r\n');
  t.equal(publicKeyIndexKey('x509', b64(sloppy)), entry.searchKeys[0]);
  t.equal(publicKeyIndexKey('x509', b64(P256.publicPem)), sha256hex(P256.publicPem));
  const { root, intermediate, leaf } = await chain();
  const chainPem = [leaf, intermediate, root].map((c) => pem('CERTIFICATE', c.der)).join('');
  t.equal(publicKeyIndexKey('x509', b64(chainPem)), sha256hex(chainPem), 'a chain (not verified)');
});

t.test('as upstream, publicKey queries do not match dsse keys (those carry a sha256: prefix)', async (t) => {
  const keys = kinds.canonicalize(viaJson(dsseEntry({}))).searchKeys;
  t.notOk(keys.includes(publicKeyIndexKey('x509', b64(P256.publicPem))));
  t.ok(keys.includes(`sha256:${publicKeyIndexKey('x509', b64(P256.publicPem))}`));
});

t.test('bad publicKey queries are refused with ERR_REQUEST_INVALID', async (t) => {
  for (const format of ['pgp', 'ssh', 'minisign', 'tuf', 'X509', '']) t.throws(() => publicKeyIndexKey(format, b64(P256.publicPem)), REQUEST, format);
  t.throws(() => publicKeyIndexKey('x509', 'not base64'), REQUEST);
  t.throws(() => publicKeyIndexKey('x509', b64('not pem')), REQUEST);
  t.throws(() => publicKeyIndexKey('x509', ''), REQUEST);
});

t.test('keys are lowercased, deduplicated, bounded in length and in number', async (t) => {
  t.same(finishKeys(['A', 'a', '', 'B', 'x'.repeat(MAX_SEARCH_KEY_LENGTH + 1), 'x'.repeat(MAX_SEARCH_KEY_LENGTH)]), ['a', 'b', 'x'.repeat(MAX_SEARCH_KEY_LENGTH)]);
  const many = Array.from({ length: MAX_SEARCH_KEYS + 10 }, (_, i) => `k${i}`);
  const kept = finishKeys(many);
  t.equal(kept.length, MAX_SEARCH_KEYS);
  t.same(kept.slice(0, 2), ['k0', 'k1'], 'the first keys win');
});

t.test('in-toto keys come from subject and SLSA material digests only', async (t) => {
  const statement = {
    subject: [{ digest: { sha256: 'AA', gitCommit: 'bb' } }, { name: 'no digest' }, 'junk', { digest: { sha1: 3 } }],
    predicate: { materials: [{ digest: { sha1: 'cc' } }], other: [{ digest: { sha1: 'dd' } }] },
    extra: [{ digest: { sha1: 'ee' } }],
  };
  const payload = Buffer.from(JSON.stringify(statement));
  t.same(inTotoKeys(IN_TOTO, payload), ['sha256:AA', 'gitCommit:bb', 'sha1:cc']);
  t.same(inTotoKeys('application/json', payload), []);
  t.same(inTotoKeys(IN_TOTO, Buffer.from('{"subject":[],"predicate":null}')), []);
  t.same(inTotoKeys(IN_TOTO, Buffer.from('{"__proto__":{"subject":[{"digest":{"a":"b"}}]}}')), [], 'no prototype lookups');
  t.same(inTotoKeys(IN_TOTO, Uint8Array.of(0xff)), []);
});
