import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, run } from '../src/index.js';
import { parseBundle, parseTrustedRoot } from '../src/bundle/inputs.js';
import { MAX_TIMESTAMP_BYTES, parseGenTime } from '../src/bundle/rfc3161.js';
import { verifyBundle } from '../src/bundle/verify.js';
import { ARTIFACT, DSSE, ISSUER, MESSAGE, POLICY, ROOT, type Json } from './fixtures/bundles.js';
import { captureIo } from './fixtures/fake-log.js';
import { fixtureTsa, type TokenOptions } from './fixtures/tsa.js';

// RFC 3161 timestamps as a verified time. The sigstore-js bundles of test/fixtures/bundle (leaf
// certificate valid 06:15:51 to 06:25:51 on 2026-11-22, SET at 06:15:51) get tokens from a test
// TSA over their signature bytes; each test alters one thing and checks the exit the check names.

const INSIDE = '20261122061700Z';
const AFTER = '20261122063000Z';

const tsa = await fixtureTsa();
const otherTsa = await fixtureTsa({ name: 'other TSA' });

const signatureOf = (b: Json): Uint8Array => Buffer.from(b.messageSignature?.signature ?? b.dsseEnvelope.signatures[0].sig, 'base64');

/** `base` with the given tokens (each a TokenOptions over the bundle's signature unless `data` is set) and the SET optionally dropped. */
function withTokens(base: Json, tokens: (Partial<TokenOptions> | Uint8Array)[], options: { dropSet?: boolean; issuer?: typeof tsa } = {}): Json {
  const b = structuredClone(base);
  const make = (o: Partial<TokenOptions> | Uint8Array) => (o instanceof Uint8Array ? o : (options.issuer ?? tsa).token({ data: signatureOf(b), genTime: INSIDE, ...o }));
  b.verificationMaterial.timestampVerificationData = { rfc3161Timestamps: tokens.map((o) => ({ signedTimestamp: Buffer.from(make(o)).toString('base64') })) };
  if (options.dropSet) delete b.verificationMaterial.tlogEntries[0].inclusionPromise;
  return b;
}

function rootWith(authorities: Json[] = [tsa.trusted()]): Json {
  return { ...structuredClone(ROOT), timestampAuthorities: authorities };
}

function verify(bundle: Json, root: Json = rootWith(), artifact: Buffer | undefined = ARTIFACT) {
  return () => verifyBundle(parseBundle(Buffer.from(JSON.stringify(bundle))), parseTrustedRoot(Buffer.from(JSON.stringify(root))), bundle.dsseEnvelope ? undefined : artifact, POLICY);
}

t.test('a bundle whose only verified time is a TSA timestamp verifies, and the verdict names the timestamp', async (t) => {
  const v = verify(withTokens(MESSAGE, [{}], { dropSet: true }))();
  t.same(v.timestamps, [{ source: 'tsa', time: '2026-11-22T06:17:00.000Z', by: 'https://fixture-TSA.test' }]);
  t.equal(v.signingTime, Date.parse('2026-11-22T06:17:00Z') / 1000);
  t.equal(v.tlogEntries[0]!.set, false);
});

t.test('a SET and a timestamp both count, and the signing time is the earliest', async (t) => {
  const v = verify(withTokens(MESSAGE, [{}]))();
  t.same(v.timestamps.map((x) => x.source), ['tlog', 'tsa']);
  t.equal(v.signingTime, 1795328151);
});

t.test('a DSSE bundle is timestamped over its envelope signature, not its payload', async (t) => {
  t.equal(verify(withTokens(DSSE, [{}], { dropSet: true }))().timestamps[0]!.source, 'tsa');
  const overPayload = withTokens(DSSE, [{ data: Buffer.from(DSSE.dsseEnvelope.payload, 'base64') }], { dropSet: true });
  t.throws(verify(overPayload), { name: 'AuditError', exit: 'timestamp' });
});

t.test('ESS signing-certificate v1, v2, both or none are accepted when they name the TSA certificate', async (t) => {
  for (const ess of ['v1', 'v2', 'both', 'none'] as const) t.doesNotThrow(verify(withTokens(MESSAGE, [{ ess }], { dropSet: true })), ess);
});

t.test('a timestamp over other bytes than the bundle signature fails the timestamp check', async (t) => {
  t.throws(verify(withTokens(MESSAGE, [{ data: Buffer.from('other bytes') }], { dropSet: true })), { name: 'AuditError', exit: 'timestamp', code: 'ERR_SIGNATURE_INVALID' });
  t.throws(verify(withTokens(MESSAGE, [{ data: Buffer.from('other bytes') }])), { name: 'AuditError', exit: 'timestamp' }, 'even next to a good SET');
  t.doesNotThrow(verify(withTokens(MESSAGE, [{ imprintHash: 'sha384' }], { dropSet: true })), 'the imprint hash is the token\'s own');
});

