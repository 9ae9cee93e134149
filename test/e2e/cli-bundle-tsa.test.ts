import t from 'tap';
import { createHash, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attest, sign } from 'sigstore';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { sigstack } from './cli-fixtures.js';
import { startService } from './helpers/service.js';
import { startStack } from './helpers/stack.js';

// `sigstack bundle verify` with RFC 3161 timestamps: sigstore-js signs with `tsaServerURL` against
// the real stack and a real TSA process, and every bundle (as made, without its SET so that the
// TSA's genTime is the only verified time, and altered ones) is also given to @sigstore/verify
// with its default thresholds: the verdicts must agree, and ours must carry the documented exit.

type Json = Record<string, any>;

// Six processes, two signings and a dozen CLI runs: more than tap's default 30 s on two busy cores.
t.setTimeout(240_000);

/** The served chain as base64 DER, TSA certificate first. */
async function chainOf(url: string): Promise<string[]> {
  const pem = await (await fetch(`${url}/api/v1/timestamp/certchain`)).text();
  return (pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map((block) => new X509Certificate(block).raw.toString('base64'));
}

/** A token from `url` over `data`, as the bundle's base64 `signedTimestamp`. */
async function tokenOver(url: string, data: Buffer): Promise<string> {
  const res = await fetch(`${url}/api/v1/timestamp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ artifactHash: createHash('sha256').update(data).digest('base64'), hashAlgorithm: 'sha256' }),
  });
  if (res.status !== 200) throw new Error(`the TSA answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer()).toString('base64');
}

const stamps = (b: Json): Json[] => b.verificationMaterial.timestampVerificationData.rfc3161Timestamps;
const firstStamp = (b: Json): Json => b.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0];

