import type { KeyObject } from 'node:crypto';
import { publicKeyFromKeyObject, sign } from '@sigstack/crypto/keys';
import type { KeySigner } from './key-signer.js';

/**
 * A KeySigner over a private key held in this process (the `ephemeral` and `file` backends).
 * Signing is node:crypto's, synchronous and constant-time in OpenSSL; it never fails for a key that
 * passed `publicKeyFromKeyObject`. Throws ERR_KEY_UNSUPPORTED for a key outside the allowed set.
 */
export function localSigner(privateKey: KeyObject): KeySigner {
  const publicKey = publicKeyFromKeyObject(privateKey);
  const hash = publicKey.type === 'ed25519' ? undefined : publicKey.hash;
  let closed = false;
  return {
    publicKey,
    async sign(data) {
      if (closed) throw new Error('the signer was closed');
      return sign(privateKey, data, hash);
    },
    async close() {
      closed = true;
    },
  };
}
