import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sign, verify } from 'sigstore';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { startService } from './helpers/service.js';
import type { RunningService } from './helpers/service.js';
import { startStack } from './helpers/stack.js';

// The trust service in dev mode in front of the real stack: it collects the CA chain, the log and
// CT keys and the TSA chain, publishes trusted_root.json and the signing config, and serves them
// through a TUF repository. The real sigstore-js then verifies through that repository (its TUF
// client, tuf-js, with the repository's 1.root.json as the only thing trusted up front).

type TufVersions = { timestamp: number; snapshot: number; targets: number };

async function versions(url: string): Promise<TufVersions> {
  const timestamp = (await (await fetch(`${url}/timestamp.json`)).json()) as { signed: { version: number; meta: Record<string, { version: number }> } };
  const snapshotVersion = timestamp.signed.meta['snapshot.json']!.version;
  const snapshot = (await (await fetch(`${url}/${snapshotVersion}.snapshot.json`)).json()) as { signed: { meta: Record<string, { version: number }> } };
  return { timestamp: timestamp.signed.version, snapshot: snapshotVersion, targets: snapshot.signed.meta['targets.json']!.version };
}

t.test('sigstore-js verifies through the TUF repository of the trust service, across restarts and a new TSA', async (t) => {
  const dir = t.testdir();
  const stack = await startStack(dir);
  t.teardown(() => stack.stop());
  const tsa = await startService('tsa', { TSA_PORT: '0', TSA_SIGNER: 'ephemeral', TSA_DATA_DIR: join(dir, 'tsa') });
  t.teardown(() => tsa.stop());
  const dataDir = join(dir, 'trust');
  const env = (tsaUrl: string) => ({
    TRUST_PORT: '0',
    TRUST_DEV_MODE: 'true',
    TRUST_DATA_DIR: dataDir,
    TRUST_FULCIO_URL: stack.fulcio.url,
    TRUST_REKOR_URL: stack.rekor.url,
    TRUST_CTLOG_URL: stack.ctlog.url,
    TRUST_TSA_URL: tsaUrl,
    TRUST_OIDC_URL: stack.oidc.url,
    TRUST_CTLOG_PUBLIC_KEY_FILE: join(dir, 'ctlog', 'log-public-key.pem'),
  });
  let trust: RunningService = await startService('trust', env(tsa.url));
  t.teardown(() => trust.stop());
  const repo = join(dataDir, 'repository');
  const tufRootPath = join(repo, '1.root.json');
  const rootBytes = readFileSync(tufRootPath);

  const health = await fetch(`${trust.url}/healthz`);
  t.equal(health.status, 200, 'healthy once the repository exists');
  const signingConfig = (await (await fetch(`${trust.url}/signing_config.json`)).json()) as Record<string, { url: string }[]>;
  t.same(signingConfig.caUrls!.map((s) => s.url), [stack.fulcio.url]);
  t.same(signingConfig.rekorTlogUrls!.map((s) => s.url), [stack.rekor.url]);
  t.same(signingConfig.oidcUrls!.map((s) => s.url), [stack.oidc.url]);
  t.same(signingConfig.tsaUrls!.map((s) => s.url), [`${tsa.url}/api/v1/timestamp`]);

  const email = 'alice@example.com';
  const data = Buffer.from('a release verified through TUF');
  const signWith = async (tsaServerURL: string) =>
    sign(data, { fulcioURL: stack.fulcio.url, rekorURL: stack.rekor.url, tsaServerURL, identityToken: await stack.token('alice', email), timeout: 20_000 });
  const bundle = await signWith(tsa.url);
  t.equal(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length, 1, 'the bundle carries a TSA token');

  const cache = join(dir, 'tuf-cache');
  const tufOptions = () => ({ tufMirrorURL: trust.url, tufRootPath, tufCachePath: cache, certificateIdentityEmail: email, certificateIssuer: stack.oidc.url });
  await t.resolves(verify(bundle, data, tufOptions()), 'sigstore.verify accepts the bundle with the trust root from our TUF repository');
  await t.rejects(verify(bundle, data, { ...tufOptions(), certificateIdentityEmail: 'mallory@example.com' }), 'a wrong identity is rejected');
  await t.rejects(verify(bundle, Buffer.from('another artifact'), tufOptions()), 'another artifact is rejected');

  const served = TrustedRoot.fromJSON(await (await fetch(`${trust.url}/trusted_root.json`)).json());
  const verifier = new Verifier(toTrustMaterial(served));
  t.ok(verifier.verify(toSignedEntity(bundleFromJSON(bundle), data), { subjectAlternativeName: '^alice@example\\.com$', extensions: { issuer: stack.oidc.url } }), '@sigstore/verify accepts it with the served trusted_root.json');

  // A restart keeps the keys and the root; unchanged material publishes nothing new.
  const before = await versions(trust.url);
  await trust.stop();
  trust = await startService('trust', env(tsa.url));
  t.ok(readFileSync(tufRootPath).equals(rootBytes), 'the same 1.root.json after a restart');
  t.equal((await fetch(`${trust.url}/2.root.json`)).status, 404, 'and no new root version');
  t.same(await versions(trust.url), before, 'nor new targets, snapshot or timestamp');
  await t.resolves(verify(bundle, data, tufOptions()), 'a warm cache still verifies after the restart (new port, same cache dir)');

  // A new TSA: the restart publishes a new trusted root; a warm-cache client picks it up.
  const tsa2 = await startService('tsa', { TSA_PORT: '0', TSA_SIGNER: 'ephemeral', TSA_DATA_DIR: join(dir, 'tsa2') });
  t.teardown(() => tsa2.stop());
  await trust.stop();
  trust = await startService('trust', env(tsa2.url));
  const after = await versions(trust.url);
  t.equal(after.targets, before.targets + 1, 'the targets version is bumped');
  t.equal(after.snapshot, before.snapshot + 1);
  t.equal(after.timestamp, before.timestamp + 1);
  t.ok(readFileSync(join(repo, 'root.json')).equals(rootBytes), 'the root stays at version 1');
  const bundle2 = await signWith(tsa2.url);
  await t.resolves(verify(bundle2, data, tufOptions()), 'the warm cache fetched the new trusted root: a token from the new TSA verifies');
  await t.resolves(verify(bundle, data, tufOptions()), 'and the old TSA stays trusted for what it stamped while it was current');
});
