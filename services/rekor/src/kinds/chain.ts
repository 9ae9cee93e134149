/**
 * The certificate-chain check of hashedrekord (upstream `pkg/pki/x509 verifyCertChain`): a chain of
 * two or more certificates must lead from the leaf (first) to the LAST certificate, which acts as
 * the root, with every certificate on the path valid at the leaf's notBefore. Rekor is not a CA
 * policy engine: any key usage is accepted, the root is whatever the client sent, and expiry
 * "now" is never checked (expired certificates can be logged and verified later).
 *
 * Checked, as Go's `x509.Certificate.Verify` does: issuer name and signature of each link,
 * validity periods at the leaf's notBefore, cA=true on intermediates, and pathLenConstraint.
 * Not checked: name constraints and unhandled critical extensions.
 */
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { x509 } from '@sigstack/crypto/x509';
import { invalid } from './fields.js';

interface Link {
  readonly cert: x509.X509Certificate;
  /** OpenSSL's view of the same DER, made on first use. */
  node?: NodeCertificate;
}

function openssl(link: Link): NodeCertificate {
  link.node ??= new NodeCertificate(Buffer.from(link.cert.rawData));
  return link.node;
}

function validAt(cert: x509.X509Certificate, at: Date): boolean {
  return cert.notBefore.getTime() <= at.getTime() && at.getTime() <= cert.notAfter.getTime();
}

/** True when `issuer` issued `child`: names (and key identifiers) match and the signature verifies. */
function issued(issuer: Link, child: Link): boolean {
  try {
    const node = openssl(child);
    const parent = openssl(issuer);
    return node.checkIssued(parent) && node.verify(parent.publicKey);
  } catch {
    // A certificate OpenSSL cannot read, or an issuer key it cannot use, issued nothing.
    return false;
  }
}

function pathLength(cert: x509.X509Certificate): { ca: boolean; max?: number | undefined } {
  const constraints = cert.getExtension(x509.BasicConstraintsExtension);
  return constraints === null ? { ca: false } : { ca: constraints.ca, max: constraints.pathLength };
}

/**
 * Throws ERR_ENTRY_INVALID unless `certs` (leaf first, root last, at least two) form a valid path.
 * Intermediates may come in any order and need not all be used, as with Go's chain builder.
 * Precondition: each certificate was parsed by @sigstack/crypto's strict parser; `certs.length`
 * is bounded by the caller (the search is quadratic in it).
 */
export function verifyChain(certs: readonly x509.X509Certificate[]): void {
  const links: Link[] = certs.map((cert) => ({ cert }));
  const leaf = links[0] as Link;
  const root = links[links.length - 1] as Link;
  const at = leaf.cert.notBefore;
  if (!validAt(leaf.cert, at)) throw invalid('certificate chain: the leaf expires before it becomes valid');
  const used = new Set<Link>([leaf]);
  let current = leaf;
  let intermediates = 0;
  for (;;) {
    if (issued(root, current)) {
      check(root, at, intermediates, false);
      return;
    }
    const next = links.slice(1, -1).find((link) => !used.has(link) && issued(link, current));
    if (next === undefined) {
      throw invalid(`certificate chain: no certificate in the chain issued ${current === leaf ? 'the leaf' : `certificate ${links.indexOf(current)}`}`);
    }
    check(next, at, intermediates, true);
    used.add(next);
    current = next;
    intermediates++;
  }
}

/** Go's `isValid` for a CA certificate with `below` intermediates between it and the leaf. */
function check(link: Link, at: Date, below: number, intermediate: boolean): void {
  const where = intermediate ? 'an intermediate certificate' : 'the root certificate';
  if (!validAt(link.cert, at)) throw invalid(`certificate chain: ${where} is not valid at the leaf's notBefore ${at.toISOString()}`);
  const { ca, max } = pathLength(link.cert);
  if (intermediate && !ca) throw invalid(`certificate chain: ${where} is not a CA`);
  if (max !== undefined && below > max) throw invalid(`certificate chain: ${where} allows ${max} intermediates below it, found ${below}`);
}
