/**
 * Signing and verification for the allowed key types: ECDSA (P-256/P-384/P-521), RSA PKCS#1 v1.5
 * and pure Ed25519. RSA-PSS and Ed25519ph are not supported (Fulcio's proof of possession and Rekor's
 * hashedrekord never need them).
 *
 * Prehashed verification (Rekor hashedrekord gives a digest, not the artifact):
 * - RSA: `crypto.publicDecrypt` with RSA_PKCS1_PADDING performs the raw RSA operation and checks the
 *   type-1 padding (00 01 FF…FF 00); we then compare the rest byte for byte with DigestInfo ‖ digest
 *   (encode-and-compare, RFC 8017 §8.2.2, no lenient DigestInfo parsing).
 * - ECDSA: node:crypto cannot verify over a digest (a null algorithm still hashes with SHA-256), so
 *   `ecdsaVerifyDigest` uses @noble/curves; see ec.ts.
 */
import { constants, privateEncrypt, publicDecrypt, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { bytesEqual, concatBytes } from '../encoding.js';
import { EncodingError, KeyError } from '../errors.js';
import { CURVES, ecdsaVerifyDigest, NATIVE_DIGEST_VERIFIER, type EcCurve, type NativeDigestVerifier } from './ec.js';
import { ecdsaDerToRaw, ecdsaRawToDer } from './ecdsa-signature.js';
import { digest as hashDigest, DIGEST_INFO_PREFIX, DIGEST_SIZE, isHashName, type HashName } from './hash.js';
import type { PublicKeyInfo } from './public-key.js';

export interface VerifyOptions {
  /** Hash to use instead of the key's own (`PublicKeyInfo.hash`). Ignored by Ed25519, which only accepts sha512. */
  readonly hash?: HashName;
  /** `data` is already the digest (of `hash`), not the message. Not supported for Ed25519. */
  readonly prehashed?: boolean;
}

const NODE_CURVES: Readonly<Record<string, EcCurve>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const CURVE_HASH: Readonly<Record<EcCurve, HashName>> = { 'P-256': 'sha256', 'P-384': 'sha384', 'P-521': 'sha512' };

function unsupported(message: string): KeyError {
  return new KeyError('ERR_KEY_UNSUPPORTED', message);
}

function checkHash(hash: HashName | undefined): void {
  if (hash !== undefined && !isHashName(hash)) throw unsupported(`hash ${JSON.stringify(String(hash))} is not allowed; use sha256, sha384 or sha512`);
}

/** The key kind and default hash of a node KeyObject (private or public). */
function describeKey(key: KeyObject): { type: 'rsa' | 'ecdsa' | 'ed25519'; hash: HashName } {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { type: 'rsa', hash: 'sha256' };
    case 'ed25519':
      return { type: 'ed25519', hash: 'sha512' };
    case 'ec': {
      const curve = NODE_CURVES[String(key.asymmetricKeyDetails?.namedCurve)];
      if (curve === undefined) throw unsupported(`ec curve ${String(key.asymmetricKeyDetails?.namedCurve)} is not allowed`);
      return { type: 'ecdsa', hash: CURVE_HASH[curve] };
    }
    default:
      throw unsupported(`key type ${String(key.asymmetricKeyType)} is not allowed for signing`);
  }
}

/**
 * Signs `data` (the message). ECDSA signatures are DER (as Go and cosign emit), RSA is PKCS#1 v1.5,
 * Ed25519 is pure Ed25519 over the message. `hash` defaults to the key's hash (P-256 → sha256,
 * P-384 → sha384, P-521 → sha512, RSA → sha256); for Ed25519 only sha512 (or nothing) is accepted.
 * Precondition: `key` is a private key (from parsePrivateKey).
 */
export function sign(key: KeyObject, data: Uint8Array, hash?: HashName): Uint8Array {
  checkHash(hash);
  const kind = describeKey(key);
  if (kind.type === 'ed25519') {
    if (hash !== undefined && hash !== 'sha512') throw unsupported(`ed25519 does not take hash ${hash}`);
    return new Uint8Array(nodeSign(null, data, key));
  }
  const options = kind.type === 'rsa' ? { key, padding: constants.RSA_PKCS1_PADDING } : { key, dsaEncoding: 'der' as const };
  return new Uint8Array(nodeSign(hash ?? kind.hash, data, options));
}

/**
 * Signs a digest that the caller already computed, RSA PKCS#1 v1.5 only (OpenSSL's private
 * operation over DigestInfo ‖ digest). ECDSA over a digest would need our own signing arithmetic,
 * which cannot be made constant-time with bigints, so ECDSA and Ed25519 throw ERR_KEY_UNSUPPORTED.
 */
