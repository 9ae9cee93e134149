/**
 * Internal checks on `KeyObject`s shared by the note signers and the SET. Not exported from the
 * package: callers parse keys with src/keys and hand us `KeyObject`s.
 */
import { KeyObject, createHash, createPublicKey } from 'node:crypto';
import { KeyError } from '../errors.js';

/** OpenSSL curve name → the hash that note signatures use with that curve (see ecdsaNoteSigner). */
const CURVE_HASH = new Map<string, string>([
  ['prime256v1', 'sha256'],
  ['secp384r1', 'sha384'],
  ['secp521r1', 'sha512'],
]);

function describeKey(key: KeyObject): string {
  if (key.type === 'secret') return 'secret key';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return `${key.type} ${key.asymmetricKeyType} key${curve === undefined ? '' : ` on ${curve}`}`;
}

/** Throws `ERR_KEY_UNSUPPORTED` unless `key` is a `KeyObject` of the wanted type ('public' or 'private'). */
export function requireKeyType(key: unknown, type: 'public' | 'private', purpose: string): KeyObject {
  if (!(key instanceof KeyObject)) {
    throw new KeyError('ERR_KEY_UNSUPPORTED', `${purpose} needs a KeyObject, got ${typeof key}`);
  }
  if (key.type !== type) {
    throw new KeyError('ERR_KEY_UNSUPPORTED', `${purpose} needs a ${type} key, got a ${describeKey(key)}`);
  }
  return key;
}

/**
 * For an ECDSA key on P-256, P-384 or P-521, returns the hash that matches the curve
 * (sha256/sha384/sha512); throws `ERR_KEY_UNSUPPORTED` for every other key.
 */
export function ecdsaCurveHash(key: KeyObject, purpose: string): string {
  const curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined;
  const hash = curve === undefined ? undefined : CURVE_HASH.get(curve);
  if (hash === undefined) {
    throw new KeyError('ERR_KEY_UNSUPPORTED', `${purpose} needs an ECDSA P-256, P-384 or P-521 key, got a ${describeKey(key)}`);
  }
  return hash;
}

/** Throws `ERR_KEY_UNSUPPORTED` unless `key` is an Ed25519 key. */
export function requireEd25519(key: KeyObject, purpose: string): void {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KeyError('ERR_KEY_UNSUPPORTED', `${purpose} needs an Ed25519 key, got a ${describeKey(key)}`);
  }
}

/** DER SubjectPublicKeyInfo of a public key, or of the public half of a private key. */
export function spkiDer(key: KeyObject): Uint8Array {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return new Uint8Array(pub.export({ format: 'der', type: 'spki' }));
}

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return new Uint8Array(h.digest());
}
