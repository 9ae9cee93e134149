import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { Key, Signature } from '@tufjs/models';
import { canonicalJson } from '@sigstack/crypto/canonical-json';
import type { JsonValue } from '@sigstack/crypto/canonical-json';
import { isSigstackError } from '@sigstack/crypto/errors';
import { parsePrivateKey, publicKeyToPem } from '@sigstack/crypto/keys';
import { tufInvalid } from '../errors.js';

/** Key types for TUF metadata signing: Ed25519 (the default) or ECDSA P-256 (as Sigstore's own root uses). */
export const TUF_KEY_TYPES = ['ed25519', 'ecdsa-p256'] as const;
export type TufKeyType = (typeof TUF_KEY_TYPES)[number];

/** A TUF signing key: its public `Key` as listed in root.json, and a signer over canonical metadata bytes. */
export type TufSigner = {
  readonly key: Key;
  sign(data: Buffer): Signature;
};

/** A new private key as PKCS#8 PEM (unencrypted: store it with mode 0600, or offline). */
export function generateTufKey(type: TufKeyType = 'ed25519'): string {
  const { privateKey } = type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** TUF's key ID: the hex SHA-256 of the canonical JSON of the public key object (keytype, scheme, keyval). */
function keyIdOf(json: { keytype: string; scheme: string; keyval: Record<string, string> }): string {
  return createHash('sha256').update(canonicalJson(json as unknown as JsonValue)).digest('hex');
}

/** The TUF public key of a node key: Ed25519 as hex (the TUF spec's form), ECDSA P-256 as PEM (python-tuf's and Sigstore's form). */
function publicTufKey(privateKey: KeyObject): { key: Key; type: TufKeyType } {
  const publicKey = createPublicKey(privateKey);
  if (privateKey.asymmetricKeyType === 'ed25519') {
    const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
    const json = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: raw.toString('hex') } };
    return { key: new Key({ keyID: keyIdOf(json), keyType: json.keytype, scheme: json.scheme, keyVal: json.keyval }), type: 'ed25519' };
  }
  if (privateKey.asymmetricKeyType === 'ec' && privateKey.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    const json = { keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256', keyval: { public: publicKeyToPem(publicKey) } };
    return { key: new Key({ keyID: keyIdOf(json), keyType: json.keytype, scheme: json.scheme, keyVal: json.keyval }), type: 'ecdsa-p256' };
  }
  throw tufInvalid(`a tuf key must be ed25519 or ecdsa P-256, got ${privateKey.asymmetricKeyType ?? 'unknown'}`);
}

/** A signer from a node private key. */
export function tufSigner(privateKey: KeyObject): TufSigner {
  const { key, type } = publicTufKey(privateKey);
  return {
    key,
    sign(data: Buffer): Signature {
      // Ed25519 signs the message itself; ECDSA signs its SHA-256, DER-encoded (what tuf-js and go-tuf verify).
      const sig = sign(type === 'ed25519' ? null : 'sha256', data, privateKey);
      return new Signature({ keyID: key.keyID, sig: sig.toString('hex') });
    },
  };
}

/**
 * A signer from a PEM private key (PKCS#8, optionally encrypted with `password`, or SEC 1).
 * Throws TrustError ERR_TUF_INVALID naming `what` for anything else.
 */
export function tufSignerFromPem(pem: string, what: string, password?: string): TufSigner {
  try {
    return tufSigner(parsePrivateKey(pem, password).key);
  } catch (err) {
    if (isSigstackError(err)) throw tufInvalid(`${what}: ${err.message}`, err);
    throw err;
  }
}
