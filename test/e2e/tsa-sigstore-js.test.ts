import t from 'tap';
import { generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { MessageSignatureBundleBuilder, TSAWitness } from '@sigstore/sign';
import type { Signer } from '@sigstore/sign';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { startService } from './helpers/service.js';

// The real sigstore-js clients against a real TSA process. `sigstore.sign({ tsaServerURL })` adds
// exactly this witness (`new TSAWitness({ tsaBaseURL: tsaServerURL })`, sigstore/dist/config.js);
// the high-level call also needs a CA, so the bundle here is signed with a key. @sigstore/verify
// then checks the RFC 3161 token against a trusted root that lists this TSA.

const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const hint = 'test-key';
const signer: Signer = {
  async sign(data) {
    return {
      signature: sign('sha256', data, signingKey.privateKey),
      key: { $case: 'publicKey', publicKey: signingKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(), hint },
    };
  },
};
const keys = { [hint]: { rawBytes: signingKey.publicKey.export({ type: 'spki', format: 'der' }), keyDetails: 2 /* PKIX_ECDSA_P256_SHA_256 */ } };

/** The served chain as base64 DER, leaf first. */
async function chainOf(url: string): Promise<string[]> {
  const pem = await (await fetch(`${url}/api/v1/timestamp/certchain`)).text();
  return (pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map((block) => new X509Certificate(block).raw.toString('base64'));
}

function trustedRoot(url: string, chain: string[]) {
  return TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [{
      subject: { organization: 'sigstack', commonName: 'sigstack dev TSA' },
      uri: url,
      certChain: { certificates: chain.map((rawBytes) => ({ rawBytes })) },
      validFor: { start: '2020-01-01T00:00:00Z' },
    }],
  });
}

const verifierFor = (root: ReturnType<typeof trustedRoot>) => new Verifier(toTrustMaterial(root, keys as never), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 1 });

t.test('sigstore-js timestamps a signature through our TSA and @sigstore/verify accepts the token', async (t) => {
  const dir = t.testdir();
  const tsa = await startService('tsa', { TSA_PORT: '0', TSA_SIGNER: 'ephemeral', TSA_DATA_DIR: dir });
  t.teardown(() => tsa.stop());
  const chain = await chainOf(tsa.url);
  t.equal(chain.length, 2, 'the TSA certificate and its root');
  const verifier = verifierFor(trustedRoot(tsa.url, chain));

  const data = Buffer.from('a release artifact');
  const builder = new MessageSignatureBundleBuilder({ signer, witnesses: [new TSAWitness({ tsaBaseURL: tsa.url })] });
  const bundle = await builder.create({ data });
  const stamps = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? [];
  t.equal(stamps.length, 1, 'the bundle carries one RFC 3161 token');
  t.equal(bundle.verificationMaterial.tlogEntries.length, 0, 'and no log entry: the token alone is the time');
  t.doesNotThrow(() => verifier.verify(toSignedEntity(bundle, data)), 'the token verifies: chain, imprint over the signature, signed attributes');

  // A signing config names the full endpoint URL; the witness then uses it as given.
  const viaEndpoint = await new MessageSignatureBundleBuilder({ signer, witnesses: [new TSAWitness({ tsaBaseURL: `${tsa.url}/api/v1/timestamp` })] }).create({ data });
  t.doesNotThrow(() => verifier.verify(toSignedEntity(viaEndpoint, data)), 'the full endpoint URL works too');

  t.throws(() => verifier.verify(toSignedEntity(bundle, Buffer.from('tampered artifact'))), 'another artifact is rejected');

  const tampered = structuredClone(bundle);
  const token = tampered.verificationMaterial.timestampVerificationData!.rfc3161Timestamps[0]!.signedTimestamp;
  token[token.length - 5]! ^= 1; // inside the ECDSA signature at the end of the SignerInfo
  t.throws(() => verifier.verify(toSignedEntity(tampered, data)), { message: /timestamp could not be verified/ }, 'a tampered token is rejected');

  t.throws(() => verifierFor(trustedRoot(tsa.url, [...chain].reverse())).verify(toSignedEntity(bundle, data)), 'a trusted root whose TSA entry starts with another certificate rejects it');
  t.throws(() => verifierFor(TrustedRoot.fromJSON({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] })).verify(toSignedEntity(bundle, data)), 'a trusted root without TSAs rejects it');

  t.equal(await tsa.stop('SIGTERM'), 0, 'SIGTERM stops the TSA cleanly');
});

t.test('a restarted ephemeral TSA keeps its chain, so earlier tokens still verify', async (t) => {
  const dir = t.testdir();
  const first = await startService('tsa', { TSA_PORT: '0', TSA_SIGNER: 'ephemeral', TSA_DATA_DIR: dir });
  const data = Buffer.from('an artifact signed before the restart');
  const bundle = await new MessageSignatureBundleBuilder({ signer, witnesses: [new TSAWitness({ tsaBaseURL: first.url })] }).create({ data });
  await first.stop();
  const second = await startService('tsa', { TSA_PORT: '0', TSA_SIGNER: 'ephemeral', TSA_DATA_DIR: dir });
  t.teardown(() => second.stop());
  const sameChain = await chainOf(second.url);
  t.doesNotThrow(() => verifierFor(trustedRoot(second.url, sameChain)).verify(toSignedEntity(bundle, data)));

  const other = await startService('tsa', { TSA_PORT: '0', TSA_SIGNER: 'ephemeral', TSA_DATA_DIR: join(dir, 'other') });
  t.teardown(() => other.stop());
  const otherChain = await chainOf(other.url);
  t.throws(() => verifierFor(trustedRoot(other.url, otherChain)).verify(toSignedEntity(bundle, data)), { message: /timestamp could not be verified/ }, 'another TSA\'s root does not vouch for it');
});