t.test('bundle verify accepts TSA timestamps as the verified time and agrees with @sigstore/verify', async (t) => {
  const dir = t.testdir();
  const stack = await startStack(dir);
  t.teardown(() => stack.stop());
  const tsa = await startService('tsa', { TSA_PORT: '0', TSA_SIGNER: 'ephemeral', TSA_DATA_DIR: join(dir, 'tsa') });
  t.teardown(() => tsa.stop());
  const otherTsa = await startService('tsa', { TSA_PORT: '0', TSA_SIGNER: 'ephemeral', TSA_DATA_DIR: join(dir, 'other-tsa') });
  t.teardown(() => otherTsa.stop());

  const base = TrustedRoot.toJSON(await stack.trustedRoot()) as Json;
  const rootJson = {
    ...base,
    timestampAuthorities: [{
      subject: { organization: 'sigstack', commonName: 'sigstack dev TSA' },
      uri: tsa.url,
      certChain: { certificates: (await chainOf(tsa.url)).map((rawBytes) => ({ rawBytes })) },
      validFor: { start: '2020-01-01T00:00:00Z' },
    }],
  };
  const roots = { withTsa: rootJson, withoutTsa: { ...rootJson, timestampAuthorities: [] } };
  const rootFiles = { withTsa: join(dir, 'root.json'), withoutTsa: join(dir, 'root-no-tsa.json') };
  writeFileSync(rootFiles.withTsa, JSON.stringify(roots.withTsa));
  writeFileSync(rootFiles.withoutTsa, JSON.stringify(roots.withoutTsa));

  const options = async () => ({ fulcioURL: stack.fulcio.url, rekorURL: stack.rekor.url, tsaServerURL: tsa.url, identityToken: await stack.token('alice', 'alice@example.com'), timeout: 20_000 });
  const artifact = Buffer.from('a release timestamped by the TSA');
  const good = (await sign(artifact, await options())) as Json;
  t.equal(stamps(good).length, 1, 'sigstore-js put one RFC 3161 token in the bundle');
  t.ok(good.verificationMaterial.tlogEntries[0].inclusionPromise, 'and the log entry has its SET');

  const edit = (from: Json, f: (b: Json) => void | Promise<void>) => async (): Promise<Json> => {
    const b = structuredClone(from);
    await f(b);
    return b;
  };
  const dropSet = (b: Json) => void delete b.verificationMaterial.tlogEntries[0].inclusionPromise;
  const noSet = await edit(good, dropSet)();
  const signature = Buffer.from(good.messageSignature.signature, 'base64');

  const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'artifact', digest: { sha256: createHash('sha256').update(artifact).digest('hex') } }], predicateType: 'https://example.com/p', predicate: {} }));
  const attestation = (await attest(statement, 'application/vnd.in-toto+json', await options())) as Json;
  t.equal(stamps(attestation).length, 1, 'the attestation carries a token too');
  const attestationNoSet = await edit(attestation, dropSet)();

  type Case = { name: string; bundle: Json; root?: keyof typeof roots; artifact?: Buffer | null; exit: number };
  const cases: Case[] = [
    { name: 'the bundle with SET and timestamp', bundle: good, exit: 0 },
    { name: 'the bundle without its SET: the timestamp is the only verified time', bundle: noSet, exit: 0 },
    { name: 'the DSSE attestation with SET and timestamp', bundle: attestation, artifact: null, exit: 0 },
    { name: 'the DSSE attestation without its SET', bundle: attestationNoSet, artifact: null, exit: 0 },
    { name: 'without the SET, another artifact', bundle: noSet, artifact: Buffer.from('another artifact'), exit: 18 },
    { name: 'with the SET, a trusted root without the TSA', bundle: good, root: 'withoutTsa', exit: 19 },
    { name: 'without the SET, a trusted root without the TSA', bundle: noSet, root: 'withoutTsa', exit: 19 },
    { name: 'the DSSE attestation without its SET, a trusted root without the TSA', bundle: attestationNoSet, root: 'withoutTsa', artifact: null, exit: 19 },
    { name: 'without the SET, a tampered token signature', bundle: await edit(noSet, (b) => {
      const token = Buffer.from(firstStamp(b).signedTimestamp, 'base64');
      token[token.length - 5]! ^= 1; // inside the ECDSA signature at the end of the SignerInfo
      firstStamp(b).signedTimestamp = token.toString('base64');
    })(), exit: 19 },
    { name: 'without the SET, a token over other bytes than the signature', bundle: await edit(noSet, async (b) => void (firstStamp(b).signedTimestamp = await tokenOver(tsa.url, Buffer.from('other bytes'))))(), exit: 19 },
    { name: 'without the SET, a token from a TSA the trusted root does not list', bundle: await edit(noSet, async (b) => void (firstStamp(b).signedTimestamp = await tokenOver(otherTsa.url, signature)))(), exit: 19 },
    { name: 'without the SET, a token over the DSSE payload instead of its signature', bundle: await edit(attestationNoSet, async (b) => void (firstStamp(b).signedTimestamp = await tokenOver(tsa.url, statement)))(), artifact: null, exit: 19 },
    { name: 'without the SET and without the timestamp', bundle: await edit(noSet, (b) => void (b.verificationMaterial.timestampVerificationData.rfc3161Timestamps = []))(), exit: 14 },
  ];

  const policy = { subjectAlternativeName: '^alice@example\\.com$', extensions: { issuer: stack.oidc.url } };
  for (const [i, c] of cases.entries()) await t.test(`${c.name}: exit ${c.exit}, the same verdict as @sigstore/verify`, async (t) => {
    const bundlePath = join(dir, `bundle-${i}.json`);
    writeFileSync(bundlePath, JSON.stringify(c.bundle));
    const data = c.artifact === null ? undefined : (c.artifact ?? artifact);
    const artifactArgs: string[] = [];
    if (data !== undefined) {
      writeFileSync(join(dir, `artifact-${i}`), data);
      artifactArgs.push('--artifact', join(dir, `artifact-${i}`));
    }
    const root = c.root ?? 'withTsa';
    const ours = await sigstack(['bundle', 'verify', bundlePath, ...artifactArgs, '--trusted-root', rootFiles[root], '--identity', 'alice@example\\.com', '--issuer', stack.oidc.url, '--json']);
    let theirs = true;
    try {
      new Verifier(toTrustMaterial(TrustedRoot.fromJSON(roots[root]))).verify(toSignedEntity(bundleFromJSON(c.bundle), data), policy);
    } catch {
      theirs = false;
    }
    t.equal(ours.code, c.exit, `exit ${c.exit}\n${ours.stderr}`);
    t.equal(ours.code === 0, theirs, 'same verdict as @sigstore/verify');
    const verdict = JSON.parse(ours.stdout);
    t.equal(verdict.verified, c.exit === 0, 'the json verdict says so');
    if (c.exit === 0) {
      const sources = (verdict.timestamps as { source: string; by: string }[]).map((x) => x.source);
      t.same(sources.filter((s) => s === 'tsa').length, 1, 'the TSA timestamp is a verified time');
      t.equal(sources.includes('tlog'), c.bundle.verificationMaterial.tlogEntries[0].inclusionPromise !== undefined, 'the SET is one only when present');
      t.equal(verdict.timestamps.find((x: { source: string }) => x.source === 'tsa').by, tsa.url);
    }
  });
});
