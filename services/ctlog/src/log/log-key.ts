import { sign } from 'node:crypto';
import { loadP256LogKey } from '@sigstack/service-kit';
import type { LogKeySettings, P256LogKey } from '@sigstack/service-kit';

/** The log's signing key: it signs SCTs, tree heads and the engine's checkpoints. */
export type LogKey = P256LogKey & {
  /** SHA-256 of the DER SPKI: the RFC 6962 log ID (and the trusted root's `logId.keyId`). */
  logId: Uint8Array;
  /** ECDSA P-256 over SHA-256 of `data`, DER-encoded (what DigitallySigned carries). */
  sign(data: Uint8Array): Uint8Array;
};

export type { LogKeySettings };

/** Loads the log key (see service-kit's loadP256LogKey: key file, or generated in dev mode). */
export function loadLogKey(settings: LogKeySettings): LogKey {
  const key = loadP256LogKey(settings);
  return { ...key, logId: key.keyId, sign: (data) => new Uint8Array(sign('sha256', data, { key: key.privateKey, dsaEncoding: 'der' })) };
}
