import t, { type Test } from 'tap';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metadata, MetadataKind } from '@tufjs/models';
import { Updater } from 'tuf-js';
import { CLIENT_TRUST_CONFIG_MEDIA_TYPE, DEFAULT_EXPIRY, isRepositoryPath, publishTrust, readRepository, updateRepository, type RepositoryKeys, type TargetContent } from '../src/index.js';
import { roleKeys, serveDir } from './helpers.js';

const DAY = 86_400_000;
const t0 = new Date('2026-03-01T12:00:00Z');
const targets = (text: string): TargetContent[] => [
  { name: 'trusted_root.json', bytes: Buffer.from(`{"root":"${text}"}\n`), alias: 'trusted_root.json' },
  { name: 'signing_config.v0.2.json', bytes: Buffer.from('{"config":1}\n'), alias: 'signing_config.json' },
];
const readJson = (dir: string, name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));

/** A tuf-js client (what @sigstore/tuf runs) with its own cache, fetching the repository over loopback HTTP. */
async function fetchTarget(t: Test, dir: string, cache: string, name = 'trusted_root.json'): Promise<string> {
  const server = await serveDir(dir);
  t.teardown(() => server.close());
  const updater = new Updater({ metadataBaseUrl: server.url, targetBaseUrl: `${server.url}/targets`, metadataDir: cache, targetDir: join(cache, 'targets') });
  await updater.refresh();
  const info = await updater.getTargetInfo(name);
  if (!info) throw new Error(`no target ${name}`);
  const path = (await updater.findCachedTarget(info)) ?? (await updater.downloadTarget(info));
  return readFileSync(path, 'utf8');
}

let caches = 0;
function seedCache(_t: Test, dir: string): string {
  const cache = join(dir, '..', `cache-${++caches}`);
  mkdirSync(join(cache, 'targets'), { recursive: true });
  writeFileSync(join(cache, 'root.json'), readFileSync(join(dir, '1.root.json')));
  return cache;
}

t.test('a new repository has version 1 of every role, signed, with consistent snapshots', async (t) => {
  const dir = join(t.testdir(), 'repo');
  const keys = roleKeys();
  const result = await updateRepository({ dir, keys, targets: targets('a'), now: t0 });
  t.same(result.changed, ['root', 'targets', 'snapshot', 'timestamp']);
  t.same(Object.values(result.roles).map((r) => r.version), [1, 1, 1, 1]);
  t.equal(result.roles.timestamp.expires, '2026-03-08T12:00:00Z', 'timestamp: 7 days');
  t.equal(result.roles.snapshot.expires, '2026-03-31T12:00:00Z', 'snapshot: 30 days');
  t.equal(result.roles.root.expires, '2027-03-01T12:00:00Z', 'root: 365 days');
  const files = readdirSync(dir).sort();
  t.same(files, ['1.root.json', '1.snapshot.json', '1.targets.json', 'root.json', 'signing_config.json', 'targets', 'timestamp.json', 'trusted_root.json']);
  for (const f of [...files.filter((f) => f !== 'targets'), ...readdirSync(join(dir, 'targets')).map((f) => `targets/${f}`)]) t.ok(isRepositoryPath(f), `${f} is a servable path`);
  const root = Metadata.fromJSON(MetadataKind.Root, readJson(dir, '1.root.json'));
  t.equal(root.signed.consistentSnapshot, true);
  root.verifyDelegate('root', root);
  root.verifyDelegate('targets', Metadata.fromJSON(MetadataKind.Targets, readJson(dir, '1.targets.json')));
  root.verifyDelegate('snapshot', Metadata.fromJSON(MetadataKind.Snapshot, readJson(dir, '1.snapshot.json')));
  root.verifyDelegate('timestamp', Metadata.fromJSON(MetadataKind.Timestamp, readJson(dir, 'timestamp.json')));
  t.throws(() => root.verifyDelegate('timestamp', Metadata.fromJSON(MetadataKind.Timestamp, { ...readJson(dir, 'timestamp.json'), signatures: [] })), 'unsigned metadata does not verify');
});

t.test('ECDSA P-256 role keys work as well', async (t) => {
  const dir = join(t.testdir(), 'repo');
  await updateRepository({ dir, keys: roleKeys('ecdsa'), targets: targets('e'), now: new Date() });
  t.equal(await fetchTarget(t, dir, seedCache(t, dir)), '{"root":"e"}\n');
});

