/**
 * Rekor v1 Signed Entry Timestamp (SET): the log key's ECDSA signature over the RFC 8785 (JCS)
 * form of `{"body","integratedTime","logID","logIndex"}`, the promise of inclusion that Rekor
 * returns as `verification.signedEntryTimestamp` and bundles carry as
 * `inclusionPromise.signedEntryTimestamp`.
 */
import { type KeyObject, sign, verify } from 'node:crypto';
import { EncodingError, VerificationError } from './errors.js';
import { parseBase64, parseHex } from './encoding.js';
import { ecdsaCurveHash, requireKeyType } from './note/key-checks.js';

/** The four signed fields, as Rekor puts them in a LogEntry. */
export interface SETFields {
  /** Standard base64 of the canonical entry body (a bundle's `canonicalizedBody`). */
  body: string;
  /** Unix seconds at which the entry was integrated. */
  integratedTime: number;
  /** Lowercase hex SHA-256 of the log key's DER SPKI (64 characters). */
  logID: string;
  /** The entry's (virtual) log index. */
  logIndex: number;
}

function requireCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new EncodingError('ERR_ENCODING_INVALID', `SET ${what} must be a safe integer ≥ 0, got ${String(value).slice(0, 40)}`);
  }
}

/**
 * The bytes a SET signs. Every field is checked first (ERR_ENCODING_INVALID): body non-empty
 * standard padded base64, integers safe and ≥ 0, logID 64 lowercase hex. With those alphabets JCS
 * is simply sorted keys, no whitespace, plain integers and strings that need no escaping, so the
 * string is built directly.
 */
export function setPayload(fields: SETFields): Uint8Array {
  const { body, integratedTime, logID, logIndex } = fields;
  if (typeof body !== 'string' || body === '') throw new EncodingError('ERR_ENCODING_INVALID', 'SET body must be non-empty base64');
  parseBase64(body, 'SET body');
  requireCount(integratedTime, 'integratedTime');
  parseHex(logID, 32, 'SET logID');
  requireCount(logIndex, 'logIndex');
  const json = `{"body":"${body}","integratedTime":${integratedTime},"logID":"${logID}","logIndex":${logIndex}}`;
  return new Uint8Array(Buffer.from(json, 'utf8'));
}

/**
 * Signs a SET with the log's private key: ECDSA on P-256 (recommended), P-384 or P-521, always
 * over SHA-256 as Rekor does; ASN.1 DER signature. Throws ERR_KEY_UNSUPPORTED for other keys.
 */
export function signSET(fields: SETFields, privateKey: KeyObject): Uint8Array {
  const payload = setPayload(fields);
  const key = requireKeyType(privateKey, 'private', 'signSET');
  ecdsaCurveHash(key, 'signSET');
  return new Uint8Array(sign('sha256', payload, { key, dsaEncoding: 'der' }));
}

/**
 * Verifies a SET like sigstore-go's VerifySET: only ECDSA log keys, SHA-256 over the JCS payload,
 * DER signature. Throws ERR_SIGNATURE_INVALID when it does not verify (including for another
 * entry's fields), ERR_ENCODING_INVALID for malformed fields, ERR_KEY_UNSUPPORTED for other keys.
 * Callers still check that the logID is the one of `publicKey` and the key's validity window.
 */
export function verifySET(fields: SETFields, signature: Uint8Array, publicKey: KeyObject): void {
  const payload = setPayload(fields);
  const key = requireKeyType(publicKey, 'public', 'verifySET');
  ecdsaCurveHash(key, 'verifySET');
  if (!(signature instanceof Uint8Array) || !verify('sha256', payload, { key, dsaEncoding: 'der' }, signature)) {
    throw new VerificationError('ERR_SIGNATURE_INVALID', `SET for log index ${fields.logIndex} does not verify with log ${fields.logID}`);
  }
}
