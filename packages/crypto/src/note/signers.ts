/**
 * Note signers and verifiers for the two key types sigstack uses:
 * - ECDSA, Rekor v1 style (also C2SP signature type 0x02): key ID = SHA-256(DER SPKI)[:4], with no
 *   name or type byte; the signature is ASN.1 DER ECDSA over the hash of the note text.
 * - Ed25519, C2SP type 0x01: key ID = SHA-256(name || 0x0A || 0x01 || raw 32-byte key)[:4]; the
 *   signature is Ed25519 over the note text itself.
 * Keys come in as node:crypto `KeyObject`s (parse them with src/keys).
 */
import { KeyObject, createPublicKey, sign, verify } from 'node:crypto';
import { KeyError } from '../errors.js';
import { bytesEqual, concatBytes, parseBase64, parseHex, toBase64, toHex, utf8Bytes } from '../encoding.js';
import { ecdsaCurveHash, requireEd25519, requireKeyType, sha256, spkiDer } from './key-checks.js';
import { type NoteSigner, type NoteVerifier, isValidKeyName } from './note.js';

/** C2SP signature type byte of Ed25519 note signatures. */
export const SIG_TYPE_ED25519 = 0x01;

/** Longest verifier key text we parse; real ones are well under 200 characters. */
const MAX_VKEY_LENGTH = 1024;

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = new Uint8Array([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

function requireName(name: string): void {
  if (!isValidKeyName(name)) {
    throw new KeyError('ERR_KEY_MALFORMED', `invalid note key name ${JSON.stringify(String(name).slice(0, 40))}: it must be non-empty, without spaces or '+'`);
  }
}

/**
 * The 32-byte Rekor log ID of a key: SHA-256 of its DER SubjectPublicKeyInfo. Its first 4 bytes
 * are the Rekor v1 checkpoint key hint. A private key gives the ID of its public half.
 */
export function rekorKeyId(key: KeyObject): Uint8Array {
  const k = key instanceof KeyObject && key.type === 'private' ? key : requireKeyType(key, 'public', 'rekorKeyId');
  return sha256(spkiDer(k));
}

/** The C2SP recommended key ID: SHA-256(name || "\n" || sigType || publicKey)[:4]. */
export function noteKeyId(name: string, sigType: number, publicKey: Uint8Array): Uint8Array {
  return sha256(utf8Bytes(`${name}\n`), new Uint8Array([sigType]), publicKey).slice(0, 4);
}

/**
 * ECDSA note signer (Rekor v1 checkpoints). The key must be a private ECDSA key on P-256, P-384
 * or P-521; the text is hashed with the curve's hash (SHA-256, SHA-384, SHA-512 respectively) and
 * the signature is ASN.1 DER. For P-256, the only curve public Rekor logs use, this is exactly
 * Rekor's recipe. Caution: Rekor's own file signer hashes with SHA-256 on every curve, so a
 * Rekor log with a P-384/P-521 key would not interoperate with these; use P-256 for checkpoints.
 * Throws ERR_KEY_MALFORMED for a bad name, ERR_KEY_UNSUPPORTED for another key.
 */
export function ecdsaNoteSigner(name: string, privateKey: KeyObject): NoteSigner {
  requireName(name);
  const key = requireKeyType(privateKey, 'private', 'ecdsaNoteSigner');
  const hash = ecdsaCurveHash(key, 'ecdsaNoteSigner');
  return {
    name,
    keyId: rekorKeyId(key).slice(0, 4),
    sign: (msg) => new Uint8Array(sign(hash, msg, { key, dsaEncoding: 'der' })),
  };
}

/** Verifier for `ecdsaNoteSigner` signatures; the public key must be ECDSA on P-256/P-384/P-521. */
export function ecdsaNoteVerifier(name: string, publicKey: KeyObject): NoteVerifier {
  requireName(name);
  const key = requireKeyType(publicKey, 'public', 'ecdsaNoteVerifier');
  const hash = ecdsaCurveHash(key, 'ecdsaNoteVerifier');
  return {
    name,
    keyId: rekorKeyId(key).slice(0, 4),
    // OpenSSL rejects non-DER (malleable) encodings and returns false, never throws, on junk.
    verify: (msg, sig) => verify(hash, msg, { key, dsaEncoding: 'der' }, sig),
  };
}

function ed25519Raw(key: KeyObject): Uint8Array {
  // An Ed25519 SPKI is always the 12-byte prefix followed by the 32-byte key.
  return spkiDer(key).slice(ED25519_SPKI_PREFIX.length);
}

/** Ed25519 note signer (C2SP type 0x01). Throws ERR_KEY_MALFORMED / ERR_KEY_UNSUPPORTED. */
export function ed25519NoteSigner(name: string, privateKey: KeyObject): NoteSigner {
  requireName(name);
  const key = requireKeyType(privateKey, 'private', 'ed25519NoteSigner');
  requireEd25519(key, 'ed25519NoteSigner');
  return {
    name,
    keyId: noteKeyId(name, SIG_TYPE_ED25519, ed25519Raw(key)),
    sign: (msg) => new Uint8Array(sign(null, msg, key)),
  };
}

/** Verifier for Ed25519 note signatures by `publicKey` under `name`. */
export function ed25519NoteVerifier(name: string, publicKey: KeyObject): NoteVerifier {
  requireName(name);
  const key = requireKeyType(publicKey, 'public', 'ed25519NoteVerifier');
  requireEd25519(key, 'ed25519NoteVerifier');
  return {
    name,
    keyId: noteKeyId(name, SIG_TYPE_ED25519, ed25519Raw(key)),
    verify: (msg, sig) => verify(null, msg, key, sig),
  };
}

/** The C2SP verifier key text `<name>+<hex key ID>+base64(0x01 || raw key)` of an Ed25519 key. */
export function ed25519VerifierKey(name: string, publicKey: KeyObject): string {
  const verifier = ed25519NoteVerifier(name, publicKey);
  return `${name}+${toHex(verifier.keyId)}+${toBase64(concatBytes(new Uint8Array([SIG_TYPE_ED25519]), ed25519Raw(publicKey)))}`;
}

function badVkey(message: string, cause?: unknown): never {
  throw new KeyError('ERR_KEY_MALFORMED', message, cause === undefined ? undefined : { cause });
}

/**
 * Parses an Ed25519 verifier key `<name>+<8 lowercase hex>+<standard base64 of 0x01 || 32 bytes>`
 * into a NoteVerifier. Strict: the name must be valid, the key ID must be 8 lowercase hex digits
 * (Go prints them so) and equal the ID computed from name and key. Other signature types throw
 * ERR_KEY_UNSUPPORTED; everything else that is off throws ERR_KEY_MALFORMED.
 * Does not screen out small-order Ed25519 keys: vkeys are trusted configuration.
 */
export function parseVerifierKey(vkey: string): NoteVerifier {
  // Config text, but still bounded before we scan it.
  if (typeof vkey !== 'string' || vkey.length > MAX_VKEY_LENGTH) badVkey(`verifier key must be a string of at most ${MAX_VKEY_LENGTH} characters`);
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) badVkey('verifier key must have the form <name>+<key id>+<key>');
  const name = vkey.slice(0, first);
  if (!isValidKeyName(name)) badVkey('verifier key has an invalid name');
  let keyId: Uint8Array;
  let key: Uint8Array;
  try {
    keyId = parseHex(vkey.slice(first + 1, second), 4, 'verifier key id');
    key = parseBase64(vkey.slice(second + 1), 'verifier key');
  } catch (err) {
    return badVkey(`verifier key for ${name} does not decode`, err);
  }
  const type = key[0];
  if (type === undefined) badVkey(`verifier key for ${name} has no key bytes`);
  if (type !== SIG_TYPE_ED25519) {
    throw new KeyError('ERR_KEY_UNSUPPORTED', `verifier key for ${name} has signature type ${type}, only Ed25519 (1) is supported`);
  }
  if (key.byteLength !== 33) badVkey(`verifier key for ${name} has ${key.byteLength - 1} key bytes, want 32`);
  const publicKey = createPublicKey({ key: Buffer.from(concatBytes(ED25519_SPKI_PREFIX, key.subarray(1))), format: 'der', type: 'spki' });
  const verifier = ed25519NoteVerifier(name, publicKey);
  if (!bytesEqual(verifier.keyId, keyId)) {
    badVkey(`verifier key for ${name} has key id ${toHex(keyId)}, but the key's id is ${toHex(verifier.keyId)}`);
  }
  return verifier;
}