t.test('running again with the same inputs writes nothing', async (t) => {
  const dir = join(t.testdir(), 'repo');
  const keys = roleKeys();
  await updateRepository({ dir, keys, targets: targets('a'), now: t0 });
  const before = readFileSync(join(dir, 'timestamp.json'));
  const again = await updateRepository({ dir, keys, targets: targets('a'), now: new Date(t0.getTime() + DAY) });
  t.same(again.changed, []);
  t.ok(readFileSync(join(dir, 'timestamp.json')).equals(before));
  const refresh = await updateRepository({ dir, keys, now: new Date(t0.getTime() + DAY) });
  t.same(refresh.changed, [], 'a refresh without targets keeps the current ones');
});

t.test('changed targets bump targets, snapshot and timestamp but not root; a warm client follows', async (t) => {
  const dir = join(t.testdir(), 'repo');
  const keys = roleKeys();
  const now = new Date();
  await updateRepository({ dir, keys, targets: targets('a'), now });
  const cache = seedCache(t, dir);
  t.equal(await fetchTarget(t, dir, cache), '{"root":"a"}\n');
  const result = await updateRepository({ dir, keys, targets: targets('b'), now });
  t.same(result.changed, ['targets', 'snapshot', 'timestamp']);
  t.same([result.roles.root.version, result.roles.targets.version, result.roles.snapshot.version, result.roles.timestamp.version], [1, 2, 2, 2]);
  t.ok(readdirSync(dir).includes('1.targets.json'), 'old versions are kept');
  t.equal(readFileSync(join(dir, 'trusted_root.json'), 'utf8'), '{"root":"b"}\n', 'the plain copy follows');
  t.equal(await fetchTarget(t, dir, cache), '{"root":"b"}\n', 'the cached client sees the new target');
});

t.test('metadata close to expiry is signed again with a new version; the rest stays', async (t) => {
  const dir = join(t.testdir(), 'repo');
  const keys = roleKeys();
  await updateRepository({ dir, keys, targets: targets('a'), now: t0 });
  const in5days = await updateRepository({ dir, keys, now: new Date(t0.getTime() + 5 * DAY) });
  t.same(in5days.changed, ['timestamp'], 'the timestamp (3 days left of 7) only');
  t.equal(in5days.roles.timestamp.version, 2);
  t.equal(in5days.roles.timestamp.expires, '2026-03-13T12:00:00Z');
  const in21days = await updateRepository({ dir, keys, now: new Date(t0.getTime() + 21 * DAY) });
  t.same(in21days.changed, ['snapshot', 'timestamp'], 'the snapshot (9 days left of 30) and the timestamp that names it');
  const in310days = await updateRepository({ dir, keys, now: new Date(t0.getTime() + 310 * DAY) });
  t.same(in310days.changed, ['root', 'targets', 'snapshot', 'timestamp']);
  t.equal(in310days.roles.root.version, 2, 'root re-signed as version 2');
  const v2 = Metadata.fromJSON(MetadataKind.Root, readJson(dir, '2.root.json'));
  Metadata.fromJSON(MetadataKind.Root, readJson(dir, '1.root.json')).verifyDelegate('root', v2);
  const custom = { ...DEFAULT_EXPIRY, timestamp: { validFor: 3600, refreshBefore: 1800 } };
  const short = await updateRepository({ dir, keys, now: new Date(t0.getTime() + 311 * DAY), expiry: custom });
  t.same(short.changed, [], 'a shorter policy does not shorten unexpired metadata');
});

t.test('a changed role key bumps root and that role; a client on version 1 follows the rotation', async (t) => {
  const dir = join(t.testdir(), 'repo');
  const keys = roleKeys();
  const now = new Date();
  await updateRepository({ dir, keys, targets: targets('a'), now });
  const cache = seedCache(t, dir);
  await fetchTarget(t, dir, cache);
  const rotated: RepositoryKeys = { ...keys, timestamp: roleKeys().timestamp };
  const result = await updateRepository({ dir, keys: rotated, now });
  t.same(result.changed, ['root', 'timestamp']);
  t.equal(await fetchTarget(t, dir, cache), '{"root":"a"}\n', 'the client walks 2.root.json and accepts the new timestamp key');
});