export function signDigest(key: KeyObject, digest: Uint8Array, hash: HashName): Uint8Array {
  checkHash(hash);
  const kind = describeKey(key);
  if (kind.type !== 'rsa') throw unsupported(`signing a precomputed digest is only supported for rsa keys, not ${kind.type}`);
  checkDigestLength(digest, hash);
  const message = concatBytes(DIGEST_INFO_PREFIX[hash], digest);
  return new Uint8Array(privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, message));
}

function checkDigestLength(digest: Uint8Array, hash: HashName): void {
  if (digest.length !== DIGEST_SIZE[hash]) {
    throw new EncodingError('ERR_ENCODING_INVALID', `${hash} digest must be ${DIGEST_SIZE[hash]} bytes, got ${digest.length}`);
  }
}

/**
 * Verifies `signature` over `data` with a key from parsePublicKey. Returns false when the signature
 * does not verify, including when its bytes are malformed. Throws ERR_KEY_UNSUPPORTED for an
 * unsupported combination (a hash outside sha256/384/512, Ed25519 with a digest or another hash)
 * and ERR_ENCODING_INVALID when a prehashed digest has the wrong length for its hash.
 * ECDSA signatures may be DER or raw r ‖ s (Fulcio's proof of possession accepts both).
 * Precondition: `info` comes from parsePublicKey (its `spki`, `bits` and `curve` are trusted).
 */
export function verifySignature(info: PublicKeyInfo, data: Uint8Array, signature: Uint8Array, options: VerifyOptions = {}): boolean {
  checkHash(options.hash);
  const hash = options.hash ?? info.hash;
  const prehashed = options.prehashed === true;
  if (prehashed) checkDigestLength(data, hash);
  switch (info.type) {
    case 'ed25519':
      if (prehashed) throw unsupported('ed25519ph (ed25519 over a digest) is not supported');
      if (hash !== 'sha512') throw unsupported(`ed25519 does not take hash ${hash}`);
      return nodeVerify(null, data, info.key, signature);
    case 'rsa':
      return verifyRsa(info, prehashed ? data : hashDigest(hash, data), hash, signature);
    case 'ecdsa':
      return verifyEcdsa(info, data, signature, hash, prehashed);
  }
}

function verifyRsa(info: PublicKeyInfo, digest: Uint8Array, hash: HashName, signature: Uint8Array): boolean {
  // Like Go, the signature must be exactly as long as the modulus.
  if (signature.length !== Math.ceil((info.bits as number) / 8)) return false;
  let recovered: Buffer;
  try {
    recovered = publicDecrypt({ key: info.key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    // Bad padding or a value not below the modulus: not a valid signature.
    return false;
  }
  return bytesEqual(recovered, concatBytes(DIGEST_INFO_PREFIX[hash], digest));
}

function verifyEcdsa(info: PublicKeyInfo, data: Uint8Array, signature: Uint8Array, hash: HashName, prehashed: boolean): boolean {
  const curve = info.curve as EcCurve;
  const { size } = CURVES[curve];
  const candidates: Uint8Array[] = [];
  try {
    candidates.push(ecdsaDerToRaw(signature, curve));
  } catch {
    // Not DER; it may still be raw r ‖ s below.
  }
  if (signature.length === 2 * size) candidates.push(signature);
  for (const raw of candidates) {
    const ok = prehashed
      ? verifyEcdsaDigest(info, data, raw)
      : nodeVerify(hash, data, { key: info.key, dsaEncoding: 'ieee-p1363' }, raw);
    if (ok) return true;
  }
  return false;
}

/**
 * ECDSA over a digest: through the OpenSSL addon when it is built, else @noble/curves. `native` is a
 * parameter so that tests run both paths.
 */
export function verifyEcdsaDigest(info: PublicKeyInfo, digest: Uint8Array, raw: Uint8Array, native: NativeDigestVerifier | null = NATIVE_DIGEST_VERIFIER): boolean {
  const curve = info.curve as EcCurve;
  const { size, bits } = CURVES[curve];
  // The SPKI ends with the uncompressed point 04 ‖ x ‖ y, checked on the curve by parsePublicKey.
  const point = info.spki.subarray(info.spki.length - 2 * size - 1);
  if (native) {
    let der: Uint8Array;
    try {
      der = ecdsaRawToDer(raw, curve);
    } catch {
      return false;
    }
    return native.verify(bits, point, digest, der);
  }
  return ecdsaVerifyDigest(curve, point, digest, raw);
}
