import { parsePublicKey, type PublicKeyInfo } from '@sigstack/crypto/keys';
import { isSigstackError } from '@sigstack/crypto/errors';
import { invalid } from './errors.js';

/** protobuf-specs `PublicKeyDetails` names for the keys Sigstore accepts. */
export type KeyDetails =
  | 'PKIX_ECDSA_P256_SHA_256'
  | 'PKIX_ECDSA_P384_SHA_384'
  | 'PKIX_ECDSA_P521_SHA_512'
  | 'PKIX_ED25519'
  | 'PKIX_RSA_PKCS1V15_2048_SHA256'
  | 'PKIX_RSA_PKCS1V15_3072_SHA256'
  | 'PKIX_RSA_PKCS1V15_4096_SHA256';

/**
 * The `keyDetails` that matches the key. It matters: sigstore-js picks PKCS#1 or SPKI parsing from it
 * (an RSA value for an EC key crashes verification) and sigstore-go refuses unknown values.
 */
export function keyDetailsOf(key: PublicKeyInfo): KeyDetails {
  switch (key.type) {
    case 'ecdsa':
      return key.curve === 'P-256' ? 'PKIX_ECDSA_P256_SHA_256' : key.curve === 'P-384' ? 'PKIX_ECDSA_P384_SHA_384' : 'PKIX_ECDSA_P521_SHA_512';
    case 'ed25519':
      return 'PKIX_ED25519';
    case 'rsa':
      return key.bits === 2048 ? 'PKIX_RSA_PKCS1V15_2048_SHA256' : key.bits === 3072 ? 'PKIX_RSA_PKCS1V15_3072_SHA256' : 'PKIX_RSA_PKCS1V15_4096_SHA256';
  }
}

/** A public key from PEM or DER, with crypto's allowed-set checks; failures are ERR_TRUST_INVALID naming `what`. */
export function publicKeyOf(input: string | Uint8Array, what: string): PublicKeyInfo {
  try {
    return parsePublicKey(input);
  } catch (err) {
    if (isSigstackError(err)) throw invalid(`${what}: ${err.message}`, err);
    throw err;
  }
}
