import { SigstackError } from '@sigstack/crypto/errors';
import type { ErrorCode } from '@sigstack/crypto/errors';

/** A request the Rekor API refuses; the code picks the HTTP status from STATUS below. */
export class RekorError extends SigstackError {}

/**
 * The one code → HTTP status table of the service. Anything not listed is our fault: 500 with a
 * generic message, and the real error goes to the log.
 */
export const STATUS: Partial<Record<ErrorCode, number>> = {
  ERR_REQUEST_INVALID: 400,
  ERR_ENTRY_INVALID: 400,
  ERR_JSON_INVALID: 400,
  ERR_JSON_LIMIT: 400,
  ERR_ENCODING_INVALID: 400,
  ERR_PROOF_ARGUMENTS: 400,
  ERR_SIGNATURE_INVALID: 400,
  ERR_KEY_MALFORMED: 400,
  ERR_KEY_UNSUPPORTED: 400,
  ERR_CERT_MALFORMED: 400,
  ERR_ENTRY_NOT_FOUND: 404,
  ERR_ENTRY_DUPLICATE: 409,
  ERR_REQUEST_TOO_MANY: 422,
  ERR_NOT_ENABLED: 501,
  ERR_LOG_PUSHBACK: 503,
  ERR_LOG_STORAGE: 503,
};

/** The message a client sees for a server fault; the detail stays in our log. */
export const INTERNAL_MESSAGE = 'unexpected error communicating with transparency log';

/** The entry is already in the log (HTTP 409 with the existing entry's Location). */
export class EntryExistsError extends RekorError {
  readonly entryId: string;

  constructor(entryId: string) {
    super('ERR_ENTRY_DUPLICATE', `an equivalent entry already exists in the transparency log with UUID ${entryId}`);
    this.entryId = entryId;
  }
}
