import t from 'tap';
import type { Test } from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_TIMESTAMP_REQUEST_BYTES } from '../../src/timestamp/request.js';
import { derRequest, HASH_OID, makeApp, openssl, parseResponse, sha256 } from '../helpers.js';

const DER = { 'content-type': 'application/timestamp-query' };
const JSON_TYPE = { 'content-type': 'application/json' };
const artifact = 'a release artifact\n';
const artifactHash = Buffer.from(sha256(artifact)).toString('base64');

type App = Awaited<ReturnType<typeof makeApp>>['app'];

/** Writes the artifact and the served chain (leaf.pem, root.pem) for the openssl CLI. */
async function opensslDir(app: App, dir: string) {
  writeFileSync(join(dir, 'artifact.txt'), artifact);
  const chain = (await app.inject('/api/v1/timestamp/certchain')).body;
  const [leaf, root] = chain.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g)!;
  writeFileSync(join(dir, 'leaf.pem'), leaf!);
  writeFileSync(join(dir, 'root.pem'), root!);
}

async function expect400(t: Test, app: App, headers: Record<string, string>, payload: string | Uint8Array, message: RegExp, what: string) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/timestamp', headers, payload: typeof payload === 'string' ? payload : Buffer.from(payload) });
  t.equal(res.statusCode, 400, what);
  t.match(res.json(), { code: 400, message }, what);
}

t.test('a DER request gets a DER reply that openssl decodes and verifies', async (t) => {
  const dir = t.testdir();
  const { app } = await makeApp(dir);
  t.teardown(() => app.close());
  await opensslDir(app, dir);
  const query = openssl(['ts', '-query', '-data', 'artifact.txt', '-sha256', '-cert', '-out', 'request.tsq'], dir);
  t.equal(query.status, 0, query.out);
  const res = await app.inject({ method: 'POST', url: '/api/v1/timestamp', headers: DER, payload: readFileSync(join(dir, 'request.tsq')) });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/timestamp-reply');
  writeFileSync(join(dir, 'reply.tsr'), res.rawPayload);
  const text = openssl(['ts', '-reply', '-in', 'reply.tsr', '-text'], dir);
  t.equal(text.status, 0, text.out);
  t.match(text.out, /Status: Granted/);
  t.match(text.out, /Policy OID: 1\.3\.6\.1\.4\.1\.57264\.2/);
  t.match(text.out, /Time stamp: Jan  1 00:00:00 2026 GMT/);
  t.match(text.out, /Accuracy: 0x01 seconds/);
  t.match(text.out, /Nonce: 0x[0-9A-F]+/);
  t.match(text.out, /TSA: DirName:\/CN=sigstack dev TSA\/O=sigstack/);
  const byData = openssl(['ts', '-verify', '-data', 'artifact.txt', '-in', 'reply.tsr', '-CAfile', 'root.pem', '-untrusted', 'leaf.pem'], dir);
  t.match(byData.out, /Verification: OK/, byData.out);
  t.equal(byData.status, 0);
  const byQuery = openssl(['ts', '-verify', '-queryfile', 'request.tsq', '-in', 'reply.tsr', '-CAfile', 'root.pem'], dir);
  t.match(byQuery.out, /Verification: OK/, 'against the query (nonce, imprint), with the embedded TSA certificate');
  // A second token from the same TSA reuses the precomputed parts: it must verify as well.
  const again = await app.inject({ method: 'POST', url: '/api/v1/timestamp', headers: JSON_TYPE, payload: JSON.stringify({ artifactHash, hashAlgorithm: 'sha256', certificates: true }) });
  writeFileSync(join(dir, 'again.tsr'), again.rawPayload);
  t.match(openssl(['ts', '-verify', '-data', 'artifact.txt', '-in', 'again.tsr', '-CAfile', 'root.pem'], dir).out, /Verification: OK/, 'a second token verifies too');
  writeFileSync(join(dir, 'other.txt'), 'another artifact');
  const wrong = openssl(['ts', '-verify', '-data', 'other.txt', '-in', 'reply.tsr', '-CAfile', 'root.pem', '-untrusted', 'leaf.pem'], dir);
  t.not(wrong.status, 0, 'another artifact does not verify');
});

