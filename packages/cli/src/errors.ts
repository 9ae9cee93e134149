import { SigstackError, isSigstackError, type ErrorCode } from '@sigstack/crypto/errors';
import { EXIT, type ExitName } from './exit-codes.js';

/**
 * A failure a verb reports to the user: `exit` says which exit code it ends with, `evidence` holds
 * what an auditor needs to show someone else (checkpoints, proofs) and is printed as JSON.
 */
export class AuditError extends SigstackError {
  readonly exit: ExitName;
  readonly evidence: Record<string, unknown> | undefined;

  constructor(exit: ExitName, code: ErrorCode, message: string, options: { cause?: unknown; evidence?: Record<string, unknown> } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exit = exit;
    this.evidence = options.evidence;
  }
}

export function usage(message: string): AuditError {
  return new AuditError('usage', 'ERR_USAGE', message);
}

/**
 * The exit code of any error that reaches the top: AuditErrors carry theirs; errors of the HTTP
 * client are reachability or response failures; everything else is a bug.
 */
export function exitOf(err: unknown): number {
  if (err instanceof AuditError) return EXIT[err.exit];
  if (isSigstackError(err, 'ERR_CLIENT_UNREACHABLE')) return EXIT.unreachable;
  if (isSigstackError(err, 'ERR_CLIENT_STATUS') || isSigstackError(err, 'ERR_CLIENT_RESPONSE')) return EXIT.badResponse;
  return EXIT.internal;
}

/**
 * Runs `fn` and turns the typed errors of crypto into an AuditError with the given exit code, so
 * that every check says what failed. AuditErrors and client errors pass through unchanged.
 */
export async function checking<T>(exit: ExitName, what: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AuditError || isSigstackError(err, 'ERR_CLIENT_UNREACHABLE') || isSigstackError(err, 'ERR_CLIENT_STATUS') || isSigstackError(err, 'ERR_CLIENT_RESPONSE')) throw err;
    if (err instanceof SigstackError) throw new AuditError(exit, err.code, `${what}: ${err.message}`, { cause: err });
    throw err;
  }
}