t.test('a root key rotation needs the old root keys; the new root is signed by both', async (t) => {
  const dir = join(t.testdir(), 'repo');
  const keys = roleKeys();
  const now = new Date();
  await updateRepository({ dir, keys, targets: targets('a'), now });
  const cache = seedCache(t, dir);
  const newRoot = roleKeys().root;
  await t.rejects(updateRepository({ dir, keys: { ...keys, root: newRoot }, now }), { code: 'ERR_TUF_INVALID' }, 'without the old key');
  t.notOk(readdirSync(dir).includes('2.root.json'), 'and nothing was written');
  const result = await updateRepository({ dir, keys: { ...keys, root: newRoot, previousRoot: keys.root }, now });
  t.same(result.changed, ['root']);
  const v2 = Metadata.fromJSON(MetadataKind.Root, readJson(dir, '2.root.json'));
  t.equal(Object.keys(v2.signatures).length, 2, 'signed by the old and the new root key');
  t.equal(await fetchTarget(t, dir, cache), '{"root":"a"}\n', 'a client holding root 1 accepts root 2');
  const later = await updateRepository({ dir, keys: { ...keys, root: newRoot }, now });
  t.same(later.changed, [], 'afterwards the old key is no longer needed');
});

t.test('bad keys, thresholds, targets and repositories are refused', async (t) => {
  const dir = join(t.testdir(), 'repo');
  const keys = roleKeys();
  const now = new Date();
  await t.rejects(updateRepository({ dir, keys: { ...keys, timestamp: [] }, targets: targets('a'), now }), { code: 'ERR_TUF_INVALID' });
  await t.rejects(updateRepository({ dir, keys: { ...keys, thresholds: { root: 2 } }, targets: targets('a'), now }), { code: 'ERR_TUF_INVALID' });
  await t.rejects(updateRepository({ dir, keys: { ...keys, root: [keys.root[0]!, keys.root[0]!] }, targets: targets('a'), now }), { code: 'ERR_TUF_INVALID' });
  await t.rejects(updateRepository({ dir, keys, targets: [{ name: '../x.json', bytes: Buffer.from('{}') }], now }), { code: 'ERR_TUF_INVALID' });
  await t.rejects(updateRepository({ dir, keys, now }), { code: 'ERR_TUF_INVALID' }, 'a refresh of an empty repository');
  await updateRepository({ dir, keys, targets: targets('a'), now });
  writeFileSync(join(dir, '1.snapshot.json'), '{"signed":');
  await t.rejects(readRepository(dir), { code: 'ERR_TUF_INVALID' }, 'corrupt metadata');
});

t.test('isRepositoryPath allows exactly the repository names, never traversal or encodings', async (t) => {
  const hex = 'ab'.repeat(32);
  for (const ok of ['root.json', 'timestamp.json', 'trusted_root.json', 'signing_config.json', '1.root.json', '12.snapshot.json', '3.targets.json', `targets/${hex}.trusted_root.json`, `targets/${hex}.signing_config.v0.2.json`]) {
    t.ok(isRepositoryPath(ok), ok);
  }
  for (const bad of ['', '/root.json', '../root.json', 'targets/../root.json', `targets/../targets/${hex}.trusted_root.json`, '%2e%2e/root.json', 'keys/root.pem', '0.root.json', '01.root.json',
    '1.timestamp.json', 'snapshot.json', 'targets.json', `targets/${hex.toUpperCase()}.trusted_root.json`, `targets/${hex}.other.json`, `targets/${hex}.trusted_root.json/`, 'root.json\0', 'root.json/.', `${'9'.repeat(11)}.root.json`]) {
    t.notOk(isRepositoryPath(bad), JSON.stringify(bad));
  }
});

t.test('publishTrust writes both documents as targets, as plain files, and together as a ClientTrustConfig', async (t) => {
  const dir = join(t.testdir(), 'repo');
  const trustedRoot = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
  const signingConfig = { mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json', caUrls: [], oidcUrls: [], rekorTlogUrls: [], tsaUrls: [], rekorTlogConfig: { selector: 'ANY' }, tsaConfig: { selector: 'ANY' } };
  await publishTrust({ dir, keys: roleKeys(), trustedRoot, signingConfig, now: t0 } as Parameters<typeof publishTrust>[0]);
  t.same(readJson(dir, 'trusted_root.json'), trustedRoot);
  t.same(readJson(dir, 'signing_config.json'), signingConfig);
  t.same(readJson(dir, 'trust_config.json'), { mediaType: CLIENT_TRUST_CONFIG_MEDIA_TYPE, trustedRoot, signingConfig });
  t.ok(isRepositoryPath('trust_config.json'), 'the trust service serves it');
  const targetsMd = readJson(dir, '1.targets.json') as { signed: { targets: Record<string, unknown> } };
  t.same(Object.keys(targetsMd.signed.targets).sort(), ['signing_config.v0.2.json', 'trusted_root.json'], 'it is not a TUF target');
});
