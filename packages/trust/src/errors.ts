import { SigstackError } from '@sigstack/crypto/errors';

/**
 * Trust material that clients could not use (ERR_TRUST_INVALID: a wrong key type for a log, a CA
 * chain that does not end at a self-signed root, a malformed URL or time) or a TUF repository that
 * cannot be updated as asked (ERR_TUF_INVALID: unreadable metadata, keys that cannot sign a root
 * rotation).
 */
export class TrustError extends SigstackError {}

export function invalid(message: string, cause?: unknown): TrustError {
  return new TrustError('ERR_TRUST_INVALID', message, cause === undefined ? undefined : { cause });
}

export function tufInvalid(message: string, cause?: unknown): TrustError {
  return new TrustError('ERR_TUF_INVALID', message, cause === undefined ? undefined : { cause });
}
