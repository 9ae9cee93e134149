import t from 'tap';
import { createHash, createPrivateKey, createPublicKey, sign, verify, webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CtLogClient, OID_CT_POISON, OID_CT_SCT_LIST, sctListExtensionValue, verifySct } from '@sigstack/client';
import type { CtSct } from '@sigstack/client';
import { hashLeaf, verifyInclusion } from '@sigstack/crypto/merkle';
import { x509 } from '@sigstack/crypto/x509';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { HashAlgorithm, TrustedRoot } from '@sigstore/protobuf-specs';
import type { Bundle } from '@sigstore/bundle';
import { startService } from './helpers/service.js';

// The built CT log as a real process on loopback, driven by our CT client: a certificate chain from
// a test CA listed in the roots file, tree heads and inclusion proofs checked with the log key, the
// precertificate flow ending in a final certificate whose embedded SCT @sigstore/verify accepts,
// and kill -9 with every acknowledged entry still there afterwards.

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const NOW = new Date();

type Issued = { cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair; der: Uint8Array };

async function keyPair(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function ca(): Promise<{ root: Issued; intermediate: Issued }> {
  const rootKeys = await keyPair();
  const notBefore = new Date(NOW.getTime() - 86_400_000);
  const notAfter = new Date(NOW.getTime() + 365 * 86_400_000);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: 'O=sigstack e2e, CN=sigstack e2e root', notBefore, notAfter, signingAlgorithm: EC, keys: rootKeys,
    extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true), await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey)],
  });
  const keys = await keyPair();
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: '02', subject: 'O=sigstack e2e, CN=sigstack e2e intermediate', issuer: root.subject, notBefore, notAfter, signingAlgorithm: EC,
    publicKey: keys.publicKey, signingKey: rootKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey), await x509.AuthorityKeyIdentifierExtension.create(root),
    ],
  });
  return { root: { cert: root, keys: rootKeys, der: new Uint8Array(root.rawData) }, intermediate: { cert: intermediate, keys, der: new Uint8Array(intermediate.rawData) } };
}

/** A Fulcio-like leaf: 10 minutes, code signing, the identity in the SAN; `last` is the poison or the SCT list. */
async function leaf(issuer: Issued, keys: webcrypto.CryptoKeyPair, serialNumber: string, last?: x509.Extension): Promise<Uint8Array> {
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber, subject: '', issuer: issuer.cert.subject, notBefore: new Date(NOW.getTime() - 60_000), notAfter: new Date(NOW.getTime() + 540_000),
    signingAlgorithm: EC, publicKey: keys.publicKey, signingKey: issuer.keys.privateKey,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.cert),
      new x509.SubjectAlternativeNameExtension([{ type: 'email', value: 'dev@example.com' }], true),
      ...(last ? [last] : []),
    ],
  });
  return new Uint8Array(cert.rawData);
}

function sha256(b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(b).digest());
}

/** The RFC 6962 MerkleTreeLeaf of an X.509 entry (what the log hashes). */
function x509Leaf(sct: CtSct, der: Uint8Array): Uint8Array {
  const b = Buffer.alloc(2 + 8 + 2 + 3 + der.length + 2);
  b.writeBigUInt64BE(BigInt(sct.timestamp), 2);
  b.writeUIntBE(der.length, 12, 3);
  Buffer.from(der).copy(b, 15);
  return new Uint8Array(b);
}

async function startLog(dir: string, roots: Issued[]) {
  writeFileSync(join(dir, 'roots.pem'), roots.map((r) => r.cert.toString('pem')).join('\n') + '\n');
  return startService('ctlog', { CTLOG_PORT: '0', CTLOG_DEV_MODE: 'true', CTLOG_DATA_DIR: dir });
}

const pki = await ca();