t.test('a token whose CMS signature, message digest or content type is wrong fails the timestamp check', async (t) => {
  for (const tamper of ['signature', 'message-digest', 'content-type', 'no-content-type'] as const) {
    t.throws(verify(withTokens(MESSAGE, [{ tamper }], { dropSet: true })), { name: 'AuditError', exit: 'timestamp' }, tamper);
  }
});

t.test('an ESS attribute naming another certificate fails the timestamp check', async (t) => {
  t.throws(verify(withTokens(MESSAGE, [{ essCertificate: otherTsa.chain[0]! }], { dropSet: true })), { name: 'AuditError', exit: 'timestamp' });
  t.throws(verify(withTokens(MESSAGE, [{ ess: 'v1', essCertificate: otherTsa.chain[0]! }], { dropSet: true })), { name: 'AuditError', exit: 'timestamp' });
  t.throws(verify(withTokens(MESSAGE, [{ essSerial: Uint8Array.of(0x7f) }], { dropSet: true })), { name: 'AuditError', exit: 'timestamp' }, 'another serial number');
});

t.test('a signature algorithm that does not fit the TSA key, or is unknown, fails the timestamp check', async (t) => {
  t.throws(verify(withTokens(MESSAGE, [{ signatureAlgorithm: '1.2.840.113549.1.1.11' }], { dropSet: true })), { name: 'AuditError', exit: 'timestamp', code: 'ERR_SIGNATURE_INVALID' }, 'sha256WithRSAEncryption with an EC key');
  t.throws(verify(withTokens(MESSAGE, [{ signatureAlgorithm: '1.2.3.4' }], { dropSet: true })), { name: 'AuditError', exit: 'timestamp', code: 'ERR_ALGORITHM_UNSUPPORTED' });
});

t.test('a TSA that the trusted root does not list is not trusted', async (t) => {
  const bundle = withTokens(MESSAGE, [{}], { dropSet: true });
  t.throws(verify(bundle, rootWith([otherTsa.trusted()])), { name: 'AuditError', exit: 'timestamp' });
  t.throws(verify(bundle, rootWith([])), { name: 'AuditError', exit: 'timestamp' }, 'a trusted root without timestampAuthorities');
  t.throws(verify(bundle, ROOT), { name: 'AuditError', exit: 'timestamp' }, 'a trusted root with no timestampAuthorities field');
  t.throws(verify(withTokens(MESSAGE, [{}]), rootWith([])), { name: 'AuditError', exit: 'timestamp' }, 'a token that does not verify fails even with a good SET');
  const swapped = tsa.trusted() as Json;
  swapped.certChain.certificates.reverse();
  t.throws(verify(bundle, rootWith([swapped])), { name: 'AuditError', exit: 'timestamp' }, 'a chain that does not start with the TSA certificate');
});

t.test('a TSA outside its validFor, or whose certificate is expired, at genTime is not trusted', async (t) => {
  const bundle = withTokens(MESSAGE, [{}], { dropSet: true });
  t.throws(verify(bundle, rootWith([tsa.trusted({ start: '2020-01-01T00:00:00Z', end: '2026-11-22T06:16:00Z' })])), { name: 'AuditError', exit: 'timestamp' });
  const expired = await fixtureTsa({ notBefore: '2020-01-01T00:00:00Z', notAfter: '2021-01-01T00:00:00Z' });
  t.throws(verify(withTokens(MESSAGE, [{}], { dropSet: true, issuer: expired }), rootWith([expired.trusted()])), { name: 'AuditError', exit: 'timestamp' });
});

t.test('a TSA certificate without a critical timeStamping-only extended key usage is not trusted', async (t) => {
  for (const eku of [{ critical: false }, { usages: ['1.3.6.1.5.5.7.3.8', '1.3.6.1.5.5.7.3.3'] }, { usages: ['1.3.6.1.5.5.7.3.3'] }]) {
    const weak = await fixtureTsa({ eku });
    t.throws(verify(withTokens(MESSAGE, [{}], { dropSet: true, issuer: weak }), rootWith([weak.trusted()])), { name: 'AuditError', exit: 'timestamp' }, JSON.stringify(eku));
  }
});

t.test('a genTime outside the signing certificate\'s validity fails the certificate check', async (t) => {
  t.throws(verify(withTokens(MESSAGE, [{ genTime: AFTER }], { dropSet: true })), { name: 'AuditError', exit: 'certificate' });
  t.throws(verify(withTokens(MESSAGE, [{ genTime: AFTER }])), { name: 'AuditError', exit: 'certificate' }, 'every verified time counts, not only the earliest');
});

