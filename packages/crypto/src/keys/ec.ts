/**
 * The NIST prime curves we accept (P-256, P-384, P-521): their encodings, a point-on-curve check,
 * and ECDSA verification over a digest the caller already computed.
 *
 * Why not node:crypto: it verifies ECDSA only over a message it hashes itself (`crypto.verify` with
 * a null algorithm still hashes with SHA-256 for EC keys, and WebCrypto has no prehashed mode), but
 * Rekor's hashedrekord gives us the digest, not the artifact. So digest verification goes through
 * our small addon binding Node's own OpenSSL (`native/ecdsa-digest.c`, built by `npm run build`),
 * and falls back to @noble/curves (audited, pure JS, about ten times slower) where the addon is
 * missing. Both verify public data only.
 */
import { createRequire } from 'node:module';
import { p256, p384, p521 } from '@noble/curves/nist.js';

export type EcCurve = 'P-256' | 'P-384' | 'P-521';

export interface CurveParams {
  readonly name: EcCurve;
  /** Size of the field in bits. */
  readonly bits: 256 | 384 | 521;
  /** Bytes of one coordinate (and of r or s in a raw signature). */
  readonly size: number;
  /** namedCurve OID in SubjectPublicKeyInfo. */
  readonly oid: string;
}

export const CURVES: Readonly<Record<EcCurve, CurveParams>> = {
  'P-256': { name: 'P-256', bits: 256, size: 32, oid: '1.2.840.10045.3.1.7' },
  'P-384': { name: 'P-384', bits: 384, size: 48, oid: '1.3.132.0.34' },
  'P-521': { name: 'P-521', bits: 521, size: 66, oid: '1.3.132.0.35' },
};

const NOBLE = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

/**
 * True when `point` (the uncompressed SEC 1 encoding 04 ‖ x ‖ y) is a point of `curve` other than
 * infinity, with reduced coordinates. With cofactor 1, every such point is in the prime-order group.
 */
export function isOnCurve(curve: EcCurve, point: Uint8Array): boolean {
  try {
    NOBLE[curve].Point.fromBytes(point).assertValidity();
    return true;
  } catch {
    return false;
  }
}

/** The addon's one function: verify(curve bits, uncompressed point, digest, DER signature). */
export type NativeDigestVerifier = { verify(bits: 256 | 384 | 521, point: Uint8Array, digest: Uint8Array, der: Uint8Array): boolean };

function loadNative(): NativeDigestVerifier | null {
  try {
    // dist/keys/ec.js → packages/crypto/native/build/Release.
    return createRequire(import.meta.url)('../../native/build/Release/ecdsa_digest.node') as NativeDigestVerifier;
    /* c8 ignore next 4 */
  } catch {
    // Not built on this machine: the @noble/curves path below is used instead.
    return null;
  }
}

/** The addon when it is built, else null. */
export const NATIVE_DIGEST_VERIFIER = loadNative();

/**
 * ECDSA verification (SEC 1 §4.1.4) of `raw` (r ‖ s, each `size` bytes) over `digest` with the
 * public `point`. High-S signatures are accepted, as Go and OpenSSL accept them. Never throws.
 */
export function ecdsaVerifyDigest(curve: EcCurve, point: Uint8Array, digest: Uint8Array, raw: Uint8Array): boolean {
  try {
    return NOBLE[curve].verify(raw, digest, point, { prehash: false, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}
