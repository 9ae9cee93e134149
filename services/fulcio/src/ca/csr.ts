/**
 * The CSR request form (PKCS#10, RFC 2986), as sigstore-python sends it. Only the public key and the
 * self-signature are used; the subject, the attributes and any requested extensions (SANs
 * included) are ignored, since the identity comes from the token alone. They must still be
 * well-formed, as Go's strict parser wants them (fulcio.md §2.1).
 *
 *   CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature BIT STRING }
 *   CertificationRequestInfo ::= SEQUENCE { version INTEGER (0), subject Name,
 *                                           subjectPKInfo SubjectPublicKeyInfo, attributes [0] IMPLICIT SET OF Attribute }
 */
import { ecdsaDerToRaw, parsePublicKey, pemDecode, verifySignature, type EcCurve, type HashName, type PemBlock, type PublicKeyInfo } from '@sigstack/crypto/keys';
import { isSigstackError } from '@sigstack/crypto/errors';
import { csrSignatureHash } from './algorithms.js';
import { derBitStringBytes, derCheck, derChildren, type DerElement, derExpect, derOidText, derSequence, TAG_INTEGER, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE, TAG_SET } from '@sigstack/crypto/der';
import { CAError } from './errors.js';

/** Largest accepted CSR, in PEM characters. A CSR for an RSA-4096 key is about 1.7 KB of PEM. */
export const MAX_CSR_PEM = 64 * 1024;
/** Real CSRs nest about 8 levels (Name: RDNSequence → SET → SEQUENCE → value; attributes similar). */
const MAX_CSR_DEPTH = 16;
const LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

export interface CertificateRequest {
  /** The requested subject key, in the allowed set. */
  readonly publicKey: PublicKeyInfo;
  /** The hash of the CSR's signature algorithm (checked against the key). */
  readonly signatureHash: HashName;
}

function malformed(message: string, cause?: unknown): CAError {
  return new CAError('ERR_CSR_MALFORMED', message, { cause });
}

/**
 * Parses and checks a CSR: `input` is PEM text (`CERTIFICATE REQUEST` or `NEW CERTIFICATE REQUEST`,
 * exactly one block), as a string or as the bytes the client base64-encoded; bare DER is refused,
 * as upstream refuses it. Throws CAError ERR_CSR_MALFORMED (does not parse, including a malformed
 * key), KeyError ERR_KEY_UNSUPPORTED (a key outside the allowed set), CAError
 * ERR_ALGORITHM_UNSUPPORTED (an unknown signature algorithm, or a key/hash pair that is not
 * permitted) and CAError ERR_SIGNATURE_INVALID (the self-signature does not verify), in that order.
 */
export function parseCertificateRequest(input: string | Uint8Array): CertificateRequest {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) throw malformed('the certificate request must be pem text');
  const size = typeof input === 'string' ? input.length : input.byteLength;
  // Bound hostile input before decoding anything.
  if (size > MAX_CSR_PEM) throw malformed(`certificate request of ${size} bytes is larger than ${MAX_CSR_PEM}`);
  if (typeof input !== 'string' && input[0] === TAG_SEQUENCE) throw malformed('the certificate request must be pem, not der');
  // latin1 never fails to decode; non-ASCII characters then fail the strict PEM grammar.
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  let blocks: PemBlock[];
  try {
    blocks = pemDecode(text);
  } catch (err) {
    throw malformed('the certificate request is not valid pem', err);
  }
  if (blocks.length !== 1) throw malformed(`the certificate request pem has ${blocks.length} blocks, want 1`);
  const block = blocks[0] as PemBlock;
  if (!LABELS.has(block.label)) throw malformed(`pem block ${JSON.stringify(block.label)} is not a certificate request`);

  let info: DerElement;
  let spki: DerElement;
  let algorithm: DerElement[];
  let signature: Uint8Array;
  try {
    // Strict DER over the whole request, depth-bounded (the ~55 KB nested-SEQUENCE crash must fail here).
    const root = derCheck(block.der, MAX_CSR_DEPTH, 'certificate request');
    const [infoElement, algorithmElement, signatureElement] = derSequence(root, 3, 'certificate request');
    info = infoElement as DerElement;
    const [version, subject, key, attributes] = derSequence(info, 4, 'certification request info');
    const versionBytes = derExpect(version, TAG_INTEGER, 'certificate request version').content;
    if (versionBytes.length !== 1 || versionBytes[0] !== 0) throw malformed('certificate request version is not 1 (0)');
    checkName(subject as DerElement);
    spki = derExpect(key, TAG_SEQUENCE, 'subject public key info');
    checkAttributes(attributes as DerElement);
    algorithm = derSequence(algorithmElement, [1, 2], 'signature algorithm');
    signature = derBitStringBytes(signatureElement, 'certificate request signature');
  } catch (err) {
    if (err instanceof CAError) throw err;
    throw malformed('the certificate request does not parse', err);
  }

  let publicKey: PublicKeyInfo;
  try {
    publicKey = parsePublicKey(new Uint8Array(spki.raw));
  } catch (err) {
    // A weak or unsupported key is reported as such; a key that does not parse is a CSR that does not parse.
    if (isSigstackError(err, 'ERR_KEY_UNSUPPORTED')) throw err;
    throw malformed('the certificate request public key does not parse', err);
  }
  let algorithmOid: string;
  try {
    algorithmOid = derOidText(algorithm[0], 'signature algorithm');
  } catch (err) {
    throw malformed('the certificate request signature algorithm does not parse', err);
  }
  const signatureHash = csrSignatureHash(algorithmOid, algorithm[1]?.raw, publicKey);
  if (!signatureVerifies(publicKey, info.raw, signature, signatureHash)) {
    throw new CAError('ERR_SIGNATURE_INVALID', 'the certificate request self-signature does not verify');
  }
  return Object.freeze({ publicKey, signatureHash });
}

