import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sign, attest } from 'sigstore';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { sigstack } from './cli-fixtures.js';
import { startStack } from './helpers/stack.js';

// `sigstack bundle verify` on bundles made by the real sigstore-js against the real stack, each
// case also given to @sigstore/verify: the two verdicts must agree, and ours must carry the
// documented exit code of the check that failed.

type Json = Record<string, any>;

/** Flips the last bit of a base64 value's first byte. */
function flip(b64: string): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[0] = bytes[0]! ^ 1;
  return bytes.toString('base64');
}

t.test('bundle verify agrees with @sigstore/verify on good and altered sigstore-js bundles', async (t) => {
  const dir = t.testdir();
  const stack = await startStack(dir);
  t.teardown(() => stack.stop());
  const root = await stack.trustedRoot();
  const rootJson = TrustedRoot.toJSON(root) as Json;
  const verifier = new Verifier(toTrustMaterial(root));
  const options = async () => ({ fulcioURL: stack.fulcio.url, rekorURL: stack.rekor.url, identityToken: await stack.token('alice', 'alice@example.com'), timeout: 20_000 });

  // A first entry so that the bundle's inclusion proof has a hash to alter.
  await sign(Buffer.from('warm-up'), await options());
  const artifact = Buffer.from('a release built by alice');
  const good = (await sign(artifact, await options())) as Json;
  t.ok(good.verificationMaterial.tlogEntries[0].inclusionProof.hashes.length > 0, 'the inclusion proof has hashes');

  const policy = { subjectAlternativeName: '^alice@example\\.com$', extensions: { issuer: stack.oidc.url } };
  const files = { artifact: join(dir, 'artifact'), other: join(dir, 'other'), root: join(dir, 'root.json'), noCt: join(dir, 'root-no-ct.json') };
  writeFileSync(files.artifact, artifact);
  writeFileSync(files.other, 'another artifact');
  writeFileSync(files.root, JSON.stringify(rootJson));
  writeFileSync(files.noCt, JSON.stringify({ ...rootJson, ctlogs: [] }));

  type Case = { name: string; bundle: Json; artifact?: string; root?: string; identity?: string; issuer?: string; exit: number };
  const edit = (f: (b: Json) => void): Json => {
    const b = structuredClone(good);
    f(b);
    return b;
  };
  const cases: Case[] = [
    { name: 'the good bundle', bundle: good, exit: 0 },
    { name: 'a different artifact', bundle: good, artifact: files.other, exit: 18 },
    { name: 'a tampered signature', bundle: edit((b) => (b.messageSignature.signature = flip(b.messageSignature.signature))), exit: 18 },
    { name: 'a tampered SET', bundle: edit((b) => (b.verificationMaterial.tlogEntries[0].inclusionPromise.signedEntryTimestamp = flip(b.verificationMaterial.tlogEntries[0].inclusionPromise.signedEntryTimestamp))), exit: 14 },
    { name: 'a tampered inclusion proof hash', bundle: edit((b) => (b.verificationMaterial.tlogEntries[0].inclusionProof.hashes[0] = flip(b.verificationMaterial.tlogEntries[0].inclusionProof.hashes[0]))), exit: 12 },
    { name: 'a wrong identity', bundle: good, identity: 'mallory@example\\.com', exit: 21 },
    { name: 'a wrong issuer', bundle: good, issuer: 'https://issuer.example', exit: 21 },
    { name: 'a trusted root without the CT log', bundle: good, root: files.noCt, exit: 17 },
  ];

  for (const c of cases) await t.test(`${c.name}: exit ${c.exit}, the same verdict as @sigstore/verify`, async (t) => {
    const bundlePath = join(dir, `bundle-${cases.indexOf(c)}.json`);
    writeFileSync(bundlePath, JSON.stringify(c.bundle));
    const artifactPath = c.artifact ?? files.artifact;
    const identity = c.identity ?? 'alice@example\\.com';
    const issuer = c.issuer ?? stack.oidc.url;
    const ours = await sigstack(['bundle', 'verify', bundlePath, '--artifact', artifactPath, '--trusted-root', c.root ?? files.root, '--identity', identity, '--issuer', issuer, '--json']);
    const theirRoot = c.root === files.noCt ? TrustedRoot.fromJSON({ ...rootJson, ctlogs: [] }) : root;
    let theirs = true;
    try {
      new Verifier(toTrustMaterial(theirRoot)).verify(toSignedEntity(bundleFromJSON(c.bundle), Buffer.from(c.artifact === files.other ? 'another artifact' : artifact)), { subjectAlternativeName: `^${identity}$`, extensions: { issuer } });
    } catch {
      theirs = false;
    }
    t.equal(ours.code, c.exit, `${c.name}: exit ${c.exit}\n${ours.stderr}`);
    t.equal(ours.code === 0, theirs, `${c.name}: same verdict as @sigstore/verify`);
    t.equal(JSON.parse(ours.stdout).verified, c.exit === 0, `${c.name}: the json verdict says so`);
  });
  t.doesNotThrow(() => verifier.verify(toSignedEntity(bundleFromJSON(good), artifact), policy), 'the reference verifier accepts the good bundle');

  const human = await sigstack(['bundle', 'verify', join(dir, 'bundle-0.json'), '--artifact', files.artifact, '--trusted-root', files.root, '--identity-email', 'alice@example.com', '--issuer', stack.oidc.url]);
  t.equal(human.code, 0, human.stderr);
  t.match(human.stdout, /signer:\s+alice@example\.com/);

  const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'artifact', digest: { sha256: '5b0d3f2d7d6c1a3c8a4a3e4b42b7e0a4b6a1f0f9c5a3d2b1e0f9a8b7c6d5e4f3' } }], predicateType: 'https://example.com/p', predicate: {} }));
  const attestation = (await attest(statement, 'application/vnd.in-toto+json', await options())) as Json;
  const attPath = join(dir, 'attestation.json');
  writeFileSync(attPath, JSON.stringify(attestation));
  const dsse = await sigstack(['bundle', 'verify', attPath, '--trusted-root', files.root, '--identity', 'alice@example\\.com', '--issuer', stack.oidc.url, '--json']);
  t.equal(dsse.code, 0, dsse.stderr);
  t.equal(JSON.parse(dsse.stdout).content, 'dsseEnvelope');
  t.doesNotThrow(() => verifier.verify(toSignedEntity(bundleFromJSON(attestation)), policy), '@sigstore/verify accepts the attestation too');
  const altered = structuredClone(attestation);
  altered.dsseEnvelope.payload = Buffer.from(statement.toString().replace('artifact', 'artefact')).toString('base64');
  writeFileSync(attPath, JSON.stringify(altered));
  const alteredRun = await sigstack(['bundle', 'verify', attPath, '--trusted-root', files.root, '--issuer', stack.oidc.url]);
  t.equal(alteredRun.code, 18, alteredRun.stderr);
  t.throws(() => verifier.verify(toSignedEntity(bundleFromJSON(altered)), policy), '@sigstore/verify rejects the altered attestation too');
});
