import t from 'tap';
import { sign, attest } from 'sigstore';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { startStack } from './helpers/stack.js';

// Keyless signing with the real sigstore-js against the real stack: a token from the dev issuer,
// a certificate from our CA with an SCT from our CT log embedded, an entry in our transparency log;
// then @sigstore/verify with the DEFAULT thresholds (one SCT, one tlog entry, one timestamp).

t.test('sigstore-js signs keylessly against the stack and @sigstore/verify accepts the bundle', async (t) => {
  const stack = await startStack(t.testdir());
  t.teardown(() => stack.stop());
  const verifier = new Verifier(toTrustMaterial(await stack.trustedRoot()));
  const artifact = Buffer.from('a release built by alice');
  const options = { fulcioURL: stack.fulcio.url, rekorURL: stack.rekor.url, identityToken: await stack.token('alice', 'alice@example.com'), timeout: 20_000 };

  const bundle = bundleFromJSON(await sign(artifact, options));
  const cert = bundle.verificationMaterial.content;
  t.equal(cert.$case, 'x509CertificateChain');
  const policy = { subjectAlternativeName: '^alice@example\\.com$', extensions: { issuer: stack.oidc.url } };
  const signer = verifier.verify(toSignedEntity(bundle, artifact), policy);
  t.ok(signer.identity, 'the certificate identity was checked');
  t.throws(() => verifier.verify(toSignedEntity(bundle, artifact), { ...policy, subjectAlternativeName: '^mallory@example\\.com$' }), 'a wrong identity is rejected');
  t.throws(() => verifier.verify(toSignedEntity(bundle, Buffer.from('another artifact')), policy), 'another artifact is rejected');

  const attestation = bundleFromJSON(await attest(Buffer.from('{"_type":"https://in-toto.io/Statement/v1","subject":[]}'), 'application/vnd.in-toto+json', { ...options, identityToken: await stack.token('alice', 'alice@example.com') }));
  t.equal(attestation.verificationMaterial.tlogEntries[0]?.kindVersion?.kind, 'dsse');
  t.doesNotThrow(() => verifier.verify(toSignedEntity(attestation), policy), 'a DSSE attestation verifies');
});
