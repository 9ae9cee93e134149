/**
 * Signature checks shared by the kinds, with upstream's exact semantics:
 * - ECDSA signatures must be ASN.1 DER (Go's `ecdsa.VerifyASN1`); the raw r ‖ s form that
 *   `verifySignature` also accepts is refused here.
 * - DSSE signatures (dsse and intoto kinds) are over PAE(payloadType, payload) and use SHA-256 for
 *   RSA and ECDSA keys of every curve (upstream loads the verifier with `crypto.SHA256`), and pure
 *   Ed25519 over the PAE bytes.
 */
import { createHash } from 'node:crypto';
import { utf8Bytes } from '@sigstack/crypto/encoding';
import { ecdsaDerToRaw, verifySignature, type EcCurve, type PublicKeyInfo, type VerifyOptions } from '@sigstack/crypto/keys';

/**
 * `verifySignature` restricted to DER for ECDSA. Returns false when the signature does not
 * verify; throws the crypto package's KeyError for combinations it does not support (Ed25519 over
 * a digest).
 */
export function signatureVerifies(key: PublicKeyInfo, data: Uint8Array, signature: Uint8Array, options?: VerifyOptions): boolean {
  if (key.type === 'ecdsa') {
    try {
      ecdsaDerToRaw(signature, key.curve as EcCurve);
    } catch {
      return false;
    }
  }
  return verifySignature(key, data, signature, options);
}

/** DSSE v1 Pre-Authentication Encoding: `DSSEv1 <len> <type> <len> <body>`, lengths in bytes. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8Bytes(payloadType);
  const head = utf8Bytes(`DSSEv1 ${type.length} `);
  const middle = utf8Bytes(` ${payload.length} `);
  return new Uint8Array(Buffer.concat([head, type, middle, payload]));
}

/** What a DSSE signature signs: the PAE bytes, and their SHA-256 computed once for every key. */
export interface DsseMessage {
  readonly pae: Uint8Array;
  readonly sha256: Uint8Array;
}

export function dsseMessage(payloadType: string, payload: Uint8Array): DsseMessage {
  const bytes = pae(payloadType, payload);
  return { pae: bytes, sha256: new Uint8Array(createHash('sha256').update(bytes).digest()) };
}

/**
 * True when `signature` is a DSSE signature of `message` by `key`. RSA and ECDSA verify over the
 * precomputed SHA-256, so that trying up to maxSignatures × maxVerifiers pairs hashes a large
 * payload once, not once per pair.
 */
export function dsseVerifies(key: PublicKeyInfo, message: DsseMessage, signature: Uint8Array): boolean {
  if (key.type === 'ed25519') return signatureVerifies(key, message.pae, signature);
  return signatureVerifies(key, message.sha256, signature, { hash: 'sha256', prehashed: true });
}
