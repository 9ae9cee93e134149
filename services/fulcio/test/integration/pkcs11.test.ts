import t from 'tap';
import { setupSoftHsm } from '@sigstack/testkit';
import type { SoftHsm } from '@sigstack/testkit';
import { createPublicKey, generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificatesToPem, x509 } from '@sigstack/crypto/x509';
import { makeFulcio, NOW, recordingCt } from './helpers.js';

// The CA key in an HSM: SoftHSM2 through the service-kit pkcs11 signer. Fails (never skips) when
// SoftHSM is not installed; CI installs it (`apt-get install -y softhsm2`, see .ci/run).

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

/** A node-made root and, under it, an intermediate CA certificate for the token's key. */
async function writeCaChain(hsm: SoftHsm, dir: string): Promise<string> {
  const rootKeys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const common = { notBefore: new Date(NOW - DAY), notAfter: new Date(NOW + 365 * DAY), signingAlgorithm: EC };
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    ...common, serialNumber: '01', name: 'O=sigstack test, CN=hsm root', keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const spki = createPublicKey(hsm.publicKeyPem).export({ type: 'spki', format: 'der' });
  const hsmKey = await webcrypto.subtle.importKey('spki', spki, EC, true, ['verify']);
  const intermediate = await x509.X509CertificateGenerator.create({
    ...common, serialNumber: '02', subject: 'O=sigstack test, CN=hsm intermediate', issuer: root.subject, publicKey: hsmKey, signingKey: rootKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.ExtendedKeyUsageExtension([CODE_SIGNING], false),
      await x509.SubjectKeyIdentifierExtension.create(hsmKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const chainFile = join(dir, 'ca-chain.pem');
  writeFileSync(chainFile, certificatesToPem([intermediate, root]));
  return chainFile;
}

t.test('the CA issues certificates signed by a key held in SoftHSM', async (t) => {
  const dir = t.testdir({ hsm: {} });
  const hsm = setupSoftHsm(join(dir, 'hsm'));
  const chainFile = await writeCaChain(hsm, dir);
  const f = await makeFulcio(dir, recordingCt().ct, {
    FULCIO_CA_BACKEND: 'pkcs11',
    FULCIO_PKCS11_MODULE: hsm.module,
    FULCIO_PKCS11_TOKEN_LABEL: hsm.tokenLabel,
    FULCIO_PKCS11_PIN_FILE: hsm.pinFile,
    FULCIO_PKCS11_KEY_LABEL: hsm.keyLabel,
    FULCIO_CA_CHAIN_FILE: chainFile,
  });
  t.teardown(f.close);
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const token = await f.dev.token({ sub: 'hsm', email: 'hsm@example.com' });
  const res = await f.app.inject({
    method: 'POST', url: '/api/v2/signingCert',
    payload: { credentials: { oidcIdentityToken: token }, publicKeyRequest: { publicKey: { content: key.publicKey.export({ type: 'spki', format: 'pem' }).toString() }, proofOfPossession: sign('sha256', Buffer.from('hsm@example.com'), key.privateKey).toString('base64') } },
  });
  t.equal(res.statusCode, 200);
  const [leafPem, interPem] = res.json().signedCertificateEmbeddedSct.chain.certificates as string[];
  const leaf = new x509.X509Certificate(leafPem!);
  const intermediate = new x509.X509Certificate(interPem!);
  t.equal(intermediate.subject, 'O=sigstack test, CN=hsm intermediate');
  t.ok(await leaf.verify({ publicKey: await intermediate.publicKey.export(), signatureOnly: true }), 'the leaf is signed by the HSM key');
});

t.test('the pkcs11 backend needs all of its settings', async (t) => {
  const dir = t.testdir();
  await t.rejects(makeFulcio(dir, recordingCt().ct, { FULCIO_CA_BACKEND: 'pkcs11', FULCIO_PKCS11_MODULE: '/nope.so' }), { code: 'ERR_CONFIG_INVALID' });
});
