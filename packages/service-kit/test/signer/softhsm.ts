import { createPublicKey, webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificatesToPem, x509 } from '@sigstack/crypto/x509';
import type { SoftHsm } from '@sigstack/testkit';
import type { Pkcs11SignerSettings } from '../../src/index.js';

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export { setupSoftHsm } from '@sigstack/testkit';
export type { SoftHsm } from '@sigstack/testkit';

/**
 * Writes `<dir>/chain.pem`: a self-signed root made with a node key and a leaf certifying the
 * token's public key, valid around `now`. Returns the pkcs11 settings for the token.
 */
export async function pkcs11Settings(hsm: SoftHsm, dir: string, now: number, leafExtensions: x509.Extension[] = []): Promise<Pkcs11SignerSettings> {
  const rootKeys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const common = { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY), signingAlgorithm: EC };
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    ...common,
    serialNumber: '0a',
    name: 'CN=hsm test root',
    keys: rootKeys,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  const spki = createPublicKey(hsm.publicKeyPem).export({ type: 'spki', format: 'der' });
  const hsmKey = await webcrypto.subtle.importKey('spki', spki, EC, true, ['verify']);
  const leaf = await x509.X509CertificateGenerator.create({
    ...common,
    serialNumber: '0b',
    subject: 'CN=hsm test signer',
    issuer: root.subject,
    publicKey: hsmKey,
    signingKey: rootKeys.privateKey,
    extensions: leafExtensions,
  });
  const chainFile = join(dir, 'chain.pem');
  writeFileSync(chainFile, certificatesToPem([leaf, root]));
  return { backend: 'pkcs11', module: hsm.module, tokenLabel: hsm.tokenLabel, pinFile: hsm.pinFile, keyLabel: hsm.keyLabel, chainFile };
}