t.test('a JSON request gets a DER reply that openssl decodes and verifies', async (t) => {
  const dir = t.testdir();
  const { app } = await makeApp(dir);
  t.teardown(() => app.close());
  await opensslDir(app, dir);
  const res = await app.inject({ method: 'POST', url: '/api/v1/timestamp', headers: { 'content-type': 'application/json; charset=utf-8' }, payload: JSON.stringify({ artifactHash, hashAlgorithm: 'sha256', nonce: 1234 }) });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/timestamp-reply');
  writeFileSync(join(dir, 'reply.tsr'), res.rawPayload);
  const text = openssl(['ts', '-reply', '-in', 'reply.tsr', '-text'], dir);
  t.equal(text.status, 0, text.out);
  t.match(text.out, /Nonce: 0x04D2/);
  const byData = openssl(['ts', '-verify', '-data', 'artifact.txt', '-in', 'reply.tsr', '-CAfile', 'root.pem', '-untrusted', 'leaf.pem'], dir);
  t.match(byData.out, /Verification: OK/, byData.out);
  const byDigest = openssl(['ts', '-verify', '-digest', Buffer.from(sha256(artifact)).toString('hex'), '-in', 'reply.tsr', '-CAfile', 'root.pem', '-untrusted', 'leaf.pem'], dir);
  t.match(byDigest.out, /Verification: OK/, byDigest.out);
});

t.test('the certificate chain and health endpoints answer', async (t) => {
  const { app, certified } = await makeApp(t.testdir());
  t.teardown(() => app.close());
  const chain = await app.inject('/api/v1/timestamp/certchain');
  t.equal(chain.statusCode, 200);
  t.equal(chain.headers['content-type'], 'application/pem-certificate-chain');
  t.equal(chain.body.match(/BEGIN CERTIFICATE/g)?.length, 2);
  t.ok(chain.body.startsWith(certified.chain[0]!.toString('pem').slice(0, 100)), 'leaf first');
  const health = await app.inject('/healthz');
  t.equal(health.statusCode, 200);
  t.match(health.json(), { status: 'SERVING', clock: { trusted: true, now: '2026-01-01T00:00:00.750Z' } });
});

t.test('a clock jump turns health and timestamps into 503 until the clock settles', async (t) => {
  const { app, clockSource } = await makeApp(t.testdir(), { TSA_CLOCK_SETTLE_SECONDS: '10' });
  t.teardown(() => app.close());
  clockSource.jump(3_600_000);
  const refused = await app.inject({ method: 'POST', url: '/api/v1/timestamp', headers: DER, payload: Buffer.from(derRequest()) });
  t.equal(refused.statusCode, 503);
  t.equal(refused.headers['retry-after'], '10');
  t.match(refused.json(), { code: 503, message: /wall clock jumped by 3600000 ms/ });
  const health = await app.inject('/healthz');
  t.equal(health.statusCode, 503);
  t.match(health.json(), { status: 'NOT_SERVING', clock: { trusted: false, lastJump: { byMs: 3_600_000 } } });
  clockSource.advance(10_000);
  t.equal((await app.inject('/healthz')).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/timestamp', headers: DER, payload: Buffer.from(derRequest()) })).statusCode, 200);
});

t.test('each bad input gets a clear 400', async (t) => {
  const { app } = await makeApp(t.testdir(), { TSA_ACCEPTED_POLICY_OIDS: '1.2.3' });
  t.teardown(() => app.close());
  const json = (value: unknown) => JSON.stringify(value);
  const manyArcs = `1.3${'.1'.repeat(200)}`;
  await expect400(t, app, DER, new TextEncoder().encode('not der at all'), /not a DER TimeStampReq/, 'malformed DER');
  await expect400(t, app, DER, Uint8Array.from([...derRequest(), 0]), /not DER/, 'DER with trailing data');
  await expect400(t, app, DER, new Uint8Array(0), /not a DER TimeStampReq/, 'an empty DER body');
  await expect400(t, app, DER, new Uint8Array(MAX_TIMESTAMP_REQUEST_BYTES + 1).fill(0x30), /larger than 4096/, 'a DER request over 4 KiB');
  await expect400(t, app, JSON_TYPE, '{"artifactHash":', /unexpected end of input/, 'malformed JSON');
  await expect400(t, app, JSON_TYPE, json({ artifactHash, hashAlgorithm: 'sha256', pad: 'x'.repeat(5000) }), /json text is larger than 4096 bytes/, 'a JSON request over 4 KiB');
  await expect400(t, app, JSON_TYPE, '{"artifactHash":"a","artifactHash":"b","hashAlgorithm":"sha256"}', /duplicate/i, 'a duplicate JSON key');
  await expect400(t, app, DER, derRequest({ hashOid: HASH_OID.sha1, digest: new Uint8Array(20) }), /weak hash algorithm sha1/, 'sha1 in DER');
  await expect400(t, app, DER, derRequest({ hashOid: '1.2.840.113549.2.5', digest: new Uint8Array(16) }), /unsupported hash algorithm/, 'md5 in DER');
  await expect400(t, app, JSON_TYPE, json({ artifactHash, hashAlgorithm: 'sha3-256' }), /unsupported hash algorithm/, 'an unknown JSON hash name');
  await expect400(t, app, DER, derRequest({ digest: new Uint8Array(20) }), /20 bytes, sha256 digests have 32/, 'a short DER digest');
  await expect400(t, app, JSON_TYPE, json({ artifactHash: Buffer.alloc(48).toString('base64'), hashAlgorithm: 'sha256' }), /48 bytes/, 'a long JSON digest');
  await expect400(t, app, JSON_TYPE, json({ artifactHash: 'not base64!', hashAlgorithm: 'sha256' }), /base64/, 'a digest that is not base64');
  await expect400(t, app, DER, derRequest({ policy: manyArcs }), /more than 128 arcs/, 'too many policy arcs in DER');
  await expect400(t, app, JSON_TYPE, json({ artifactHash, hashAlgorithm: 'sha256', tsaPolicyOID: manyArcs }), /more than 128 arcs/, 'too many policy arcs in JSON');
  await expect400(t, app, JSON_TYPE, json({ artifactHash, hashAlgorithm: 'sha256', tsaPolicyOID: '1.2.4' }), /policy 1\.2\.4 is not accepted/, 'an unaccepted policy');
  await expect400(t, app, DER, derRequest({ nonce: Uint8Array.of(0xff) }), /nonce must not be negative/, 'a negative DER nonce');
  await expect400(t, app, DER, derRequest({ nonce: new Uint8Array(65).fill(1) }), /nonce of 65 bytes/, 'a huge DER nonce');
  await expect400(t, app, JSON_TYPE, json({ artifactHash, hashAlgorithm: 'sha256', nonce: 1.5 }), /nonce must be a non-negative integer/, 'a fractional JSON nonce');
  await expect400(t, app, JSON_TYPE, json({ artifactHash, hashAlgorithm: 'sha256', nonce: '12abc' }), /nonce must be a non-negative integer/, 'a JSON nonce that is not decimal');
  await expect400(t, app, JSON_TYPE, `{"artifactHash":"${artifactHash}","hashAlgorithm":"sha256","nonce":${'9'.repeat(300)}}`, /outside ±\(2\^53 − 1\)/, 'a 300-digit JSON nonce');
  await expect400(t, app, JSON_TYPE, json({ artifactHash, hashAlgorithm: 'sha256', extra: true }), /unknown field "extra"/, 'an unknown JSON field');
  await expect400(t, app, JSON_TYPE, json([artifactHash]), /must be a JSON object/, 'a JSON array');
  const unknown = await app.inject({ method: 'POST', url: '/api/v1/timestamp', headers: { 'content-type': 'text/plain' }, payload: 'x' });
  t.equal(unknown.statusCode, 415, 'an unsupported media type');
});

t.test('a body over the 1 MiB limit is refused with 413 before it is read whole', async (t) => {
  const { app } = await makeApp(t.testdir());
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'POST', url: '/api/v1/timestamp', headers: DER, payload: Buffer.alloc(1024 * 1024 + 1) });
  t.equal(res.statusCode, 413);
  t.equal(res.json().code, 413);
});

