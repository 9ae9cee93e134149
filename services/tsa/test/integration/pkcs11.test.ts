import t from 'tap';
import { setupSoftHsm } from '@sigstack/testkit';
import type { SoftHsm } from '@sigstack/testkit';
import { createPublicKey, webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificatesToPem, x509 } from '@sigstack/crypto/x509';
import { buildApp } from '../../src/app.js';
import { tsaLeafExtensions } from '../../src/timestamp/tsa-certificate.js';
import { configFor, counterBytes, FakeClock, makeAuthority, NOW, openssl, sha256 } from '../helpers.js';

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
const artifact = 'a release artifact\n';

/** Writes chain.pem and root.pem: a node-made root and a TSA certificate for the token's key. */
async function writeChain(hsm: SoftHsm, dir: string): Promise<string> {
  const rootKeys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const common = { notBefore: new Date(NOW - DAY), notAfter: new Date(NOW + 365 * DAY), signingAlgorithm: EC };
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    ...common,
    serialNumber: '0a',
    name: 'CN=hsm TSA root',
    keys: rootKeys,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  const spki = createPublicKey(hsm.publicKeyPem).export({ type: 'spki', format: 'der' });
  const leaf = await x509.X509CertificateGenerator.create({
    ...common,
    serialNumber: '0b',
    subject: 'CN=hsm TSA',
    issuer: root.subject,
    publicKey: await webcrypto.subtle.importKey('spki', spki, EC, true, ['verify']),
    signingKey: rootKeys.privateKey,
    extensions: tsaLeafExtensions(),
  });
  writeFileSync(join(dir, 'root.pem'), certificatesToPem([root]));
  const chainFile = join(dir, 'chain.pem');
  writeFileSync(chainFile, certificatesToPem([leaf, root]));
  return chainFile;
}

async function pkcs11App(dir: string) {
  const hsm = setupSoftHsm(dir);
  const env = {
    TSA_SIGNER: 'pkcs11',
    TSA_PKCS11_MODULE: hsm.module,
    TSA_PKCS11_TOKEN_LABEL: hsm.tokenLabel,
    TSA_PKCS11_PIN_FILE: hsm.pinFile,
    TSA_PKCS11_KEY_LABEL: hsm.keyLabel,
    TSA_CERT_CHAIN_FILE: await writeChain(hsm, dir),
  };
  const tsa = await makeAuthority(dir, env, new FakeClock());
  const app = buildApp({ config: configFor(dir, env), authority: tsa.authority });
  return { app, signer: tsa.certified.signer, close: async () => { await app.close(); await tsa.certified.signer.close(); } };
}

const request = JSON.stringify({ artifactHash: Buffer.from(sha256(artifact)).toString('base64'), hashAlgorithm: 'sha256', certificates: true });

t.test('the TSA issues a token signed in the HSM that openssl verifies', async (t) => {
  const dir = t.testdir();
  const { app, close } = await pkcs11App(dir);
  t.teardown(close);
  const res = await app.inject({ method: 'POST', url: '/api/v1/timestamp', headers: { 'content-type': 'application/json' }, payload: request });
  t.equal(res.statusCode, 200, res.body);
  writeFileSync(join(dir, 'reply.tsr'), res.rawPayload);
  writeFileSync(join(dir, 'artifact.txt'), artifact);
  const verify = openssl(['ts', '-verify', '-data', 'artifact.txt', '-in', 'reply.tsr', '-CAfile', 'root.pem'], dir);
  t.match(verify.out, /Verification: OK/, verify.out);
  t.equal(verify.status, 0);
  const text = openssl(['ts', '-reply', '-in', 'reply.tsr', '-text'], dir);
  t.match(text.out, /TSA: DirName:\/CN=hsm TSA/);
});

t.test('when the HSM session is gone the TSA answers 503 and issues nothing', async (t) => {
  const dir = t.testdir();
  const { app, signer, close } = await pkcs11App(dir);
  t.teardown(close);
  // The session is released under the TSA (service-kit's tests finalize the module itself).
  await signer.close();
  const res = await app.inject({ method: 'POST', url: '/api/v1/timestamp', headers: { 'content-type': 'application/json' }, payload: request });
  t.equal(res.statusCode, 503);
  t.equal(res.headers['content-type']?.toString().startsWith('application/timestamp-reply'), false, 'no token, not even a half-issued one');
  t.notMatch(res.body, /1234|CKR_/, 'neither the PIN nor PKCS#11 detail on the wire');
});
