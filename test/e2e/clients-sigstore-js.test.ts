import t from 'tap';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { attest, sign, verify } from 'sigstore';
import type { SerializedBundle } from '@sigstore/bundle';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { startFullStack } from './helpers/full-stack.js';
import { ROOT } from './helpers/service.js';

// The real npm clients against the whole stack, as a platform team would use them: sigstore-js
// `sign` and `attest` (dsse, and intoto with legacy compatibility), with and without the TSA, each
// bundle verified with the DEFAULT thresholds (an embedded SCT, a log entry, a timestamp) twice:
// by @sigstore/verify against the served trusted_root.json, and by sigstore.verify through the
// TUF mirror. Then @sigstore/cli attest/verify as processes.

const run = promisify(execFile);
const STATEMENT = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'app.tgz', digest: { sha256: '0'.repeat(64) } }], predicateType: 'https://slsa.dev/provenance/v1', predicate: {} }));

t.test('sigstore-js signs and attests against the stack and verifies by trusted root and by TUF', async (t) => {
  t.setTimeout(240_000);
  const dir = t.testdir();
  const stack = await startFullStack(dir);
  t.teardown(() => stack.stop());
  const email = 'release-bot@example.com';
  const urls = { fulcioURL: stack.fulcio.url, rekorURL: stack.rekor.url, timeout: 20_000 };
  const root = TrustedRoot.fromJSON(await (await fetch(`${stack.trust.url}/trusted_root.json`)).json());
  const verifier = new Verifier(toTrustMaterial(root));
  const policy = { subjectAlternativeName: '^release-bot@example\\.com$', extensions: { issuer: stack.oidc.url } };
  const tuf = { tufMirrorURL: stack.trust.url, tufRootPath: stack.tufRootPath, tufCachePath: join(dir, 'tuf-cache'), certificateIdentityEmail: email, certificateIssuer: stack.oidc.url };
  const artifact = Buffer.from('app.tgz, built by the release pipeline');

  const cases: { name: string; kind: string; tsa: boolean; make(): Promise<SerializedBundle>; data?: Buffer }[] = [
    { name: 'sign', kind: 'hashedrekord', tsa: false, data: artifact, make: async () => sign(artifact, { ...urls, identityToken: await stack.token('bot', email) }) },
    { name: 'sign with the TSA', kind: 'hashedrekord', tsa: true, data: artifact, make: async () => sign(artifact, { ...urls, tsaServerURL: stack.tsa.url, identityToken: await stack.token('bot', email) }) },
    { name: 'attest', kind: 'dsse', tsa: false, make: async () => attest(STATEMENT, 'application/vnd.in-toto+json', { ...urls, identityToken: await stack.token('bot', email) }) },
    { name: 'attest with the TSA', kind: 'dsse', tsa: true, make: async () => attest(STATEMENT, 'application/vnd.in-toto+json', { ...urls, tsaServerURL: stack.tsa.url, identityToken: await stack.token('bot', email) }) },
    { name: 'attest with legacy compatibility', kind: 'intoto', tsa: false, make: async () => attest(STATEMENT, 'application/vnd.in-toto+json', { ...urls, legacyCompatibility: true, identityToken: await stack.token('bot', email) }) },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const json = await c.make();
      const bundle = bundleFromJSON(json);
      t.equal(bundle.verificationMaterial.tlogEntries[0]?.kindVersion?.kind, c.kind, `a ${c.kind} entry`);
      t.equal(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0, c.tsa ? 1 : 0, c.tsa ? 'with a TSA token' : 'without a TSA token');
      t.ok(verifier.verify(toSignedEntity(bundle, c.data), policy), '@sigstore/verify accepts it against trusted_root.json');
      t.throws(() => verifier.verify(toSignedEntity(bundle, c.data), { ...policy, subjectAlternativeName: '^mallory@example\\.com$' }), 'a wrong identity is rejected');
      t.throws(() => verifier.verify(toSignedEntity(bundle, c.data), { ...policy, extensions: { issuer: 'https://accounts.example.com' } }), 'a wrong issuer is rejected');
      // verify(bundle, undefined, opts) would drop opts, so DSSE bundles take the two-argument form.
      const viaTuf = (opts: typeof tuf) => (c.data ? verify(json, c.data, opts) : verify(json, opts));
      await t.resolves(viaTuf(tuf), 'sigstore.verify accepts it through the TUF mirror');
      await t.rejects(viaTuf({ ...tuf, certificateIdentityEmail: 'mallory@example.com' }), 'and rejects a wrong identity');
    });
  }
});

t.test('@sigstore/cli attests against the stack and verifies through the TUF mirror', async (t) => {
  t.setTimeout(240_000);
  const dir = t.testdir();
  const stack = await startFullStack(dir);
  t.teardown(() => stack.stop());
  const bin = resolve(ROOT, 'node_modules', '@sigstore', 'cli', 'bin', 'run');
  const statement = join(dir, 'statement.json');
  writeFileSync(statement, STATEMENT);
  const out = join(dir, 'statement.sigstore.json');
  // No --identity-token flag: with CI=true the CLI takes SIGSTORE_ID_TOKEN from the environment.
  const env = { PATH: process.env.PATH ?? '', HOME: dir, CI: 'true', SIGSTORE_ID_TOKEN: await stack.token('ci', 'ci@example.com') };
  await run(process.execPath, [bin, 'attest', statement, '--fulcio-url', stack.fulcio.url, '--rekor-url', stack.rekor.url, '--tsa-server-url', stack.tsa.url, '--timeout', '20', '--output-file', out], { env });
  const bundle = JSON.parse(readFileSync(out, 'utf8')) as SerializedBundle;
  t.equal(bundle.verificationMaterial.tlogEntries[0]?.kindVersion?.kind, 'intoto', 'the CLI writes an intoto entry');
  t.equal(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length, 1, 'with a TSA token');

  const verifyArgs = (email: string) => [bin, 'verify', out, '--tuf-mirror-url', stack.trust.url, '--tuf-root-path', stack.tufRootPath, '--tuf-cache-path', join(dir, 'tuf-cache'), '--certificate-identity-email', email, '--certificate-issuer', stack.oidc.url];
  await t.resolves(run(process.execPath, verifyArgs('ci@example.com'), { env }), 'sigstore verify accepts it');
  await t.rejects(run(process.execPath, verifyArgs('mallory@example.com'), { env }), 'sigstore verify rejects a wrong identity');
});
