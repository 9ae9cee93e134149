/** Hostile and synthetic inputs for the request-form tests (security.md B.13–18). */
import { constants, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { pemEncode } from '@sigstack/crypto/keys';
import { derEncode, derOid } from '@sigstack/crypto/der';
import { unsignedInteger } from '../../../src/ca/der.js';

/** DER of SEQUENCEs nested until the whole is at least `bytes` long (the certificate-transparency-go crash input). */
export function nestedSequences(bytes: number): Uint8Array {
  const headers: number[][] = [];
  let inner = 2; // the innermost 30 00
  while (inner < bytes) {
    const head = inner < 0x80 ? [0x30, inner] : inner < 0x100 ? [0x30, 0x81, inner] : [0x30, 0x82, inner >> 8, inner & 0xff];
    headers.push(head);
    inner += head.length;
  }
  return Uint8Array.from([...headers.reverse().flat(), 0x30, 0x00]);
}

/** An RSA SubjectPublicKeyInfo with a modulus of exactly `bits` bits (not a real key: size checks only). */
export function syntheticRsaSpki(bits: number, exponent = 65537n): Uint8Array {
  const modulus = (1n << BigInt(bits - 1)) | 1n;
  const hex = modulus.toString(16);
  const n = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  const e = Buffer.from(exponent.toString(16).padStart(exponent.toString(16).length + (exponent.toString(16).length % 2), '0'), 'hex');
  const rsaKey = derEncode(0x30, unsignedInteger(n), unsignedInteger(e));
  return derEncode(0x30, derEncode(0x30, derOid('1.2.840.113549.1.1.1'), Uint8Array.of(5, 0)), derEncode(0x03, Uint8Array.of(0), rsaKey));
}

export const ECDSA_SHA256 = '1.2.840.10045.4.3.2';
export const ECDSA_SHA384 = '1.2.840.10045.4.3.3';
export const ECDSA_SHA512 = '1.2.840.10045.4.3.4';
export const RSA_SHA256 = '1.2.840.113549.1.1.11';
export const RSA_SHA384 = '1.2.840.113549.1.1.12';
export const RSA_SHA1 = '1.2.840.113549.1.1.5';
export const RSA_PSS = '1.2.840.113549.1.1.10';
export const ED25519 = '1.3.101.112';

export interface CsrOptions {
  /** The key that signs. */
  readonly key: KeyObject;
  /** The SPKI written in the request (default: the signing key's). */
  readonly spki?: Uint8Array;
  readonly algorithm: string;
  /** DER of the algorithm parameters, if any. */
  readonly params?: Uint8Array;
  /** The hash node signs with (null for Ed25519). */
  readonly hash: string | null;
  readonly subject?: Uint8Array;
  /** The [0] attributes element (default: one extensionRequest holding a SAN email:mallory@evil.example). */
  readonly attributes?: Uint8Array | null;
  readonly version?: number;
  readonly tamper?: (signature: Uint8Array) => Uint8Array;
  readonly dsaEncoding?: 'der' | 'ieee-p1363';
  readonly pss?: boolean;
}

export const MALLORY_SAN = derEncode(0x30, derEncode(0x30, derOid('2.5.29.17'), derEncode(0x04, derEncode(0x30, derEncode(0x81, Buffer.from('mallory@evil.example'))))));

/** `Name` with one attribute of `tag` (0x13 PrintableString, 0x16 IA5String, 0x0c UTF8String …). */
export function name(type: string, tag: number, value: Uint8Array): Uint8Array {
  return derEncode(0x30, derEncode(0x31, derEncode(0x30, derOid(type), derEncode(tag, value))));
}

/** A PKCS#10 request built by hand, so that each field can be made wrong. */
export function makeCsr(options: CsrOptions): Uint8Array {
  const spki = options.spki ?? new Uint8Array(createPublicKey(options.key).export({ type: 'spki', format: 'der' }));
  const attributes = options.attributes === null ? new Uint8Array(0) : (options.attributes ?? derEncode(0xa0, derEncode(0x30, derOid('1.2.840.113549.1.9.14'), derEncode(0x31, MALLORY_SAN))));
  const info = derEncode(
    0x30,
    derEncode(0x02, Uint8Array.of(options.version ?? 0)),
    options.subject ?? name('2.5.4.3', 0x0c, Buffer.from('ignored subject')),
    spki,
    attributes,
  );
  const signOptions = options.pss
    ? { key: options.key, padding: constants.RSA_PKCS1_PSS_PADDING }
    : options.key.asymmetricKeyType === 'ec'
      ? { key: options.key, dsaEncoding: options.dsaEncoding ?? 'der' }
      : options.key;
  let signature: Uint8Array = new Uint8Array(sign(options.hash, info, signOptions));
  if (options.tamper) signature = options.tamper(signature);
  const algorithm = options.params ? derEncode(0x30, derOid(options.algorithm), options.params) : derEncode(0x30, derOid(options.algorithm));
  return derEncode(0x30, info, algorithm, derEncode(0x03, Uint8Array.of(0), signature));
}

export function csrPem(der: Uint8Array, label = 'CERTIFICATE REQUEST'): string {
  return pemEncode(label, der);
}

