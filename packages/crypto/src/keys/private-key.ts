/**
 * Private keys from PEM: PKCS#8 (`PRIVATE KEY`), encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`), and the
 * traditional OpenSSL forms `EC PRIVATE KEY` (SEC 1) and `RSA PRIVATE KEY` (PKCS#1) that
 * `openssl ec`/`openssl rsa -traditional` still write. The key must be in the same allowed set as
 * public keys. Legacy PEM encryption (`Proc-Type`/`DEK-Info` headers) and cosign's
 * `ENCRYPTED SIGSTORE PRIVATE KEY` are not supported.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { KeyError } from '../errors.js';
import { derCheck, derChildren, TAG_INTEGER, TAG_OCTET_STRING, TAG_SEQUENCE } from './der.js';
import { pemDecode, type PemBlock } from './pem.js';
import { MAX_KEY_INPUT, publicKeyFromKeyObject, type PublicKeyInfo } from './public-key.js';

export interface PrivateKeyInfo {
  readonly key: KeyObject;
  readonly publicKey: PublicKeyInfo;
}

type DerKeyType = 'pkcs8' | 'sec1' | 'pkcs1';

/**
 * label → node's DER type, and the tags of the first two fields, which tell the four structures
 * apart (OpenSSL would accept any of them under any label):
 * PKCS#8 `{ INTEGER version, SEQUENCE algorithm, … }`, EncryptedPrivateKeyInfo `{ SEQUENCE algorithm,
 * OCTET STRING }`, SEC 1 `{ INTEGER 1, OCTET STRING key, … }`, PKCS#1 `{ INTEGER version, INTEGER n, … }`.
 */
const LABELS: Readonly<Record<string, { type: DerKeyType; shape: readonly [number, number]; encrypted: boolean }>> = {
  'PRIVATE KEY': { type: 'pkcs8', shape: [TAG_INTEGER, TAG_SEQUENCE], encrypted: false },
  'ENCRYPTED PRIVATE KEY': { type: 'pkcs8', shape: [TAG_SEQUENCE, TAG_OCTET_STRING], encrypted: true },
  'EC PRIVATE KEY': { type: 'sec1', shape: [TAG_INTEGER, TAG_OCTET_STRING], encrypted: false },
  'RSA PRIVATE KEY': { type: 'pkcs1', shape: [TAG_INTEGER, TAG_INTEGER], encrypted: false },
};

function malformed(message: string, cause?: unknown): KeyError {
  return new KeyError('ERR_KEY_MALFORMED', message, { cause });
}

/**
 * Parses one PEM private key. `password` is required for `ENCRYPTED PRIVATE KEY` (a missing or
 * wrong one throws ERR_KEY_PASSWORD) and ignored otherwise. Throws ERR_KEY_MALFORMED for bad PEM or
 * DER and ERR_KEY_UNSUPPORTED for a key outside the allowed set.
 */
export function parsePrivateKey(pem: string, password?: Uint8Array | string): PrivateKeyInfo {
  if (typeof pem !== 'string') throw malformed('private key must be pem text');
  // Bound hostile input before decoding anything; an encrypted RSA-4096 key is about 3.5 KB.
  if (pem.length > MAX_KEY_INPUT) throw malformed(`private key input of ${pem.length} characters is larger than ${MAX_KEY_INPUT}`);
  let blocks;
  try {
    blocks = pemDecode(pem);
  } catch (err) {
    throw malformed('private key is not valid pem', err);
  }
  if (blocks.length !== 1) throw malformed(`private key pem has ${blocks.length} blocks, want 1`);
  const { label, der } = blocks[0] as PemBlock;
  const form = LABELS[label];
  if (form === undefined) throw malformed(`private key pem block ${JSON.stringify(label)} is not a supported private key label`);
  try {
    // Strict DER before OpenSSL sees it; also tells a mislabelled plain key from an encrypted one.
    const [first, second] = derChildren(derCheck(der, 8, 'private key'), 'private key');
    if (first?.tag !== form.shape[0] || second?.tag !== form.shape[1]) throw malformed(`private key does not have the structure of a ${label}`);
  } catch (err) {
    if (err instanceof KeyError) throw err;
    throw malformed('private key is not valid der', err);
  }
  if (form.encrypted && password === undefined) throw new KeyError('ERR_KEY_PASSWORD', 'private key is encrypted and no password was given');
  let key: KeyObject;
  try {
    key = createPrivateKey({
      key: Buffer.from(der),
      format: 'der',
      type: form.type,
      ...(form.encrypted ? { passphrase: typeof password === 'string' ? password : Buffer.from(password as Uint8Array) } : {}),
    });
  } catch (err) {
    if (form.encrypted) throw new KeyError('ERR_KEY_PASSWORD', 'could not decrypt private key: wrong password or corrupt data', { cause: err });
    throw malformed(`private key ${label} was refused by node:crypto`, err);
  }
  return Object.freeze({ key, publicKey: publicKeyFromKeyObject(key) });
}
