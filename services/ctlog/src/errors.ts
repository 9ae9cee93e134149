import { SigstackError } from '@sigstack/crypto/errors';
import type { ErrorCode } from '@sigstack/crypto/errors';

/** A request the CT log refuses, or a fault of the log; the code picks the HTTP status from STATUS. */
export class CtLogError extends SigstackError {}

/**
 * The one code → HTTP status table of the service. Anything not listed is our fault: 500 with a
 * generic message, and the real error goes to the log.
 */
export const STATUS: Partial<Record<ErrorCode, number>> = {
  ERR_REQUEST_INVALID: 400,
  ERR_ENTRY_INVALID: 400,
  ERR_CERT_MALFORMED: 400,
  ERR_KEY_MALFORMED: 400,
  ERR_KEY_UNSUPPORTED: 400,
  ERR_ENCODING_INVALID: 400,
  ERR_JSON_INVALID: 400,
  ERR_JSON_LIMIT: 400,
  ERR_PROOF_ARGUMENTS: 400,
  ERR_ENTRY_NOT_FOUND: 404,
  ERR_LOG_PUSHBACK: 503,
  ERR_LOG_STORAGE: 503,
};

/** The message a client sees for a server fault; the detail stays in our log. */
export const INTERNAL_MESSAGE = 'internal error in the certificate transparency log';
