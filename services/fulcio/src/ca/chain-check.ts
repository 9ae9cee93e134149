/**
 * The start-up check of a CA chain and key, upstream's `VerifyCertChain` (fulcio `pkg/ca/common.go`)
 * plus what OpenSSL-based verifiers would refuse later anyway. Any failure means: refuse to start.
 */
import { X509Certificate as NodeCertificate } from 'node:crypto';
import type { PublicKeyInfo } from '@sigstack/crypto/keys';
import { bytesEqual } from '@sigstack/crypto/encoding';
import { certificateDer, x509 } from '@sigstack/crypto/x509';
import { CAError } from './errors.js';
import { OID_CODE_SIGNING } from './leaf-extensions.js';

const OID_ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

function refuse(message: string): CAError {
  return new CAError('ERR_CONFIG_INVALID', message);
}

/**
 * Checks the chain `certs` (issuing certificate first, root last) against the signer's public key at
 * time `now` (ms). Throws CAError ERR_CONFIG_INVALID when:
 * - a certificate is not signed by the next one, or the last is not self-signed;
 * - a certificate is outside its validity period at `now`;
 * - a certificate is not a CA (basicConstraints cA), lacks keyCertSign in a KeyUsage it has, or has
 *   a pathLenConstraint the chain exceeds;
 * - a certificate has an ExtKeyUsage without codeSigning (or anyExtendedKeyUsage): Go chains EKUs,
 *   so such a CA cannot issue code-signing leaves; and, with more than one certificate, the issuing
 *   certificate has no ExtKeyUsage codeSigning at all (upstream's rule);
 * - the issuing certificate has no SubjectKeyIdentifier (the leaf's AuthorityKeyIdentifier);
 * - the signer's key is not the issuing certificate's key.
 */
export function checkCAChain(certs: readonly x509.X509Certificate[], signer: PublicKeyInfo, now: number): void {
  const first = certs[0];
  if (first === undefined) throw refuse('the ca chain is empty');
  const nodeCerts = certs.map((c) => new NodeCertificate(certificateDer(c)));
  // Properties first, signatures second: OpenSSL's issuer check also fails on a missing keyCertSign,
  // and the operator should read that reason, not "not signed by".
  certs.forEach((cert, i) => {
    const where = `ca certificate ${i} (${cert.subject})`;
    if (now < cert.notBefore.getTime() || now > cert.notAfter.getTime()) {
      throw refuse(`${where} is not valid now: valid from ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}`);
    }
    const constraints = cert.getExtension(x509.BasicConstraintsExtension);
    if (constraints?.ca !== true) throw refuse(`${where} is not a ca (basic constraints ca:true)`);
    // certs[i] has i CA certificates below it (the leaf does not count).
    if (constraints.pathLength !== undefined && constraints.pathLength < i) throw refuse(`${where} has path length ${constraints.pathLength}, the chain needs ${i}`);
    const keyUsage = cert.getExtension(x509.KeyUsagesExtension);
    if (keyUsage !== null && (keyUsage.usages & x509.KeyUsageFlags.keyCertSign) === 0) throw refuse(`${where} key usage lacks keyCertSign`);
    const ekus = cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages.map(String);
    if (ekus !== undefined && !ekus.includes(OID_CODE_SIGNING) && !ekus.includes(OID_ANY_EXTENDED_KEY_USAGE)) {
      throw refuse(`${where} has an extended key usage without codeSigning`);
    }
  });
  nodeCerts.forEach((node, i) => {
    const parent = nodeCerts[i + 1] ?? node;
    if (!node.checkIssued(parent) || !node.verify(parent.publicKey)) {
      const where = `ca certificate ${i} (${(certs[i] as x509.X509Certificate).subject})`;
      throw refuse(i + 1 < certs.length ? `${where} is not signed by ca certificate ${i + 1}` : `${where}, the last of the chain, is not a self-signed root`);
    }
  });
  if (certs.length > 1 && !(first.getExtension(x509.ExtendedKeyUsageExtension)?.usages.map(String).includes(OID_CODE_SIGNING) ?? false)) {
    throw refuse('the issuing ca certificate must have extended key usage codeSigning to issue code-signing certificates');
  }
  if (first.getExtension(x509.SubjectKeyIdentifierExtension) === null) throw refuse('the issuing ca certificate has no subject key identifier');
  const certKey = new Uint8Array((nodeCerts[0] as NodeCertificate).publicKey.export({ type: 'spki', format: 'der' }));
  if (!bytesEqual(certKey, signer.spki)) throw refuse('the ca key does not match the issuing ca certificate (the first of the chain)');
}
