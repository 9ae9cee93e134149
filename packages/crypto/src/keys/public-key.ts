/**
 * Public keys: parsing PEM or DER into a node KeyObject restricted to the set Sigstore accepts
 * (sigstore/sigstore `cryptoutils.ValidatePubKey`): RSA with a 2048, 3072 or 4096-bit modulus,
 * ECDSA on P-256, P-384 or P-521, and Ed25519. The SubjectPublicKeyInfo is taken apart by our
 * strict DER reader before node sees it, so BER tricks, odd parameters, off-curve points and weak
 * RSA exponents are refused with a clear reason whatever the OpenSSL version does.
 */
import { createHash, createPublicKey, KeyObject } from 'node:crypto';
import { toHex } from '../encoding.js';
import { KeyError } from '../errors.js';
import {
  derBitStringBytes,
  derCheck,
  derDecode,
  derEncode,
  derOid,
  derOidText,
  derSequence,
  derUnsigned,
  TAG_BIT_STRING,
  TAG_INTEGER,
  TAG_NULL,
  TAG_OID,
  TAG_SEQUENCE,
  type DerElement,
} from './der.js';
import { CURVES, isOnCurve, type EcCurve } from './ec.js';
import type { HashName } from './hash.js';
import { pemDecode, pemEncode, type PemBlock } from './pem.js';

export type KeyType = 'rsa' | 'ecdsa' | 'ed25519';

export interface PublicKeyInfo {
  readonly key: KeyObject;
  readonly type: KeyType;
  /** ECDSA keys only. */
  readonly curve?: EcCurve;
  /** RSA keys only: the modulus size in bits (2048, 3072 or 4096). */
  readonly bits?: number;
  /**
   * The hash that goes with the key: P-256 → sha256, P-384 → sha384, P-521 → sha512, RSA → sha256.
   * For Ed25519 it is sha512, the hash inside the Ed25519 algorithm itself; pure Ed25519 signs the
   * message, never a digest (Ed25519ph is not supported).
   */
  readonly hash: HashName;
  /** DER SubjectPublicKeyInfo (also for keys given as PKCS#1). */
  readonly spki: Uint8Array;
}

/**
 * Largest accepted key input (PEM text characters or DER bytes). A 4096-bit RSA SPKI is about
 * 550 bytes of DER, 800 of PEM; the bound stops hostile megabyte inputs before any parsing.
 */
export const MAX_KEY_INPUT = 64 * 1024;

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EC = '1.2.840.10045.2.1';
const OID_ED25519 = '1.3.101.112';
const RSA_BITS = [2048, 3072, 4096];
/** Go's crypto/rsa refuses exponents above 2^31 − 1; so do we, for keys every Sigstore client can use. */
const RSA_MAX_EXPONENT = (1n << 31n) - 1n;
const CURVE_HASH: Readonly<Record<EcCurve, HashName>> = { 'P-256': 'sha256', 'P-384': 'sha384', 'P-521': 'sha512' };

/** Names for algorithms and curves we refuse, so that the error says what was sent. */
const REFUSED_NAMES: Readonly<Record<string, string>> = {
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.3.101.113': 'Ed448',
  '1.2.840.10040.4.1': 'DSA',
  '1.2.840.113549.1.3.1': 'DH',
  '1.2.840.10046.2.1': 'X9.42 DH',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.3.1.1': 'P-192',
  '1.3.132.0.33': 'P-224',
  '1.3.132.0.10': 'secp256k1',
  '1.3.36.3.3.2.8.1.1.7': 'brainpoolP256r1',
  '1.3.36.3.3.2.8.1.1.11': 'brainpoolP384r1',
  '1.3.36.3.3.2.8.1.1.13': 'brainpoolP512r1',
  '1.2.156.10197.1.301': 'SM2',
};

function named(oid: string): string {
  const name = REFUSED_NAMES[oid];
  return name === undefined ? oid : `${name} (${oid})`;
}

function malformed(message: string, cause?: unknown): KeyError {
  return new KeyError('ERR_KEY_MALFORMED', message, { cause });
}

function unsupported(message: string): KeyError {
  return new KeyError('ERR_KEY_UNSUPPORTED', message);
}

