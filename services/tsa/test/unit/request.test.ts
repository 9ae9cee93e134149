import t from 'tap';
import { parseJson } from '@sigstack/crypto/canonical-json';
import { MAX_NONCE_BYTES, MAX_TIMESTAMP_REQUEST_BYTES, parseDerRequest, parseJsonRequest } from '../../src/timestamp/request.js';
import { derRequest, HASH_OID, sha256 } from '../helpers.js';

const digest = sha256('artifact');
const b64 = Buffer.from(digest).toString('base64');
const json = (value: Record<string, unknown>) => parseJsonRequest(parseJson(JSON.stringify(value)));

t.test('a DER request is read with its digest, nonce, certReq and policy', async (t) => {
  const req = parseDerRequest(derRequest({ nonce: Uint8Array.of(0x01, 0x02), certReq: true, policy: '1.2.3.4' }));
  t.equal(req.hash, 'sha256');
  t.same(req.digest, digest);
  t.same(req.nonce, Uint8Array.of(0x01, 0x02));
  t.equal(req.certReq, true);
  t.equal(req.policy, '1.2.3.4');
  t.equal(req.hashAlgorithm.parameters, undefined, 'absent parameters stay absent');
  const plain = parseDerRequest(derRequest({ hashOid: HASH_OID.sha512, digest: new Uint8Array(64), parameters: Uint8Array.of(5, 0) }));
  t.equal(plain.hash, 'sha512');
  t.equal(plain.certReq, false);
  t.notOk('nonce' in plain);
  t.notOk('policy' in plain);
  t.equal(plain.hashAlgorithm.parameters, null, 'NULL parameters are kept to be echoed');
});

t.test('a DER request larger than 4 KiB is refused before parsing', async (t) => {
  const big = new Uint8Array(MAX_TIMESTAMP_REQUEST_BYTES + 1);
  t.throws(() => parseDerRequest(big), { code: 'ERR_REQUEST_INVALID', message: /larger than 4096/ });
});

t.test('malformed DER requests are refused', async (t) => {
  const good = derRequest();
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['garbage', new TextEncoder().encode('{"artifactHash":"x"}')],
    ['truncated', good.subarray(0, good.length - 3)],
    ['trailing data', Uint8Array.from([...good, 0x00])],
    ['an indefinite length', Uint8Array.from([0x30, 0x80, ...good.subarray(2), 0x00, 0x00])],
    ['a long-form length for a short value', Uint8Array.from([0x30, 0x81, good[1]!, ...good.subarray(2)])],
    ['a SEQUENCE nested 3000 deep', Uint8Array.from({ length: 3000 * 2 }, (_, i) => (i % 2 === 0 ? 0x30 : 0x80))],
    ['a certificate instead of a request', Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x05])],
  ];
  for (const [what, der] of cases) t.throws(() => parseDerRequest(der), { code: 'ERR_REQUEST_INVALID' }, what);
});

t.test('a DER request of another version or with extensions is refused', async (t) => {
  t.throws(() => parseDerRequest(derRequest({ version: 2 })), { code: 'ERR_REQUEST_INVALID', message: /version 2/ });
  const withExtensions = derRequest();
  // Append `[0] IMPLICIT Extensions` holding one extension (OID 1.2.3, value OCTET STRING 00).
  const ext = [0xa0, 0x0c, 0x30, 0x0a, 0x06, 0x02, 0x2a, 0x03, 0x04, 0x04, 0x04, 0x02, 0x05, 0x00];
  const body = [...withExtensions.subarray(2), ...ext];
  t.throws(() => parseDerRequest(Uint8Array.from([0x30, body.length, ...body])), { code: 'ERR_REQUEST_INVALID', message: /extensions are not supported/ });
});

