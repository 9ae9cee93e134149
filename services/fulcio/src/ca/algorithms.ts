/**
 * Signature algorithms: the one a CA key signs certificates with (as Go's x509.CreateCertificate
 * picks it), and the CSR signature algorithms we accept with the key each one goes with (Fulcio's
 * default `--client-signing-algorithms`).
 */
import { constants, verify } from 'node:crypto';
import type { EcCurve, HashName, PublicKeyInfo } from '@sigstack/crypto/keys';
import { CAError } from './errors.js';
import { derEncode, derOid, TAG_NULL, TAG_SEQUENCE } from '@sigstack/crypto/der';

const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_ECDSA_SHA384 = '1.2.840.10045.4.3.3';
const OID_ECDSA_SHA512 = '1.2.840.10045.4.3.4';
const OID_RSA_SHA256 = '1.2.840.113549.1.1.11';
const OID_RSA_SHA384 = '1.2.840.113549.1.1.12';
const OID_RSA_SHA512 = '1.2.840.113549.1.1.13';
const OID_ED25519 = '1.3.101.112';

const NULL = Uint8Array.of(TAG_NULL, 0);

/** DER AlgorithmIdentifier: ECDSA and Ed25519 without parameters, RSA PKCS#1 v1.5 with NULL (RFC 5758, 8410, 4055). */
function algorithmIdentifier(dotted: string, withNull: boolean): Uint8Array {
  return withNull ? derEncode(TAG_SEQUENCE, derOid(dotted), NULL) : derEncode(TAG_SEQUENCE, derOid(dotted));
}

const CURVE_ALGORITHM: Readonly<Record<EcCurve, string>> = { 'P-256': OID_ECDSA_SHA256, 'P-384': OID_ECDSA_SHA384, 'P-521': OID_ECDSA_SHA512 };

/**
 * The DER AlgorithmIdentifier of the certificates a CA key signs: P-256 → ecdsa-with-SHA256,
 * P-384 → ecdsa-with-SHA384, P-521 → ecdsa-with-SHA512, RSA → sha256WithRSAEncryption,
 * Ed25519 → Ed25519. Precondition: `key` comes from parsePublicKey (an allowed key).
 */
export function certificateSignatureAlgorithm(key: PublicKeyInfo): Uint8Array {
  switch (key.type) {
    case 'ecdsa':
      return algorithmIdentifier(CURVE_ALGORITHM[key.curve as EcCurve], false);
    case 'rsa':
      return algorithmIdentifier(OID_RSA_SHA256, true);
    case 'ed25519':
      return algorithmIdentifier(OID_ED25519, false);
  }
}

/**
 * A check of the signatures a CA key makes on certificates, with the algorithm of
 * `certificateSignatureAlgorithm`: ECDSA signatures must be DER (as X.509 wants them), RSA is
 * PKCS#1 v1.5 with SHA-256, Ed25519 is pure. Returns false for anything that does not verify.
 */
export function certificateVerifier(key: PublicKeyInfo): (data: Uint8Array, signature: Uint8Array) => boolean {
  const keyObject = key.key;
  switch (key.type) {
    case 'ecdsa':
      return (data, signature) => verify(key.hash, data, { key: keyObject, dsaEncoding: 'der' }, signature);
    case 'rsa':
      return (data, signature) => verify('sha256', data, { key: keyObject, padding: constants.RSA_PKCS1_PADDING }, signature);
    case 'ed25519':
      return (data, signature) => verify(null, data, keyObject, signature);
  }
}

/** A CSR signature algorithm we know, what key it needs and the hash it signs with. */
interface CsrAlgorithm {
  readonly name: string;
  readonly key: 'ecdsa' | 'rsa' | 'ed25519';
  readonly hash: HashName;
  /** The parameters RFC 5758 / 4055 / 8410 allow: absent, or for RSA NULL or absent (Go accepts both). */
  readonly nullParams: 'absent' | 'null-or-absent';
}

const CSR_ALGORITHMS: ReadonlyMap<string, CsrAlgorithm> = new Map([
  [OID_ECDSA_SHA256, { name: 'ecdsa-with-SHA256', key: 'ecdsa', hash: 'sha256', nullParams: 'absent' }],
  [OID_ECDSA_SHA384, { name: 'ecdsa-with-SHA384', key: 'ecdsa', hash: 'sha384', nullParams: 'absent' }],
  [OID_ECDSA_SHA512, { name: 'ecdsa-with-SHA512', key: 'ecdsa', hash: 'sha512', nullParams: 'absent' }],
  [OID_RSA_SHA256, { name: 'sha256WithRSAEncryption', key: 'rsa', hash: 'sha256', nullParams: 'null-or-absent' }],
  [OID_RSA_SHA384, { name: 'sha384WithRSAEncryption', key: 'rsa', hash: 'sha384', nullParams: 'null-or-absent' }],
  [OID_RSA_SHA512, { name: 'sha512WithRSAEncryption', key: 'rsa', hash: 'sha512', nullParams: 'null-or-absent' }],
  [OID_ED25519, { name: 'Ed25519', key: 'ed25519', hash: 'sha512', nullParams: 'absent' }],
] as const);

/** Names for signature algorithms clients may try and we refuse, so that the error says what was sent. */
const REFUSED: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.3.101.113': 'Ed448',
};

function unsupported(message: string): CAError {
  return new CAError('ERR_ALGORITHM_UNSUPPORTED', message);
}

/**
 * Checks a CSR's signature algorithm (`oid`, `params` = the DER of its parameters or undefined)
 * against the request's key and returns the hash to verify the self-signature with. Throws CAError
 * ERR_ALGORITHM_UNSUPPORTED for an algorithm we do not know (e.g. RSASSA-PSS), one that does not
 * fit the key, or a key/hash pair that is not permitted (e.g. P-384 signed with SHA-256).
 */
export function csrSignatureHash(dotted: string, params: Uint8Array | undefined, key: PublicKeyInfo): HashName {
  const algorithm = CSR_ALGORITHMS.get(dotted);
  if (algorithm === undefined) throw unsupported(`unrecognized signature algorithm: ${REFUSED[dotted] ?? dotted}`);
  const nullParams = params !== undefined && params.length === 2 && params[0] === TAG_NULL && params[1] === 0;
  if (params !== undefined && !(algorithm.nullParams === 'null-or-absent' && nullParams)) {
    throw unsupported(`signature algorithm ${algorithm.name} with invalid parameters`);
  }
  if (algorithm.key !== key.type) throw unsupported(`signature algorithm ${algorithm.name} does not fit a ${key.type} key`);
  // Fulcio's default --client-signing-algorithms permit one hash per key: the key's own (P-256 →
  // SHA-256, P-384 → SHA-384, P-521 → SHA-512, RSA → SHA-256, Ed25519 → its internal SHA-512).
  if (algorithm.hash !== key.hash) {
    const what = key.type === 'ecdsa' ? `ecdsa ${String(key.curve)}` : `${key.type} ${String(key.bits)}`;
    throw unsupported(`signing algorithm not permitted: ${what} with ${algorithm.hash}`);
  }
  return algorithm.hash;
}
