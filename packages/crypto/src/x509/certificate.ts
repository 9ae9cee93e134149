/**
 * Certificates in and out: strict PEM or DER parsing into @peculiar/x509's `X509Certificate`, bounded
 * chains, and PEM output in Go's `pem.Encode` layout. Every failure on hostile input is KeyError
 * ERR_CERT_MALFORMED; @peculiar/x509's own errors never escape.
 */
import { KeyError } from '../errors.js';
import { derCheck } from '../keys/der.js';
import { pemDecode, pemEncode, type PemBlock } from '../keys/pem.js';
import { parsePublicKey, type PublicKeyInfo } from '../keys/public-key.js';
import { X509Certificate, type Extension } from './peculiar.js';

/**
 * Largest accepted certificate (DER bytes). Fulcio leaves are about 1 KB and CA certificates a few
 * KB; the bound stops hostile megabyte inputs before any ASN.1 work.
 */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;
/** PEM of a MAX_CERTIFICATE_BYTES certificate: 4/3 base64 expansion plus line breaks and armour. */
const MAX_CERTIFICATE_PEM = Math.ceil((MAX_CERTIFICATE_BYTES * 4) / 3) + Math.ceil(MAX_CERTIFICATE_BYTES / 48) + 64;
/** Default and usual bound on chain length: Fulcio chains are leaf + intermediate(s) + root. */
export const DEFAULT_MAX_CHAIN = 10;
/** Real certificates nest about 8 levels (Name: RDNSequence → SET → SEQUENCE → value). */
const MAX_DER_DEPTH = 32;

function malformed(message: string, cause?: unknown): KeyError {
  return new KeyError('ERR_CERT_MALFORMED', message, { cause });
}

function decodePem(text: string): PemBlock[] {
  try {
    return pemDecode(text);
  } catch (err) {
    throw malformed('certificate is not valid pem', err);
  }
}

/**
 * Parses one certificate: a string is PEM with exactly one `CERTIFICATE` block; bytes starting with
 * 0x30 are DER, other bytes are read as PEM text. The DER must be strict (no BER lengths, nesting at
 * most 32 deep), parse completely, and carry each extension at most once (RFC 5280 §4.2).
 */
export function parseCertificate(input: string | Uint8Array): X509Certificate {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) throw malformed('certificate must be pem text or der bytes');
  if (typeof input !== 'string' && input[0] === 0x30) return parseDerCertificate(input);
  const size = typeof input === 'string' ? input.length : input.byteLength;
  // Bound hostile input before decoding anything.
  if (size > MAX_CERTIFICATE_PEM) throw malformed(`certificate pem of ${size} characters is too large`);
  // latin1 never fails to decode; non-ASCII characters then fail the strict PEM grammar.
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  const blocks = decodePem(text);
  if (blocks.length !== 1) throw malformed(`certificate pem has ${blocks.length} blocks, want 1`);
  return certificateFromBlock(blocks[0] as PemBlock);
}

function certificateFromBlock(block: PemBlock): X509Certificate {
  if (block.label !== 'CERTIFICATE') throw malformed(`pem block is ${JSON.stringify(block.label)}, want "CERTIFICATE"`);
  return parseDerCertificate(block.der);
}

function parseDerCertificate(der: Uint8Array): X509Certificate {
  // Bound hostile input before any ASN.1 work.
  if (der.length > MAX_CERTIFICATE_BYTES) throw malformed(`certificate of ${der.length} bytes is larger than ${MAX_CERTIFICATE_BYTES}`);
  let cert: X509Certificate;
  let extensions: Extension[];
  try {
    // Our strict, depth-bounded walk runs first: asn1js is a BER parser, and deep nesting
    // (the ~55 KB nested-SEQUENCE crash of certificate-transparency-go) must fail here, cleanly.
    derCheck(der, MAX_DER_DEPTH, 'certificate');
    cert = new X509Certificate(Uint8Array.from(der));
    // @peculiar/x509 parses these lazily; touch them now so that a malformed field fails here
    // with our error, not later inside a caller.
    void cert.subject;
    void cert.issuer;
    void cert.serialNumber;
    void cert.notBefore;
    void cert.notAfter;
    void cert.signatureAlgorithm;
    void cert.publicKey.algorithm;
    extensions = cert.extensions;
  } catch (err) {
    throw malformed('certificate does not parse', err);
  }
  const seen = new Set<string>();
  for (const extension of extensions) {
    if (seen.has(extension.type)) throw malformed(`certificate has extension ${extension.type} more than once`);
    seen.add(extension.type);
  }
  return cert;
}

/**
 * Parses a PEM chain of 1..`max` certificates (default 10), in order. Every block must be a
 * `CERTIFICATE`; only whitespace may surround them.
 */
export function parseCertificateChain(pem: string, options: { readonly max?: number } = {}): X509Certificate[] {
  const max = options.max ?? DEFAULT_MAX_CHAIN;
  if (!Number.isSafeInteger(max) || max < 1) throw malformed(`chain bound ${String(max)} must be a positive integer`);
  if (typeof pem !== 'string') throw malformed('certificate chain must be pem text');
  // Bound the text by the chain bound before decoding: a hostile chain cannot cost more than `max` certificates.
  if (pem.length > max * MAX_CERTIFICATE_PEM) throw malformed(`certificate chain of ${pem.length} characters is too large for ${max} certificates`);
  const blocks = decodePem(pem);
  if (blocks.length > max) throw malformed(`certificate chain has ${blocks.length} certificates, at most ${max} allowed`);
  return blocks.map(certificateFromBlock);
}

/** Concatenated `CERTIFICATE` blocks in Go's `pem.Encode` layout (64-character lines, trailing newline). */
export function certificatesToPem(certs: readonly X509Certificate[]): string {
  return certs.map((c) => pemEncode('CERTIFICATE', new Uint8Array(c.rawData))).join('');
}

/** The DER of a certificate. */
export function certificateDer(cert: X509Certificate): Uint8Array {
  return new Uint8Array(cert.rawData);
}

/** The certificate's public key, with the allowed-set checks of parsePublicKey (ERR_KEY_* on failure). */
export function certificatePublicKey(cert: X509Certificate): PublicKeyInfo {
  return parsePublicKey(new Uint8Array(cert.publicKey.rawData));
}