/**
 * Parses a public key and checks it is in the allowed set.
 * - A string is PEM: exactly one `PUBLIC KEY` (SubjectPublicKeyInfo) or `RSA PUBLIC KEY` (PKCS#1) block.
 * - Bytes starting with 0x30 are DER: SubjectPublicKeyInfo, or else a PKCS#1 RSAPublicKey. Other
 *   bytes are read as PEM text (Rekor and Fulcio carry PEM inside base64 fields).
 * Throws KeyError ERR_KEY_MALFORMED for anything that does not parse and ERR_KEY_UNSUPPORTED for
 * well-formed keys outside the allowed set.
 */
export function parsePublicKey(input: string | Uint8Array): PublicKeyInfo {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) throw malformed('public key must be pem text or der bytes');
  const size = typeof input === 'string' ? input.length : input.byteLength;
  // Bound hostile input before decoding anything.
  if (size > MAX_KEY_INPUT) throw malformed(`public key input of ${size} bytes is larger than ${MAX_KEY_INPUT}`);
  if (typeof input !== 'string' && input[0] === TAG_SEQUENCE) return parseDer(input, 'any');
  // latin1 never fails to decode; non-ASCII characters then fail the strict PEM grammar.
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  let blocks;
  try {
    blocks = pemDecode(text);
  } catch (err) {
    throw malformed('public key is not valid pem', err);
  }
  if (blocks.length !== 1) throw malformed(`public key pem has ${blocks.length} blocks, want 1`);
  const block = blocks[0] as PemBlock;
  if (block.label === 'PUBLIC KEY') return parseDer(block.der, 'spki');
  if (block.label === 'RSA PUBLIC KEY') return parseDer(block.der, 'pkcs1');
  throw malformed(`public key pem block is ${JSON.stringify(block.label)}, want "PUBLIC KEY" or "RSA PUBLIC KEY"`);
}

/** The PublicKeyInfo of a node KeyObject (public, or the public half of a private key), with the same checks. */
export function publicKeyFromKeyObject(key: KeyObject): PublicKeyInfo {
  return parsePublicKey(spkiOf(key));
}

function spkiOf(key: KeyObject): Uint8Array {
  if (key.type === 'secret') throw unsupported('a secret key has no public key');
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return new Uint8Array(pub.export({ type: 'spki', format: 'der' }));
}

function parseDer(der: Uint8Array, form: 'spki' | 'pkcs1' | 'any'): PublicKeyInfo {
  try {
    // Strict DER over the whole structure first: no BER lengths, no deep nesting (keys are 4 levels deep).
    const root = derCheck(der, 8, 'public key');
    const first = derSequence(root, [1, 2], 'public key')[0] as DerElement;
    const isPkcs1 = form === 'pkcs1' || (form === 'any' && first.tag === TAG_INTEGER);
    const spki = isPkcs1 ? spkiFromPkcs1(der) : new Uint8Array(der);
    return parseSpki(spki);
  } catch (err) {
    if (err instanceof KeyError) throw err;
    throw malformed('public key is malformed', err);
  }
}

function spkiFromPkcs1(pkcs1: Uint8Array): Uint8Array {
  const algorithm = derEncode(TAG_SEQUENCE, derOid(OID_RSA), derEncode(TAG_NULL));
  return derEncode(TAG_SEQUENCE, algorithm, derEncode(TAG_BIT_STRING, Uint8Array.of(0), pkcs1));
}

function parseSpki(spki: Uint8Array): PublicKeyInfo {
  // Precondition: `spki` passed derCheck (parseDer), or was built by us around a checked PKCS#1 key.
  const [algorithm, subjectPublicKey] = derSequence(derDecode(spki, 'subject public key info'), 2, 'subject public key info');
  const [oid, params] = derSequence(algorithm, [1, 2], 'algorithm identifier');
  const alg = derOidText(oid, 'key algorithm');
  const keyBytes = derBitStringBytes(subjectPublicKey, 'subject public key');
  switch (alg) {
    case OID_RSA:
      return rsaKey(spki, params, keyBytes);
    case OID_EC:
      return ecKey(spki, params, keyBytes);
    case OID_ED25519:
      return ed25519Key(spki, params, keyBytes);
    default:
      throw unsupported(`key algorithm ${named(alg)} is not allowed; use rsa, ecdsa P-256, P-384 or P-521, or ed25519`);
  }
}

/**
 * The info object, with node's KeyObject made on first use: building one costs as much as an ECDSA
 * verification, and verifying over a digest (the Rekor hot path) needs only the SPKI. Our DER
 * parser has already checked every field OpenSSL would.
 */
