/**
 * Verification material as Rekor's x509 "public key" carries it (upstream `pkg/pki/x509`): PEM text
 * holding one `PUBLIC KEY`, one `CERTIFICATE`, or a chain of certificates with the leaf first.
 * Its canonical form is re-encoded in Go's `pem.Encode` layout: a key as a PKIX `PUBLIC KEY` block,
 * certificates as `CERTIFICATE` blocks, concatenated in the order given.
 *
 * Parsing is stricter than Go's `pem.Decode` on purpose: nothing but whitespace may surround the
 * blocks, and block headers are refused (clients send Go, OpenSSL or sigstore-js PEM, which have
 * neither).
 */
import { bytesEqual, utf8Bytes } from '@sigstack/crypto/encoding';
import { pemDecode, parsePublicKey, publicKeyToPem, type PemBlock, type PublicKeyInfo } from '@sigstack/crypto/keys';
import {
  certificatePublicKey,
  certificatesToPem,
  MAX_CERTIFICATE_BYTES,
  parseCertificate,
  subjectAltNames,
  type x509,
} from '@sigstack/crypto/x509';
import { invalid, shown } from './fields.js';

export interface Verifier {
  /** The key that verifies signatures: the bare key, or the leaf certificate's key. */
  readonly key: PublicKeyInfo;
  /** Canonical PEM text (what is stored, and hashed for the search index). */
  readonly pem: string;
  /** The certificates, leaf first; empty for a bare public key. */
  readonly certificates: readonly x509.X509Certificate[];
  /**
   * Every Subject Alternative Name of the leaf, as upstream's `cryptoutils.GetSubjectAlternateNames`
   * lists them: DNS names, emails, IP addresses, URIs, then the Sigstore username OtherName.
   */
  readonly subjects: readonly string[];
}

/** PEM characters of one largest certificate: 4/3 base64 expansion, line breaks and armour. */
const MAX_CERTIFICATE_PEM = Math.ceil((MAX_CERTIFICATE_BYTES * 4) / 3) + Math.ceil(MAX_CERTIFICATE_BYTES / 48) + 64;

/** The message of an error thrown by @sigstack/crypto (always an Error subclass). */
function message(err: unknown): string {
  return (err as Error).message;
}

/**
 * Parses verification material (the decoded bytes of a base64 field) at `path`. At most `maxChain`
 * certificates. Does not check the chain (see chain.ts) and never checks expiry.
 */
export function parseVerifier(bytes: Uint8Array, path: string, maxChain: number): Verifier {
  // Security: bound the text by the largest acceptable chain before any decoding.
  if (bytes.length > maxChain * MAX_CERTIFICATE_PEM) throw invalid(`${path} is ${bytes.length} bytes, too large for a key or ${maxChain} certificates`);
  // latin1 never fails; non-ASCII characters then fail the strict PEM grammar.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let blocks: PemBlock[];
  try {
    blocks = pemDecode(text);
  } catch (err) {
    throw invalid(`${path} is not valid pem: ${message(err)}`, err);
  }
  const first = blocks[0] as PemBlock;
  if (blocks.length === 1 && first.label === 'PUBLIC KEY') {
    let key: PublicKeyInfo;
    try {
      key = parsePublicKey(first.der);
    } catch (err) {
      throw invalid(`${path} holds an unusable public key: ${message(err)}`, err);
    }
    // Go's ParsePKIXPublicKey takes a SubjectPublicKeyInfo only (parsePublicKey would also take PKCS#1).
    if (!bytesEqual(key.spki, first.der)) throw invalid(`${path} holds a PUBLIC KEY block that is not a SubjectPublicKeyInfo`);
    return { key, pem: publicKeyToPem(key), certificates: [], subjects: [] };
  }
  for (const block of blocks) {
    if (block.label !== 'CERTIFICATE') {
      throw invalid(`${path} has a pem block ${shown(block.label)}; want one PUBLIC KEY block or CERTIFICATE blocks`);
    }
  }
  // Upstream's limit (cryptoutils.UnmarshalCertificatesFromPEMLimited(…, 10)).
  if (blocks.length > maxChain) throw invalid(`${path} has ${blocks.length} certificates, at most ${maxChain} allowed`);
  let certificates: x509.X509Certificate[];
  let key: PublicKeyInfo;
  let subjects: string[];
  try {
    certificates = blocks.map((block) => parseCertificate(block.der));
    const leaf = certificates[0] as x509.X509Certificate;
    key = certificatePublicKey(leaf);
    // Go's x509.ParseCertificate refuses malformed names, so upstream refuses such entries too.
    const names = subjectAltNames(leaf);
    subjects = [...names.dnsNames, ...names.emails, ...names.ipAddresses, ...names.uris, ...names.usernames];
  } catch (err) {
    throw invalid(`${path} holds an unusable certificate: ${message(err)}`, err);
  }
  return { key, pem: certificatesToPem(certificates), certificates, subjects };
}

/** base64 of the canonical PEM: the stored form of a key in hashedrekord and dsse bodies. */
export function canonicalPemBase64(verifier: Verifier): string {
  return Buffer.from(utf8Bytes(verifier.pem)).toString('base64');
}
