import t from 'tap';
import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { MessageSignatureBundleBuilder, RekorWitness } from '@sigstore/sign';
import type { Signer } from '@sigstore/sign';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { startService } from './helpers/service.js';

// The real sigstore-js clients against a real rekor process: @sigstore/sign's Rekor witness uploads
// a hashedrekord entry, and @sigstore/verify checks its SET, inclusion proof and checkpoint.

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

async function trustedRoot(url: string) {
  const pem = await (await fetch(`${url}/api/v1/log/publicKey`)).text();
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{
      baseUrl: url,
      hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: der.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2020-01-01T00:00:00Z' } },
      logId: { keyId: createHash('sha256').update(der).digest('base64') },
    }],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  });
}

t.test('sigstore-js signs through our log and verifies the SET, proof and checkpoint', async (t) => {
  const dir = t.testdir();
  const rekor = await startService('rekor', { REKOR_PORT: '0', REKOR_DEV_MODE: 'true', REKOR_DATA_DIR: dir });
  t.teardown(() => rekor.stop());

  const builder = new MessageSignatureBundleBuilder({ signer, witnesses: [new RekorWitness({ rekorBaseURL: rekor.url, fetchOnConflict: false })] });
  const data = Buffer.from('a release artifact');
  const bundle = await builder.create({ data });
  const entry = bundle.verificationMaterial.tlogEntries[0]!;
  t.equal(entry.kindVersion?.kind, 'hashedrekord');
  t.ok(entry.inclusionPromise?.signedEntryTimestamp.length, 'the bundle carries a SET');
  t.ok(entry.inclusionProof?.checkpoint?.envelope.startsWith('127.0.0.1 - '), 'the checkpoint has a Rekor v1 origin');

  const keys = { [hint]: { rawBytes: signingKey.publicKey.export({ type: 'spki', format: 'der' }), keyDetails: 2 /* PKIX_ECDSA_P256_SHA_256 */ } };
  const material = toTrustMaterial(await trustedRoot(rekor.url), keys as never);
  const verifier = new Verifier(material, { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 1 });
  t.doesNotThrow(() => verifier.verify(toSignedEntity(bundle, data)), 'default checks pass: SET, inclusion proof, checkpoint, body');

  // A second entry grows the tree; the first bundle's proof still verifies against its own checkpoint.
  await builder.create({ data: Buffer.from('another artifact') });
  t.doesNotThrow(() => verifier.verify(toSignedEntity(bundle, data)));

  t.throws(() => verifier.verify(toSignedEntity(bundle, Buffer.from('tampered artifact'))), 'another artifact is rejected');

  const badProof = structuredClone(bundle);
  const proof = badProof.verificationMaterial.tlogEntries[0]!.inclusionProof!;
  if (proof.hashes.length > 0) proof.hashes[0]![0]! ^= 1;
  else proof.rootHash[0]! ^= 1;
  t.throws(() => verifier.verify(toSignedEntity(badProof, data)), 'a flipped proof hash is rejected');

  const badSet = structuredClone(bundle);
  badSet.verificationMaterial.tlogEntries[0]!.inclusionPromise!.signedEntryTimestamp[10]! ^= 1;
  t.throws(() => verifier.verify(toSignedEntity(badSet, data)), 'a tampered SET is rejected');

  const otherLog = toTrustMaterial(await trustedRoot(rekor.url).then((root) => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    root.tlogs[0]!.publicKey!.rawBytes = other;
    return root;
  }), keys as never);
  t.throws(() => new Verifier(otherLog, { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 1 }).verify(toSignedEntity(bundle, data)), 'another log key is rejected');

  t.equal(await rekor.stop('SIGTERM'), 0, 'SIGTERM finishes the batch in flight and exits cleanly');
});