function keyInfo(fields: Omit<PublicKeyInfo, 'key'>): PublicKeyInfo {
  let key: KeyObject | undefined;
  return Object.freeze({
    ...fields,
    get key(): KeyObject {
      key ??= createPublicKey({ key: Buffer.from(fields.spki), format: 'der', type: 'spki' });
      return key;
    },
  });
}

function rsaKey(spki: Uint8Array, params: DerElement | undefined, keyBytes: Uint8Array): PublicKeyInfo {
  // Go's x509 requires the NULL parameters too; an absent or other value is a malformed key.
  if (params?.tag !== TAG_NULL) throw malformed('rsa key algorithm parameters must be null');
  const [modulus, exponent] = derSequence(derCheck(keyBytes, 2, 'rsa public key'), 2, 'rsa public key');
  const n = derUnsigned(modulus, 'rsa modulus');
  const e = derUnsigned(exponent, 'rsa public exponent');
  const bits = n.toString(2).length;
  if (!RSA_BITS.includes(bits)) throw unsupported(`rsa key of ${bits} bits is not allowed; use 2048, 3072 or 4096`);
  // e = 1 makes the signature equal to the message; an even e is not an RSA key at all.
  if (e > RSA_MAX_EXPONENT) throw unsupported('rsa public exponent wider than 31 bits is not allowed');
  if (e <= 1n || e % 2n === 0n) throw unsupported(`rsa public exponent ${e} is not allowed; it must be odd and greater than 1`);
  return keyInfo({ type: 'rsa', bits, hash: 'sha256', spki });
}

function ecKey(spki: Uint8Array, params: DerElement | undefined, keyBytes: Uint8Array): PublicKeyInfo {
  if (params?.tag === TAG_SEQUENCE) throw unsupported('ec keys with explicit curve parameters are not allowed; use a named curve');
  if (params?.tag !== TAG_OID) throw malformed('ec key algorithm parameters must name a curve');
  const curveOid = derOidText(params, 'ec curve');
  const curve = (Object.keys(CURVES) as EcCurve[]).find((c) => CURVES[c].oid === curveOid);
  if (curve === undefined) throw unsupported(`ec curve ${named(curveOid)} is not allowed; use P-256, P-384 or P-521`);
  const { size } = CURVES[curve];
  const form = keyBytes[0];
  if (keyBytes.length === 1 && form === 0x00) throw malformed('ec public key is the point at infinity');
  // Go's x509 also refuses compressed points in certificates and keys.
  if (keyBytes.length === size + 1 && (form === 0x02 || form === 0x03)) throw unsupported('compressed ec points are not allowed');
  if (keyBytes.length !== 2 * size + 1 || form !== 0x04) throw malformed(`ec public key is not an uncompressed ${curve} point`);
  // An off-curve point enables invalid-curve attacks; check it ourselves, whatever OpenSSL does.
  if (!isOnCurve(curve, keyBytes)) throw malformed(`ec public key point is not on ${curve}`);
  return keyInfo({ type: 'ecdsa', curve, hash: CURVE_HASH[curve], spki });
}

function ed25519Key(spki: Uint8Array, params: DerElement | undefined, keyBytes: Uint8Array): PublicKeyInfo {
  // RFC 8410 §3: the parameters MUST be absent.
  if (params !== undefined) throw malformed('ed25519 key algorithm parameters must be absent');
  if (keyBytes.length !== 32) throw malformed(`ed25519 public key must be 32 bytes, got ${keyBytes.length}`);
  return keyInfo({ type: 'ed25519', hash: 'sha512', spki });
}

/** PEM `PUBLIC KEY` block (SubjectPublicKeyInfo) in Go's `pem.Encode` layout. */
export function publicKeyToPem(key: PublicKeyInfo | KeyObject): string {
  return pemEncode('PUBLIC KEY', key instanceof KeyObject ? spkiOf(key) : key.spki);
}

/** SHA-256 of the DER SubjectPublicKeyInfo: the key ID of Rekor, CT logs and trusted roots. */
export function keyId(spki: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(spki).digest());
}

/** `keyId` as lowercase hex (the log ID form used by Rekor and the trusted root). */
export function logId(spki: Uint8Array): string {
  return toHex(keyId(spki));
}
