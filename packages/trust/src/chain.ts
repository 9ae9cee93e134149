import { certificateDer, parseCertificate, parseCertificateChain, x509 } from '@sigstack/crypto/x509';
import { isSigstackError } from '@sigstack/crypto/errors';
import { invalid } from './errors.js';

/** Longest chain accepted: real CA and TSA chains are 1 to 3 certificates. */
export const MAX_CHAIN = 10;

/**
 * Parses a chain given as PEM text or DER certificates, in the order trusted roots list them: the
 * certificate closest to the leaf first, the self-signed root last. Checks that each certificate is
 * signed by the next and that the last is self-signed (clients need a path that ends at a
 * self-signed root listed in the trusted root). With `allCa`, every certificate must be a CA
 * (certificate authorities); without it the first may be an end-entity (a TSA's signing certificate).
 * Returns the DER of each certificate.
 */
export async function checkChain(input: string | readonly Uint8Array[], what: string, allCa: boolean): Promise<{ der: Uint8Array[]; certs: x509.X509Certificate[] }> {
  let certs: x509.X509Certificate[];
  try {
    certs = typeof input === 'string' ? parseCertificateChain(input, { max: MAX_CHAIN }) : input.map((der) => parseCertificate(der));
  } catch (err) {
    if (isSigstackError(err)) throw invalid(`${what}: ${err.message}`, err);
    throw err;
  }
  if (certs.length === 0) throw invalid(`${what}: the chain is empty`);
  if (certs.length > MAX_CHAIN) throw invalid(`${what}: the chain has ${certs.length} certificates, at most ${MAX_CHAIN} allowed`);
  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i] as x509.X509Certificate;
    const issuer = certs[i + 1] ?? cert;
    const last = i === certs.length - 1;
    if (last && cert.subject !== cert.issuer) throw invalid(`${what}: the last certificate (${cert.subject}) is not self-signed; list intermediates first and the root last`);
    if (!last && cert.issuer !== issuer.subject) throw invalid(`${what}: certificate ${i} (${cert.subject}) is not issued by the next one (${issuer.subject}); list intermediates first and the root last`);
    let verified = false;
    try {
      verified = await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true });
    } catch {
      verified = false;
    }
    if (!verified) throw invalid(`${what}: the signature of certificate ${i} (${cert.subject}) does not verify with the key of ${last ? 'itself' : 'the next certificate'}`);
    if (allCa || i > 0) {
      const basic = cert.getExtension(x509.BasicConstraintsExtension);
      if (!basic?.ca) throw invalid(`${what}: certificate ${i} (${cert.subject}) is not a CA certificate`);
    }
  }
  return { der: certs.map(certificateDer), certs };
}