t.test('mutated and random requests never get a 5xx', async (t) => {
  const { app } = await makeApp(t.testdir());
  t.teardown(() => app.close());
  // A small deterministic PRNG (xorshift32): the same inputs on every run.
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const good = derRequest({ nonce: Uint8Array.of(1, 2, 3), certReq: true, policy: '1.3.6.1.4.1.57264.2' });
  const statuses = new Map<number, number>();
  for (let i = 0; i < 400; i++) {
    let payload: Buffer;
    if (i % 4 === 3) payload = Buffer.from(Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 256)));
    else {
      payload = Buffer.from(good);
      for (let k = 0; k <= i % 3; k++) payload[Math.floor(next() * payload.length)] = Math.floor(next() * 256);
    }
    const res = await app.inject({ method: 'POST', url: '/api/v1/timestamp', headers: DER, payload });
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
  }
  t.ok([...statuses.keys()].every((s) => s === 200 || s === 400), `statuses seen: ${JSON.stringify([...statuses])}`);
  t.ok((statuses.get(400) ?? 0) > 100, 'most mutations are refused');
});

t.test('the JSON form of a token request answers like the DER form', async (t) => {
  const { app } = await makeApp(t.testdir());
  t.teardown(() => app.close());
  const viaJson = await app.inject({ method: 'POST', url: '/api/v1/timestamp', headers: JSON_TYPE, payload: JSON.stringify({ artifactHash, hashAlgorithm: 'sha256', certificates: true }) });
  const { tstInfo, signedData } = parseResponse(viaJson.rawPayload);
  t.equal(Buffer.from(tstInfo.messageImprint.hashedMessage.buffer).toString('base64'), artifactHash);
  t.equal(tstInfo.nonce, undefined, 'no nonce asked, none given');
  t.equal(signedData.certificates?.length, 1, 'certificates: true includes the TSA certificate');
});
