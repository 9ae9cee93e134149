import { SigstackError } from '@sigstack/crypto/errors';
import type { ErrorCode } from '@sigstack/crypto/errors';

type LogErrorCode = Extract<ErrorCode, 'ERR_LOG_PUSHBACK' | 'ERR_LOG_STORAGE' | 'ERR_LOG_INCONSISTENT' | 'ERR_ENTRY_INVALID' | 'ERR_ENTRY_DUPLICATE' | 'ERR_ENTRY_NOT_FOUND' | 'ERR_PROOF_ARGUMENTS' | 'ERR_CONFIG_INVALID'>;

/** Anything the log engine refuses or fails to do. */
export class LogError extends SigstackError {
  constructor(code: LogErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** The entry is already in the log; carries where, so that the service can answer 409 + Location. */
export class DuplicateEntryError extends LogError {
  readonly index: number;
  readonly leafHash: Uint8Array;

  constructor(index: number, leafHash: Uint8Array) {
    super('ERR_ENTRY_DUPLICATE', `entry is already in the log at index ${index}`);
    this.index = index;
    this.leafHash = leafHash;
  }
}

/** The pool of pending entries is full: the caller should retry later (HTTP 503 + Retry-After). */
export class PushbackError extends LogError {
  readonly retryAfterSeconds: number;

  constructor(pending: number, retryAfterSeconds = 1) {
    super('ERR_LOG_PUSHBACK', `too many entries waiting to be integrated (${pending}); retry later`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
