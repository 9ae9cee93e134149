import type { ErrorCode } from '@sigstack/crypto/errors';
import { SigstackError } from '@sigstack/crypto/errors';

/** A request the Fulcio API refuses. */
export class FulcioError extends SigstackError {}

/**
 * The one code → HTTP status table, and upstream's exact client-facing message per code (the real
 * reason is logged, never sent). Codes not listed are our fault: 500.
 */
export const STATUS: Partial<Record<ErrorCode, number>> = {
  ERR_REQUEST_INVALID: 400,
  ERR_TOKEN_INVALID: 400,
  ERR_KEY_MALFORMED: 400,
  ERR_KEY_UNSUPPORTED: 400,
  ERR_CSR_MALFORMED: 400,
  ERR_ALGORITHM_UNSUPPORTED: 400,
  ERR_SIGNATURE_INVALID: 400,
  ERR_IDENTITY_INVALID: 400,
  ERR_ENCODING_INVALID: 400,
  ERR_JSON_INVALID: 400,
  ERR_JSON_LIMIT: 400,
  ERR_IDP_UNAVAILABLE: 503,
  ERR_CA_UNAVAILABLE: 503,
  ERR_SIGNER_UNAVAILABLE: 503,
  // an SCT from the CT log that cannot be embedded: the CT log's fault, not the client's
  ERR_CLIENT_RESPONSE: 503,
};

export const MESSAGES: Partial<Record<ErrorCode, string>> = {
  ERR_TOKEN_INVALID: 'There was an error processing the identity token',
  ERR_KEY_MALFORMED: 'The public key supplied in the request could not be parsed',
  ERR_KEY_UNSUPPORTED: 'The public key supplied in the request is insecure',
  ERR_CSR_MALFORMED: 'The certificate signing request could not be parsed',
  ERR_SIGNATURE_INVALID: 'The signature supplied in the request could not be verified',
  ERR_CA_UNAVAILABLE: 'error communicating with CA backend',
  ERR_SIGNER_UNAVAILABLE: 'error communicating with CA backend',
  ERR_CLIENT_RESPONSE: 'Error entering certificate in CTL',
};

export const INTERNAL_MESSAGE = 'Error marshaling code signing certificate';

/** gRPC status codes of grpc-gateway's error body, by HTTP status. */
export const GRPC_CODE: Record<number, number> = { 400: 3, 404: 5, 413: 8, 415: 3, 500: 13, 503: 14 };
