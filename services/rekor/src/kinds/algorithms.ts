/**
 * Rekor's `--client-signing-algorithms` policy (sigstore/sigstore `AlgorithmRegistryConfig`): a
 * hashedrekord entry is allowed when the pair (signing key, digest algorithm of `data.hash`) has a
 * name in the configured list. Upstream checks it for hashedrekord only, and so do we.
 *
 * Names and pairs are upstream's. Two consequences worth knowing:
 * - `ed25519` (pure Ed25519) never matches a hashedrekord entry, whose digest is always sha256,
 *   sha384 or sha512; an Ed25519 key needs `ed25519-ph` with a sha512 digest, as upstream.
 * - A pair without a name (RSA with sha384, P-256 with sha512, …) is never allowed.
 */
import type { HashName, PublicKeyInfo } from '@sigstack/crypto/keys';

/** Every name upstream knows for a key type and digest pair usable with hashedrekord. */
export const ALGORITHM_NAMES = [
  'rsa-sign-pkcs1-2048-sha256',
  'rsa-sign-pkcs1-3072-sha256',
  'rsa-sign-pkcs1-4096-sha256',
  'ecdsa-sha2-256-nistp256',
  'ecdsa-sha2-384-nistp384',
  'ecdsa-sha2-256-nistp384',
  'ecdsa-sha2-512-nistp521',
  'ecdsa-sha2-256-nistp521',
  'ed25519',
  'ed25519-ph',
] as const;

const EC_NAMES: Readonly<Record<string, string>> = {
  'P-256/sha256': 'ecdsa-sha2-256-nistp256',
  'P-384/sha384': 'ecdsa-sha2-384-nistp384',
  'P-384/sha256': 'ecdsa-sha2-256-nistp384',
  'P-521/sha512': 'ecdsa-sha2-512-nistp521',
  'P-521/sha256': 'ecdsa-sha2-256-nistp521',
};

/** The policy name of (key, digest algorithm), or undefined when upstream has none. */
export function algorithmName(key: PublicKeyInfo, hash: HashName): string | undefined {
  switch (key.type) {
    case 'rsa':
      return hash === 'sha256' ? `rsa-sign-pkcs1-${key.bits}-sha256` : undefined;
    case 'ecdsa':
      return EC_NAMES[`${key.curve}/${hash}`];
    case 'ed25519':
      return hash === 'sha512' ? 'ed25519-ph' : undefined;
  }
}
