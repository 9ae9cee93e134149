/**
 * The start-up check of a signer's certificate chain. A service that signs with a key its chain
 * does not certify, or under a chain that does not verify, issues tokens nobody can verify: it must
 * refuse to start instead.
 */
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { bytesEqual } from '@sigstack/crypto/encoding';
import { verifySignature } from '@sigstack/crypto/keys';
import { certificateDer, certificatePublicKey, x509 } from '@sigstack/crypto/x509';
import { ConfigError } from '../config.js';
import type { KeySigner } from './key-signer.js';

/** Signed and verified at start-up, so that a signer that holds another key than the leaf's is caught. */
const PROBE = new TextEncoder().encode('sigstack signer self-test');

function refuse(problem: string): never {
  throw new ConfigError([`signer certificate chain: ${problem}`]);
}

function name(index: number, length: number): string {
  if (index === 0) return 'the leaf';
  return index === length - 1 ? 'the root' : `intermediate ${index}`;
}

function isCa(cert: x509.X509Certificate): { ca: boolean; pathLength?: number | undefined } {
  const constraints = cert.getExtension(x509.BasicConstraintsExtension);
  return constraints === null ? { ca: false } : { ca: constraints.ca, pathLength: constraints.pathLength };
}

/**
 * Throws ConfigError unless `chain` (leaf first, root last) is a valid path at `now` and the leaf
 * certifies `signer`'s key:
 * - each certificate is issued by the next one (names match and the signature verifies), the last
 *   one is self-signed, and every certificate after the leaf is a CA whose pathLenConstraint allows
 *   the intermediates below it;
 * - every certificate is valid at `now`;
 * - the leaf's public key is the signer's, and a signature made by the signer verifies with it.
 * Usage restrictions of the leaf (EKU, key usage) are the caller's policy.
 */
export async function checkSignerChain(signer: KeySigner, chain: readonly x509.X509Certificate[], now: Date): Promise<void> {
  if (chain.length === 0) refuse('it is empty');
  const nodes = chain.map((cert) => new NodeCertificate(Buffer.from(certificateDer(cert))));
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i] as x509.X509Certificate;
    const node = nodes[i] as NodeCertificate;
    const issuer = (nodes[i + 1] ?? node) as NodeCertificate;
    const what = name(i, chain.length);
    if (cert.notBefore.getTime() > now.getTime() || now.getTime() > cert.notAfter.getTime()) {
      refuse(`${what} (${cert.subject}) is valid from ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}, not at ${now.toISOString()}`);
    }
    let issued = false;
    try {
      issued = node.checkIssued(issuer) && node.verify(issuer.publicKey);
    } catch {
      // A key OpenSSL cannot use issued nothing.
    }
    if (!issued) refuse(i === chain.length - 1 ? `the root (${cert.subject}) is not self-signed` : `${what} (${cert.subject}) is not issued by ${name(i + 1, chain.length)}`);
    if (i > 0) {
      const { ca, pathLength } = isCa(cert);
      if (!ca) refuse(`${what} (${cert.subject}) is not a CA`);
      if (pathLength !== undefined && i - 1 > pathLength) refuse(`${what} allows ${pathLength} intermediates below it, found ${i - 1}`);
    }
  }
  const leaf = chain[0] as x509.X509Certificate;
  if (!bytesEqual(certificatePublicKey(leaf).spki, signer.publicKey.spki)) refuse(`the leaf (${leaf.subject}) does not certify the signing key`);
  const signature = await signer.sign(PROBE);
  if (!verifySignature(signer.publicKey, PROBE, signature)) refuse('a signature by the signing key does not verify with the leaf key');
}
