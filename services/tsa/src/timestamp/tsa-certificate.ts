import { x509 } from '@sigstack/crypto/x509';
import type { CertifiedSigner } from '@sigstack/service-kit';
import { ConfigError } from '../config.js';

export const EKU_TIMESTAMPING = '1.3.6.1.5.5.7.3.8';

/** The key usages RFC 3161 verifiers (OpenSSL's timestamp-sign purpose) allow on a TSA certificate. */
const ALLOWED_KEY_USAGES = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;

/** The extensions of a TSA certificate this service issues for itself (ephemeral signer). */
export function tsaLeafExtensions(): x509.Extension[] {
  return [
    new x509.ExtendedKeyUsageExtension([EKU_TIMESTAMPING], true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.BasicConstraintsExtension(false, undefined, true),
  ];
}

/**
 * The TSA policy on top of the generic chain check (upstream `VerifyCertChain`, RFC 3161 §2.3):
 * at least a TSA certificate and a root; the TSA certificate is not a CA, has exactly one extended
 * key usage, id-kp-timeStamping, marked critical, and at most the digitalSignature and
 * nonRepudiation key usages; every intermediate allows timeStamping; the key is ECDSA (sigstore-js
 * verifies token signatures only with ECDSA). Throws ConfigError listing every problem.
 */
export function checkTsaChain(certified: CertifiedSigner): void {
  const problems: string[] = [];
  const { chain, signer } = certified;
  if (signer.publicKey.type !== 'ecdsa') problems.push(`the TSA key must be ECDSA (P-256, P-384 or P-521), not ${signer.publicKey.type}`);
  if (chain.length < 2) problems.push(`the certificate chain must hold the TSA certificate and its root, got ${chain.length} certificate(s)`);
  const leaf = chain[0];
  if (leaf !== undefined) {
    const eku = leaf.getExtension(x509.ExtendedKeyUsageExtension);
    if (eku === null) problems.push('the TSA certificate has no extended key usage; it needs exactly timeStamping');
    else {
      if (eku.usages.length !== 1 || eku.usages[0] !== EKU_TIMESTAMPING) problems.push(`the TSA certificate's extended key usage must be exactly timeStamping, got ${eku.usages.join(', ')}`);
      if (!eku.critical) problems.push('the TSA certificate\'s extended key usage must be critical');
    }
    if (leaf.getExtension(x509.BasicConstraintsExtension)?.ca === true) problems.push('the TSA certificate must not be a CA');
    const usage = leaf.getExtension(x509.KeyUsagesExtension);
    if (usage !== null && (usage.usages & ~ALLOWED_KEY_USAGES) !== 0) problems.push('the TSA certificate may only have the digitalSignature and nonRepudiation key usages');
  }
  for (const cert of chain.slice(1, -1)) {
    const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
    if (eku === null || !eku.usages.includes(EKU_TIMESTAMPING)) problems.push(`intermediate ${cert.subject} must allow the timeStamping extended key usage`);
  }
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `TSA certificate chain: ${p}`));
}
