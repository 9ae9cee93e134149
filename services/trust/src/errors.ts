import { SigstackError } from '@sigstack/crypto/errors';
import type { ErrorCode } from '@sigstack/crypto/errors';

/** A request the trust service refuses; the code picks the HTTP status from STATUS below. */
export class TrustServiceError extends SigstackError {}

/**
 * The one code → HTTP status table of the service. Anything not listed is our fault: 500 with a
 * generic message, and the real error goes to the log. The service only reads files: the only
 * client fault is a path it does not serve, answered 404 by the routes themselves.
 */
export const STATUS: Partial<Record<ErrorCode, number>> = {};

/** The message a client sees for a server fault; the detail stays in our log. */
export const INTERNAL_MESSAGE = 'unexpected error reading the trust repository';