t.test('an unknown or weak hash algorithm is unsupported', async (t) => {
  t.throws(() => parseDerRequest(derRequest({ hashOid: HASH_OID.sha1, digest: new Uint8Array(20) })), { code: 'ERR_ALGORITHM_UNSUPPORTED', message: /weak/ });
  t.throws(() => parseDerRequest(derRequest({ hashOid: '1.2.840.113549.2.5', digest: new Uint8Array(16) })), { code: 'ERR_ALGORITHM_UNSUPPORTED' });
});

t.test('a digest of the wrong length for its algorithm is refused', async (t) => {
  t.throws(() => parseDerRequest(derRequest({ digest: new Uint8Array(31) })), { code: 'ERR_ENCODING_INVALID', message: /31 bytes, sha256 digests have 32/ });
  t.throws(() => parseDerRequest(derRequest({ hashOid: HASH_OID.sha384, digest: new Uint8Array(32) })), { code: 'ERR_ENCODING_INVALID' });
  t.throws(() => parseDerRequest(derRequest({ digest: new Uint8Array(0) })), { code: 'ERR_ENCODING_INVALID' });
});

t.test('hash parameters other than NULL are refused', async (t) => {
  t.throws(() => parseDerRequest(derRequest({ parameters: Uint8Array.of(0x06, 0x01, 0x2a) })), { code: 'ERR_REQUEST_INVALID', message: /parameters must be absent or NULL/ });
  t.throws(() => parseDerRequest(derRequest({ parameters: Uint8Array.of(0x04, 0x00) })), { code: 'ERR_REQUEST_INVALID' });
});

t.test('bad DER nonces are refused', async (t) => {
  t.throws(() => parseDerRequest(derRequest({ nonce: Uint8Array.of(0x80) })), { code: 'ERR_REQUEST_INVALID', message: /negative/ });
  t.throws(() => parseDerRequest(derRequest({ nonce: Uint8Array.of(0x00, 0x01) })), { code: 'ERR_REQUEST_INVALID', message: /minimally/ });
  t.throws(() => parseDerRequest(derRequest({ nonce: new Uint8Array(MAX_NONCE_BYTES + 1).fill(1) })), { code: 'ERR_REQUEST_INVALID', message: /longer than 64/ });
  t.same(parseDerRequest(derRequest({ nonce: new Uint8Array(MAX_NONCE_BYTES).fill(1) })).nonce?.length, MAX_NONCE_BYTES, '64 bytes are accepted');
  t.same(parseDerRequest(derRequest({ nonce: Uint8Array.of(0x00, 0x80) })).nonce, Uint8Array.of(0x00, 0x80), 'a leading zero before a high bit is minimal');
});

t.test('a requested policy with more than 128 arcs is refused', async (t) => {
  const policy = ['1', '3', ...Array.from({ length: 127 }, () => '1')].join('.');
  t.throws(() => parseDerRequest(derRequest({ policy })), { code: 'ERR_REQUEST_INVALID', message: /more than 128 arcs/ });
});

t.test('a JSON request is read like upstream reads it', async (t) => {
  const req = json({ artifactHash: b64, hashAlgorithm: 'SHA256', nonce: 1234, certificates: true, tsaPolicyOID: '1.2.3' });
  t.equal(req.hash, 'sha256');
  t.same(req.digest, digest);
  t.same(req.nonce, Uint8Array.of(0x04, 0xd2));
  t.equal(req.certReq, true);
  t.equal(req.policy, '1.2.3');
  t.equal(req.hashAlgorithm.algorithm, HASH_OID.sha256);
  t.equal(req.hashAlgorithm.parameters, null, 'NULL parameters, as Go writes them');
  const minimal = json({ artifactHash: b64, hashAlgorithm: 'sha256' });
  t.equal(minimal.certReq, false);
  t.notOk('nonce' in minimal);
  t.notOk('policy' in minimal);
  const nulls = json({ artifactHash: b64, hashAlgorithm: 'sha256', nonce: null, certificates: null, tsaPolicyOID: '' });
  t.notOk('nonce' in nulls, 'null is absent, as in Go');
  t.notOk('policy' in nulls, 'an empty policy is absent, as in Go');
});

