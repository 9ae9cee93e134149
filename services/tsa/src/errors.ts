import { SigstackError } from '@sigstack/crypto/errors';
import type { ErrorCode } from '@sigstack/crypto/errors';

/** A timestamp request the TSA refuses, or a state in which it cannot issue tokens; `code` picks the status. */
export class TsaError extends SigstackError {}

/**
 * The one code → HTTP status table of the service. Anything not listed is our fault: 500 with a
 * generic message, and the real error goes to the log.
 */
export const STATUS: Partial<Record<ErrorCode, number>> = {
  // Malformed DER or JSON, a bad nonce, too many OID arcs, request extensions.
  ERR_REQUEST_INVALID: 400,
  ERR_JSON_INVALID: 400,
  ERR_JSON_LIMIT: 400,
  // Bad base64, or a digest whose length does not fit its hash algorithm.
  ERR_ENCODING_INVALID: 400,
  // A weak (SHA-1) or unknown hash algorithm.
  ERR_ALGORITHM_UNSUPPORTED: 400,
  ERR_POLICY_UNACCEPTED: 400,
  // The clock jumped, or lies outside the TSA certificate's validity: no trustworthy time to sign.
  ERR_CLOCK_UNTRUSTED: 503,
  ERR_SIGNER_UNAVAILABLE: 503,
};

/** The message a client sees for a server fault; the detail stays in our log. */
export const INTERNAL_MESSAGE = 'error generating timestamp response';
