import t, { type Test } from 'tap';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metadata, MetadataKind } from '@tufjs/models';
import { pemEncode } from '@sigstack/crypto/keys';
import { run } from '../src/run.js';
import { EXIT } from '../src/exit-codes.js';
import { captureIo } from './fixtures/fake-log.js';
import { fixtureTsa } from './fixtures/tsa.js';

// `sigstack trust keys|update` against files only: the material is the stack's trusted root fixture
// (CA chain, log and CT keys as PEM files) and a fixture TSA; the clock is the Io's.

const ROOT = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'bundle', 'trusted-root.json'), 'utf8'));
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

function io(now = T0) {
  const c = captureIo((() => Promise.reject(new Error('no network'))) as typeof fetch);
  return { ...c, io: { ...c.io, now: () => now } };
}

async function cli(args: string[], now = T0) {
  const c = io(now);
  const code = await run(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

/** A deployment directory: keys, PEM material and a trust config naming them relative to itself. */
async function deployment(t: Test, extra: Record<string, unknown> = {}) {
  const dir = t.testdir();
  t.equal((await cli(['trust', 'keys', '--out', join(dir, 'keys')])).code, EXIT.ok);
  const tsa = await fixtureTsa();
  writeFileSync(join(dir, 'ca.pem'), ROOT.certificateAuthorities[0].certChain.certificates.map((c: { rawBytes: string }) => pemEncode('CERTIFICATE', Buffer.from(c.rawBytes, 'base64'))).join(''));
  writeFileSync(join(dir, 'rekor.pub'), pemEncode('PUBLIC KEY', Buffer.from(ROOT.tlogs[0].publicKey.rawBytes, 'base64')));
  writeFileSync(join(dir, 'ct.pub'), pemEncode('PUBLIC KEY', Buffer.from(ROOT.ctlogs[0].publicKey.rawBytes, 'base64')));
  writeFileSync(join(dir, 'tsa.pem'), tsa.chain.map((der) => pemEncode('CERTIFICATE', der)).join(''));
  const start = '2025-06-01T00:00:00Z';
  const config = {
    operator: 'example.com',
    keys: { root: ['keys/root.pem'], targets: ['keys/targets.pem'], snapshot: ['keys/snapshot.pem'], timestamp: [{ file: 'keys/timestamp.pem' }] },
    oidc: [{ url: 'https://oauth2.example.com', start }],
    certificateAuthorities: [{ url: 'https://fulcio.example.com', chainFile: 'ca.pem', start }],
    tlogs: [{ url: 'https://rekor.example.com', publicKeyFile: 'rekor.pub', start }],
    ctlogs: [{ url: 'https://ctfe.example.com', publicKeyFile: 'ct.pub', start }],
    timestampAuthorities: [{ url: 'https://tsa.example.com', chainFile: 'tsa.pem', start }],
    ...extra,
  };
  writeFileSync(join(dir, 'trust.json'), JSON.stringify(config, null, 2));
  return { dir, config: join(dir, 'trust.json'), repo: join(dir, 'repo') };
}

t.test('trust keys writes one 0600 key per role and never overwrites', async (t) => {
  const dir = t.testdir();
  const first = await cli(['trust', 'keys', '--out', dir, '--json']);
  t.equal(first.code, EXIT.ok);
  const { keys } = JSON.parse(first.out) as { keys: { role: string; keyId: string }[] };
  t.same(keys.map((k) => k.role), ['root', 'targets', 'snapshot', 'timestamp']);
  t.match(keys[0]!.keyId, /^[0-9a-f]{64}$/);
  for (const role of ['root', 'targets', 'snapshot', 'timestamp']) t.equal(statSync(join(dir, `${role}.pem`)).mode & 0o777, 0o600, role);
  const again = await cli(['trust', 'keys', '--out', dir]);
  t.equal(again.code, EXIT.input);
  t.match(again.err, /exists/);
  t.equal((await cli(['trust', 'keys', '--out', t.testdir(), '--type', 'rsa'])).code, EXIT.usage);
  t.equal((await cli(['trust', 'keys', '--out', join(t.testdir(), 'ec'), '--type', 'ecdsa-p256'])).code, EXIT.ok);
});

t.test('trust update builds the repository; a second run changes nothing; time re-signs what nears expiry', async (t) => {
  const { config, repo } = await deployment(t);
  const first = await cli(['trust', 'update', '--config', config, '--out', repo, '--json']);
  t.equal(first.code, EXIT.ok, first.err);
  t.same(JSON.parse(first.out).changed, ['root', 'targets', 'snapshot', 'timestamp']);
  const trustedRoot = JSON.parse(readFileSync(join(repo, 'trusted_root.json'), 'utf8'));
  t.equal(trustedRoot.tlogs[0].baseUrl, 'https://rekor.example.com');
  t.equal(trustedRoot.tlogs[0].logId.keyId, ROOT.tlogs[0].logId.keyId, 'the log ID is the SHA-256 of the key');
  t.equal(trustedRoot.timestampAuthorities.length, 1);
  const signing = JSON.parse(readFileSync(join(repo, 'signing_config.json'), 'utf8'));
  t.equal(signing.tsaUrls[0].url, 'https://tsa.example.com/api/v1/timestamp');
  t.equal(signing.oidcUrls[0].operator, 'example.com');
  const root = Metadata.fromJSON(MetadataKind.Root, JSON.parse(readFileSync(join(repo, '1.root.json'), 'utf8')));
  root.verifyDelegate('timestamp', Metadata.fromJSON(MetadataKind.Timestamp, JSON.parse(readFileSync(join(repo, 'timestamp.json'), 'utf8'))));
  const targets = Metadata.fromJSON(MetadataKind.Targets, JSON.parse(readFileSync(join(repo, '1.targets.json'), 'utf8')));
  t.same(Object.keys(targets.signed.targets).sort(), ['signing_config.v0.2.json', 'trusted_root.json']);

  const second = await cli(['trust', 'update', '--config', config, '--out', repo]);
  t.equal(second.code, EXIT.ok);
  t.match(second.out, /changed:\s+nothing \(up to date\)/);
  const later = await cli(['trust', 'update', '--config', config, '--out', repo, '--json'], T0 + 5 * DAY);
  t.same(JSON.parse(later.out).changed, ['timestamp']);
  t.equal(JSON.parse(later.out).roles.timestamp.version, 2);
});

t.test('expiries come from the config', async (t) => {
  const { config, repo } = await deployment(t, { expiry: { timestamp: { validForDays: 1, refreshBeforeDays: 0.5 } } });
  const first = await cli(['trust', 'update', '--config', config, '--out', repo, '--json']);
  t.equal(JSON.parse(first.out).roles.timestamp.expires, '2026-01-02T00:00:00Z');
  const later = await cli(['trust', 'update', '--config', config, '--out', repo, '--json'], T0 + DAY / 2);
  t.same(JSON.parse(later.out).changed, ['timestamp']);
});

t.test('changing the root key needs the previous root key', async (t) => {
  const { dir, config, repo } = await deployment(t);
  t.equal((await cli(['trust', 'update', '--config', config, '--out', repo])).code, EXIT.ok);
  t.equal((await cli(['trust', 'keys', '--out', join(dir, 'new')])).code, EXIT.ok);
  const c = JSON.parse(readFileSync(config, 'utf8'));
  c.keys.root = ['new/root.pem'];
  writeFileSync(config, JSON.stringify(c));
  const refused = await cli(['trust', 'update', '--config', config, '--out', repo]);
  t.equal(refused.code, EXIT.input);
  t.match(refused.err, /previous root keys/);
  c.keys.previousRoot = ['keys/root.pem'];
  writeFileSync(config, JSON.stringify(c));
  const rotated = await cli(['trust', 'update', '--config', config, '--out', repo, '--json']);
  t.equal(rotated.code, EXIT.ok, rotated.err);
  t.same(JSON.parse(rotated.out).changed, ['root']);
  t.ok(readdirSync(repo).includes('2.root.json'));
});

t.test('bad configs and command lines are refused with their exit codes', async (t) => {
  const { dir, config, repo } = await deployment(t);
  t.equal((await cli(['trust', 'update', '--config', config])).code, EXIT.usage, 'no --out');
  t.equal((await cli(['trust', 'frobnicate'])).code, EXIT.usage);
  t.equal((await cli(['trust'])).code, EXIT.usage);
  t.equal((await cli(['trust', '--help'])).code, EXIT.ok);
  t.equal((await cli(['trust', 'update', '--config', join(dir, 'missing.json'), '--out', repo])).code, EXIT.input);
  const write = (c: unknown) => writeFileSync(join(dir, 'bad.json'), typeof c === 'string' ? c : JSON.stringify(c));
  const good = JSON.parse(readFileSync(config, 'utf8'));
  for (const [what, c] of [
    ['not JSON', '{'],
    ['an unknown field', { ...good, extra: 1 }],
    ['no timestamp key', { ...good, keys: { ...good.keys, timestamp: [] } }],
    ['a loose time', { ...good, tlogs: [{ ...good.tlogs[0], start: 'Jan 1 2026' }] }],
    ['a TSA chain as the CA chain', { ...good, certificateAuthorities: [{ ...good.certificateAuthorities[0], chainFile: 'tsa.pem' }] }],
    ['an Ed25519 key file as the log key', { ...good, tlogs: [{ ...good.tlogs[0], publicKeyFile: 'keys/root.pem' }] }],
    ['a missing key file', { ...good, keys: { ...good.keys, root: ['nope.pem'] } }],
    ['a refresh longer than the expiry', { ...good, expiry: { timestamp: { validForDays: 1, refreshBeforeDays: 2 } } }],
  ] as const) {
    write(c);
    const res = await cli(['trust', 'update', '--config', join(dir, 'bad.json'), '--out', join(dir, 'bad-repo')]);
    t.equal(res.code, EXIT.input, `${what}: ${res.err.trim()}`);
  }
});