function signatureVerifies(key: PublicKeyInfo, data: Uint8Array, signature: Uint8Array, hash: HashName): boolean {
  if (key.type === 'ecdsa') {
    // X.509 signatures are DER `ECDSA-Sig-Value` only (Go's ecdsa.VerifyASN1); raw r ‖ s is not accepted here.
    try {
      ecdsaDerToRaw(signature, key.curve as EcCurve);
    } catch {
      return false;
    }
  }
  return verifySignature(key, data, signature, { hash });
}

/** String types whose contents Go's encoding/asn1 checks when it parses a Name, and the rule it applies. */
const STRING_RULES: Readonly<Record<number, { name: string; valid: (bytes: Uint8Array) => boolean }>> = {
  // PrintableString, plus '*' and '&' which Go tolerates for compatibility.
  0x13: { name: 'PrintableString', valid: (b) => /^[A-Za-z0-9 '()+,\-./:=?*&]*$/.test(Buffer.from(b).toString('latin1')) },
  0x16: { name: 'IA5String', valid: (b) => b.every((c) => c < 0x80) },
  0x12: { name: 'NumericString', valid: (b) => b.every((c) => c === 0x20 || (c >= 0x30 && c <= 0x39)) },
  0x0c: { name: 'UTF8String', valid: (b) => isUtf8(b) },
  0x1e: { name: 'BMPString', valid: (b) => b.length % 2 === 0 },
};

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8Decoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** `Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY }`, string values checked like Go does. */
function checkName(name: DerElement): void {
  for (const rdn of derChildren(derExpect(name, TAG_SEQUENCE, 'subject'), 'subject')) {
    for (const atv of derChildren(derExpect(rdn, TAG_SET, 'subject relative name'), 'subject relative name')) {
      const [type, value] = derSequence(atv, 2, 'subject attribute');
      derOidText(type, 'subject attribute type');
      const rule = STRING_RULES[(value as DerElement).tag];
      if (rule !== undefined && !rule.valid((value as DerElement).content)) throw malformed(`subject attribute value is not a valid ${rule.name}`);
    }
  }
}

/**
 * `[0] IMPLICIT SET OF Attribute { type OID, values SET OF ANY }`; the values of an extensionRequest
 * must be `Extensions` (SEQUENCE OF { OID, BOOLEAN?, OCTET STRING }). Their contents are not read.
 */
function checkAttributes(attributes: DerElement): void {
  for (const attribute of derChildren(derExpect(attributes, 0xa0, 'certificate request attributes'), 'certificate request attributes')) {
    const [type, values] = derSequence(attribute, 2, 'certificate request attribute');
    const isExtensionRequest = derOidText(type, 'certificate request attribute type') === OID_EXTENSION_REQUEST;
    for (const value of derChildren(derExpect(values, TAG_SET, 'certificate request attribute values'), 'certificate request attribute values')) {
      if (!isExtensionRequest) continue;
      for (const ext of derChildren(derExpect(value, TAG_SEQUENCE, 'requested extensions'), 'requested extensions')) {
        const fields = derSequence(ext, [2, 3], 'requested extension');
        derExpect(fields[0], TAG_OID, 'requested extension id');
        derExpect(fields[fields.length - 1], TAG_OCTET_STRING, 'requested extension value');
        if (fields.length === 3) derExpect(fields[1], 0x01, 'requested extension critical flag');
      }
    }
  }
}
