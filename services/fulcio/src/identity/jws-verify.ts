/**
 * The signature check of an ID token, synchronously with node:crypto.
 *
 * Everything before it is unchanged: jwt.ts bounded and decoded the token and allowed its `alg`
 * (asymmetric only, no `crit`, no `b64`), discovery offered that `alg`, and jose's local JWKS
 * selected and imported the key for it (`kid`, `kty`, curve, `use`, `key_ops`, the JWK's `alg`).
 * Only jose's last step is done here: verifying the signature over `header.payload` with that key,
 * with the same rules (RFC 7518 §3): RS* PKCS#1 v1.5 and PS* PSS with a salt as long as the hash
 * (both with a modulus of at least 2048 bits, as jose requires), ES* as raw r ‖ s of exactly twice
 * the curve's size on the curve the `alg` names, EdDSA pure over the message.
 *
 * Why not jose's `compactVerify`: it goes through WebCrypto, an asynchronous job per token that cost
 * the CA about 170 µs of CPU per ES256 token against 70 µs here (profile of the certificates
 * benchmark: 15% of the CA's time).
 */
import { constants, KeyObject, verify } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { tokenInvalid } from './errors.js';
import type { UnverifiedToken } from './jwt.js';

type Scheme =
  | { readonly kind: 'rsa'; readonly hash: string }
  | { readonly kind: 'rsa-pss'; readonly hash: string }
  | { readonly kind: 'ec'; readonly hash: string; readonly curve: string; readonly size: number }
  | { readonly kind: 'eddsa' };

/** The schemes of jwt.ts's ASYMMETRIC_ALGORITHMS. */
const SCHEMES: ReadonlyMap<string, Scheme> = new Map<string, Scheme>([
  ['RS256', { kind: 'rsa', hash: 'sha256' }],
  ['RS384', { kind: 'rsa', hash: 'sha384' }],
  ['RS512', { kind: 'rsa', hash: 'sha512' }],
  ['PS256', { kind: 'rsa-pss', hash: 'sha256' }],
  ['PS384', { kind: 'rsa-pss', hash: 'sha384' }],
  ['PS512', { kind: 'rsa-pss', hash: 'sha512' }],
  ['ES256', { kind: 'ec', hash: 'sha256', curve: 'prime256v1', size: 32 }],
  ['ES384', { kind: 'ec', hash: 'sha384', curve: 'secp384r1', size: 48 }],
  ['ES512', { kind: 'ec', hash: 'sha512', curve: 'secp521r1', size: 66 }],
  ['EdDSA', { kind: 'eddsa' }],
]);

/** jose's floor for RSA keys (RS* and PS*). */
const MIN_RSA_BITS = 2048;

/** node KeyObjects of the CryptoKeys jose imported; jose keeps those per JWK and alg, so this stays as small as the JWKS. */
const KEY_OBJECTS = new WeakMap<CryptoKey, KeyObject>();

function keyObject(key: CryptoKey): KeyObject {
  let out = KEY_OBJECTS.get(key);
  if (out === undefined) {
    out = KeyObject.from(key);
    KEY_OBJECTS.set(key, out);
  }
  return out;
}

function unfit(token: UnverifiedToken, why: string): never {
  throw tokenInvalid('signature', `jws rejected: the key for ${token.alg} ${why}`);
}

/**
 * True when `token`'s signature verifies with `key` under `token.alg`; false when it does not.
 * Throws IdentityError ERR_TOKEN_INVALID (`signature`) when the key cannot be used for that `alg`
 * (wrong type or curve, RSA below 2048 bits), as jose refuses such keys.
 * Precondition: `token` comes from decodeUnverified, `key` from the provider's key set for `token.alg`.
 */
export function verifyJws(token: UnverifiedToken, key: CryptoKey): boolean {
  const scheme = SCHEMES.get(token.alg);
  if (scheme === undefined) throw tokenInvalid('algorithm', `jwt alg ${token.alg} is not an allowed asymmetric algorithm`);
  const k = keyObject(key);
  if (k.type !== 'public') unfit(token, 'is not a public key');
  const data = Buffer.from(token.signingInput, 'latin1');
  const signature = token.signature;
  const type = k.asymmetricKeyType;
  switch (scheme.kind) {
    case 'rsa':
    case 'rsa-pss':
      if (type !== 'rsa' && type !== 'rsa-pss') unfit(token, `is a ${String(type)} key`);
      if ((k.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) unfit(token, `has fewer than ${MIN_RSA_BITS} bits`);
      return scheme.kind === 'rsa'
        ? checked(() => verify(scheme.hash, data, { key: k, padding: constants.RSA_PKCS1_PADDING }, signature))
        : checked(() => verify(scheme.hash, data, { key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature));
    case 'ec':
      if (type !== 'ec' || k.asymmetricKeyDetails?.namedCurve !== scheme.curve) unfit(token, `is not a ${scheme.curve} key`);
      // JWS ECDSA signatures are r ‖ s of exactly the curve's size each; anything else is not one.
      if (signature.length !== 2 * scheme.size) return false;
      return checked(() => verify(scheme.hash, data, { key: k, dsaEncoding: 'ieee-p1363' }, signature));
    case 'eddsa':
      if (type !== 'ed25519' && type !== 'ed448') unfit(token, `is a ${String(type)} key`);
      return checked(() => verify(null, data, k, signature));
  }
}

/** OpenSSL refusing the signature bytes (e.g. an RSA signature longer than the modulus) is a failed check, as in WebCrypto. */
function checked(run: () => boolean): boolean {
  try {
    return run();
  } catch {
    return false;
  }
}