t.test('add-chain, get-sth and get-proof-by-hash against the running log verify with the log key', async (t) => {
  const dir = t.testdir();
  const ctlog = await startLog(dir, [pki.root]);
  t.teardown(() => ctlog.stop());
  const client = new CtLogClient(ctlog.url);
  const [root] = await client.getRoots();
  t.same(root, pki.root.der, 'get-roots lists the roots file');

  const der = await leaf(pki.intermediate, await keyPair(), '0a01');
  const sct = await client.addChain([der, pki.intermediate.der]);
  const logKey = createPublicKey(await (async () => {
    // The log key: dev mode keeps it in the data dir; only its public half is used here.
    const { readFileSync } = await import('node:fs');
    return createPublicKey(createPrivateKey(readFileSync(join(dir, 'log-key.pem'), 'utf8'))).export({ type: 'spki', format: 'pem' });
  })());
  t.ok(verifySct(sct, logKey, { certificate: der }), 'the SCT verifies for the X.509 entry');

  const sth = await client.getSth();
  t.equal(sth.treeSize, 1);
  const input = Buffer.alloc(50);
  input[1] = 1;
  input.writeBigUInt64BE(BigInt(sth.timestamp), 2);
  input.writeBigUInt64BE(BigInt(sth.treeSize), 10);
  Buffer.from(sth.rootHash).copy(input, 18);
  t.ok(verify('sha256', input, logKey, sth.treeHeadSignature.subarray(4)), 'the tree head signature verifies');

  const leafHash = hashLeaf(x509Leaf(sct, der));
  const proof = await client.getProofByHash(leafHash, sth.treeSize);
  t.ok(proof);
  t.doesNotThrow(() => verifyInclusion(proof!.leafIndex, sth.treeSize, leafHash, proof!.auditPath, sth.rootHash), 'inclusion verifies with @sigstack/crypto/merkle');
  const again = await client.addChain([der, pki.intermediate.der, pki.root.der]);
  t.equal(again.timestamp, sct.timestamp, 'a resubmission gets the existing entry\'s SCT');
  await t.rejects(client.addChain([await leaf((await ca()).intermediate, await keyPair(), '0a02')]), { code: 'ERR_CLIENT_STATUS', status: 400 });
});