t.test('JSON nonces are non-negative integers, as numbers or decimal strings', async (t) => {
  t.same(json({ artifactHash: b64, hashAlgorithm: 'sha256', nonce: 0 }).nonce, Uint8Array.of(0));
  t.same(json({ artifactHash: b64, hashAlgorithm: 'sha256', nonce: 128 }).nonce, Uint8Array.of(0x00, 0x80));
  const big = (1n << 159n) + 5n;
  const fromString = json({ artifactHash: b64, hashAlgorithm: 'sha256', nonce: big.toString() }).nonce!;
  t.equal(BigInt(`0x${Buffer.from(fromString).toString('hex')}`), big, 'a 160-bit nonce as a string');
  for (const bad of [-1, 1.5, '-1', '0x10', '01', '1e3', '', true, [1], { n: 1 }, '9'.repeat(155)]) {
    t.throws(() => json({ artifactHash: b64, hashAlgorithm: 'sha256', nonce: bad }), { code: 'ERR_REQUEST_INVALID' }, JSON.stringify(bad));
  }
  t.throws(() => parseJsonRequest(parseJson(`{"artifactHash":"${b64}","hashAlgorithm":"sha256","nonce":9007199254740993}`)), { code: 'ERR_JSON_INVALID' }, 'integers above 2^53 never reach us rounded');
});

t.test('bad JSON requests are refused with what is wrong', async (t) => {
  const cases: [string, unknown, string][] = [
    ['not an object', [], 'ERR_REQUEST_INVALID'],
    ['no hashAlgorithm', { artifactHash: b64 }, 'ERR_REQUEST_INVALID'],
    ['no artifactHash', { hashAlgorithm: 'sha256' }, 'ERR_REQUEST_INVALID'],
    ['an unknown field', { artifactHash: b64, hashAlgorithm: 'sha256', extra: 1 }, 'ERR_REQUEST_INVALID'],
    ['a numeric artifactHash', { artifactHash: 5, hashAlgorithm: 'sha256' }, 'ERR_REQUEST_INVALID'],
    ['unpadded base64', { artifactHash: b64.replace(/=+$/, ''), hashAlgorithm: 'sha256' }, 'ERR_ENCODING_INVALID'],
    ['url-safe base64', { artifactHash: Buffer.from(new Uint8Array(32).fill(0xfb)).toString('base64url'), hashAlgorithm: 'sha256' }, 'ERR_ENCODING_INVALID'],
    ['a digest of the wrong length', { artifactHash: Buffer.alloc(20).toString('base64'), hashAlgorithm: 'sha256' }, 'ERR_ENCODING_INVALID'],
    ['sha1', { artifactHash: Buffer.alloc(20).toString('base64'), hashAlgorithm: 'sha1' }, 'ERR_ALGORITHM_UNSUPPORTED'],
    ['an unknown hash', { artifactHash: b64, hashAlgorithm: 'md5' }, 'ERR_ALGORITHM_UNSUPPORTED'],
    ['certificates as a string', { artifactHash: b64, hashAlgorithm: 'sha256', certificates: 'yes' }, 'ERR_REQUEST_INVALID'],
    ['a policy that is not an OID', { artifactHash: b64, hashAlgorithm: 'sha256', tsaPolicyOID: 'policy' }, 'ERR_REQUEST_INVALID'],
    ['a policy of 129 arcs', { artifactHash: b64, hashAlgorithm: 'sha256', tsaPolicyOID: `1.3${'.1'.repeat(127)}` }, 'ERR_REQUEST_INVALID'],
  ];
  for (const [what, value, code] of cases) t.throws(() => parseJsonRequest(parseJson(JSON.stringify(value))), { code }, what);
  t.throws(() => parseJsonRequest(undefined), { code: 'ERR_REQUEST_INVALID' }, 'no body');
});