t.test('malformed tokens fail the timestamp check', async (t) => {
  const cases: [string, Partial<TokenOptions> | Uint8Array][] = [
    ['not der', Buffer.from('not a token')],
    ['one element that is no response', Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05)],
    ['trailing bytes', { tamper: 'trailing-bytes' }],
    ['rejected status', { status: 2 }],
    ['two signers', { tamper: 'two-signers' }],
    ['signer by key identifier', { tamper: 'subject-key-id' }],
    ['local genTime', { genTime: '20261122061700' }],
    ['genTime with offset', { genTime: '20261122061700+0100' }],
    ['genTime with a trailing zero fraction', { genTime: '20261122061700.50Z' }],
    ['genTime on 31 February', { genTime: '20260231061700Z' }],
    ['too large', new Uint8Array(MAX_TIMESTAMP_BYTES + 1)],
  ];
  for (const [name, token] of cases) t.throws(verify(withTokens(MESSAGE, [token], { dropSet: true })), { name: 'AuditError', exit: 'timestamp' }, name);
});

t.test('the same timestamp twice is refused, two different ones are both verified', async (t) => {
  const once = tsa.token({ data: signatureOf(MESSAGE), genTime: INSIDE });
  t.throws(verify(withTokens(MESSAGE, [once, once], { dropSet: true })), { name: 'AuditError', exit: 'timestamp' });
  t.equal(verify(withTokens(MESSAGE, [{}, { genTime: '20261122061800Z' }], { dropSet: true }))().timestamps.length, 2);
});

t.test('without a SET and without a timestamp there is no verified time', async (t) => {
  t.throws(verify(withTokens(MESSAGE, [], { dropSet: true })), { name: 'AuditError', exit: 'set' });
});

t.test('genTime is read in the RFC 3161 form only, fractions to the millisecond', async (t) => {
  const raw = (text: string) => new Uint8Array([0x18, text.length, ...Buffer.from(text)]);
  t.same(parseGenTime(raw('20261122061700Z'), 'x'), { ms: Date.parse('2026-11-22T06:17:00Z'), text: '20261122061700Z' });
  t.equal(parseGenTime(raw('20261122061700.1239Z'), 'x').ms, Date.parse('2026-11-22T06:17:00.123Z'));
  t.throws(() => parseGenTime(new Uint8Array([0x17, 1, 0x30]), 'x'), { name: 'AuditError', exit: 'timestamp' }, 'a UTCTime');
  t.throws(() => parseGenTime(raw('202611220617Z'), 'x'), { name: 'AuditError', exit: 'timestamp' }, 'no seconds');
});

t.test('bundle verify exits 19 for a bad timestamp and reports the verified times as json', async (t) => {
  const dir = t.testdir();
  const files = { good: join(dir, 'good.json'), bad: join(dir, 'bad.json'), root: join(dir, 'root.json'), artifact: join(dir, 'artifact') };
  writeFileSync(files.good, JSON.stringify(withTokens(MESSAGE, [{}], { dropSet: true })));
  writeFileSync(files.bad, JSON.stringify(withTokens(MESSAGE, [{ tamper: 'signature' }], { dropSet: true })));
  writeFileSync(files.root, JSON.stringify(rootWith()));
  writeFileSync(files.artifact, ARTIFACT);
  const go = async (bundle: string, json = true) => {
    const c = captureIo(globalThis.fetch);
    const code = await run(['bundle', 'verify', bundle, '--artifact', files.artifact, '--trusted-root', files.root, '--identity-email', 'alice@example.com', '--issuer', ISSUER, ...(json ? ['--json'] : [])], c.io);
    return { code, out: c.out(), err: c.err() };
  };
  const good = await go(files.good);
  t.equal(good.code, EXIT.ok, good.err);
  t.match(JSON.parse(good.out), { verified: true, timestamps: [{ source: 'tsa', time: '2026-11-22T06:17:00.000Z' }] });
  t.match((await go(files.good, false)).out, /timestamp:\s+2026-11-22T06:17:00\.000Z by https:\/\/fixture-TSA\.test/);
  const bad = await go(files.bad);
  t.equal(bad.code, 19);
  t.equal(EXIT.timestamp, 19);
  t.match(JSON.parse(bad.out), { verified: false, exit: 19, check: 'timestamp' });
  const c = captureIo(globalThis.fetch);
  await run(['bundle', 'verify', '--help'], c.io);
  t.match(c.out(), /19 {2}bundle verify: an RFC 3161 timestamp/);
});