t.test('the precertificate flow ends in a certificate whose embedded SCT @sigstore/verify accepts', async (t) => {
  const dir = t.testdir();
  const ctlog = await startLog(dir, [pki.root]);
  t.teardown(() => ctlog.stop());
  const client = new CtLogClient(ctlog.url);
  const keys = await keyPair();
  const precert = await leaf(pki.intermediate, keys, '7f0a11', new x509.Extension(OID_CT_POISON, true, Uint8Array.of(0x05, 0x00)));
  const sct = await client.addPreChain([precert, pki.intermediate.der, pki.root.der]);
  // The final certificate: the same fields in the same order, the SCT list in place of the poison.
  const final = await leaf(pki.intermediate, keys, '7f0a11', new x509.Extension(OID_CT_SCT_LIST, false, sctListExtensionValue([sct])));

  const { readFileSync } = await import('node:fs');
  const logSpki = createPublicKey(createPrivateKey(readFileSync(join(dir, 'log-key.pem'), 'utf8'))).export({ type: 'spki', format: 'der' });
  const trustedRoot = TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    certificateAuthorities: [{
      subject: { organization: 'sigstack e2e', commonName: 'sigstack e2e root' },
      uri: 'http://127.0.0.1:5555',
      certChain: { certificates: [{ rawBytes: Buffer.from(pki.intermediate.der).toString('base64') }, { rawBytes: Buffer.from(pki.root.der).toString('base64') }] },
      validFor: { start: new Date(NOW.getTime() - 86_400_000).toISOString() },
    }],
    ctlogs: [{
      baseUrl: ctlog.url,
      hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: logSpki.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: new Date(NOW.getTime() - 86_400_000).toISOString() } },
      logId: { keyId: createHash('sha256').update(logSpki).digest('base64') },
    }],
    timestampAuthorities: [],
  });

  // A message signature by the certificate's key, observed "now" (the certificate is valid then).
  const artifact = Buffer.from('a release artifact');
  const privateKey = createPrivateKey({ key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), format: 'der', type: 'pkcs8' });
  const signature = sign('sha256', artifact, privateKey);
  const bundleFor = (certificate: Uint8Array) => ({
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      content: { $case: 'certificate', certificate: { rawBytes: Buffer.from(certificate) } },
      tlogEntries: [{ logIndex: '0', logId: { keyId: Buffer.alloc(32) }, integratedTime: String(Math.floor(NOW.getTime() / 1000)), inclusionPromise: { signedEntryTimestamp: Buffer.alloc(0) }, canonicalizedBody: Buffer.alloc(0) }],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    content: { $case: 'messageSignature', messageSignature: { messageDigest: { algorithm: HashAlgorithm.SHA2_256, digest: Buffer.from(sha256(artifact)) }, signature } },
  }) as unknown as Bundle;
  // Only the certificate is under test: chain to the CA, SCT against the CT log. The tlog entry
  // stands in as the observation time and is not itself verified (tlogThreshold 0).
  const verifier = new Verifier(toTrustMaterial(trustedRoot), { ctlogThreshold: 1, tlogThreshold: 0, timestampThreshold: 1 });
  const entityOf = (certificate: Uint8Array) => ({ ...toSignedEntity(bundleFor(certificate), artifact), tlogEntries: [] });
  t.doesNotThrow(() => verifier.verify(entityOf(final)), '@sigstore/verify accepts the embedded SCT');

  const tampered = await leaf(pki.intermediate, keys, '7f0a11', new x509.Extension(OID_CT_SCT_LIST, false, sctListExtensionValue([{ ...sct, timestamp: sct.timestamp + 1 }])));
  t.throws(() => verifier.verify(entityOf(tampered)), { code: 'CERTIFICATE_ERROR' }, 'a wrong SCT fails');
  const otherSerial = await leaf(pki.intermediate, keys, '7f0a12', new x509.Extension(OID_CT_SCT_LIST, false, sctListExtensionValue([sct])));
  t.throws(() => verifier.verify(entityOf(otherSerial)), { code: 'CERTIFICATE_ERROR' }, 'the SCT does not fit another certificate');
  const bare = await leaf(pki.intermediate, keys, '7f0a13');
  t.throws(() => verifier.verify(entityOf(bare)), { message: /expected 1 SCTs, got 0/ }, 'no SCT, no certificate');
});

t.test('after kill -9 every acknowledged entry is in the log and provable', async (t) => {
  const dir = t.testdir();
  const first = await startLog(dir, [pki.root]);
  const client = new CtLogClient(first.url, { retries: 0 });
  const ders = await Promise.all(Array.from({ length: 40 }, async (_, i) => leaf(pki.intermediate, await keyPair(), (0x1000 + i).toString(16))));
  const acknowledged: { der: Uint8Array; sct: CtSct }[] = [];
  const inFlight = ders.map(async (der, i) => {
    const sct = await client.addChain([der, pki.intermediate.der]);
    acknowledged.push({ der, sct });
    if (i === 25) first.child.kill('SIGKILL');
  });
  await Promise.allSettled(inFlight);
  await first.stop();
  t.ok(acknowledged.length >= 26, `${acknowledged.length} SCTs were returned before the kill`);

  const second = await startLog(dir, [pki.root]);
  t.teardown(() => second.stop());
  const after = new CtLogClient(second.url);
  const sth = await after.getSth();
  t.ok(sth.treeSize >= acknowledged.length);
  for (const { der, sct } of acknowledged) {
    const leafHash = hashLeaf(x509Leaf(sct, der));
    const proof = await after.getProofByHash(leafHash, sth.treeSize);
    t.ok(proof, 'acknowledged entry is present');
    verifyInclusion(proof!.leafIndex, sth.treeSize, leafHash, proof!.auditPath, sth.rootHash);
  }
  const entries = await after.getEntries(0, sth.treeSize - 1);
  t.equal(entries.length, sth.treeSize, 'every entry has its leaf and chain');
});
