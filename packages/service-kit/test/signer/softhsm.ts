import { execFileSync } from 'node:child_process';
import { createPublicKey, webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { certificatesToPem, x509 } from '@sigstack/crypto/x509';
import type { Pkcs11SignerSettings } from '../../src/index.js';

const SCRIPT = fileURLToPath(new URL('../../../../scripts/softhsm-setup.mjs', import.meta.url));
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export type SoftHsm = { conf: string; module: string; tokenLabel: string; keyLabel: string; pinFile: string; publicKeyPem: string };

/**
 * A fresh SoftHSM token in `dir` (scripts/softhsm-setup.mjs) with SOFTHSM2_CONF pointing at it.
 * Throws, with the script's message (e.g. "install SoftHSM first: apt-get install -y softhsm2"),
 * when SoftHSM is missing: the pkcs11 tests never skip.
 */
export function setupSoftHsm(dir: string): SoftHsm {
  let out: string;
  try {
    out = execFileSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`SoftHSM setup failed (CI installs it with apt-get install -y softhsm2): ${stderr || String(err)}`);
  }
  const hsm = JSON.parse(out) as SoftHsm;
  process.env.SOFTHSM2_CONF = hsm.conf;
  return hsm;
}

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
