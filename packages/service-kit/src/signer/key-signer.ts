/**
 * The signing key of a service (the timestamp authority's TSA key, later the CA's key), behind one
 * interface so that where the key lives (generated in the data directory, an encrypted file, a
 * PKCS#11 token) is a configuration choice. Backends are picked from the explicit registry in
 * registry.ts, never registered by import side effects.
 */
import type { PublicKeyInfo } from '@sigstack/crypto/keys';
import type { x509 } from '@sigstack/crypto/x509';

/** A private key that signs; the key material may never be in this process. */
export interface KeySigner {
  /**
   * The public half, checked against the allowed key set (@sigstack/crypto `parsePublicKey`). Its
   * `hash` is the hash every signature is made with: P-256 → sha256, P-384 → sha384,
   * P-521 → sha512, RSA → sha256.
   */
  readonly publicKey: PublicKeyInfo;
  /**
   * Signs `data`, the whole message (the signer hashes it with `publicKey.hash`). ECDSA signatures
   * are DER `Ecdsa-Sig-Value`, RSA signatures PKCS#1 v1.5; Ed25519 signs the message itself.
   * MUST be safe to call concurrently. MUST NOT log or expose key material. MUST reject with
   * SigstackError ERR_SIGNER_UNAVAILABLE when the key store cannot be reached (callers answer
   * 503, the request may be retried); any other rejection is a fault of ours.
   */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** Releases the key store (sessions, handles). Idempotent; `sign` MUST NOT be called afterwards. */
  close(): Promise<void>;
}

/** A signer with the certificate chain that certifies its key. */
export interface CertifiedSigner {
  readonly signer: KeySigner;
  /**
   * Leaf first (the certificate of `signer.publicKey`), then any intermediates, root last. The
   * registry has verified each link, the self-signed root and that the leaf holds the signer's key.
   */
  readonly chain: readonly x509.X509Certificate[];
  /** Problems an operator should hear about that do not stop the service (e.g. key file permissions). */
  readonly warnings: readonly string[];
}

/** Injected time and randomness: backends never read the system clock or RNG on their own. */
export type SignerDeps = {
  /** Milliseconds since the epoch. */
  now: () => number;
  /** `n` cryptographically random bytes. */
  randomBytes: (n: number) => Uint8Array;
};
