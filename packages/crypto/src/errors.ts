/**
 * The one error hierarchy of sigstack. Every package and service throws a subclass of
 * `SigstackError` with a typed `code`; services map codes to HTTP statuses in one table.
 * Tests assert codes, never messages.
 */

/** Every error code used anywhere in sigstack, grouped by area. */
export type ErrorCode =
  // encoding: hostile bytes or text that does not parse
  | 'ERR_ENCODING_INVALID'
  | 'ERR_JSON_INVALID'
  | 'ERR_JSON_LIMIT'
  // proofs and notes
  | 'ERR_PROOF_INVALID'
  | 'ERR_PROOF_ARGUMENTS'
  | 'ERR_NOTE_MALFORMED'
  | 'ERR_NOTE_UNVERIFIED'
  | 'ERR_SIGNATURE_INVALID'
  // keys and certificates
  | 'ERR_KEY_MALFORMED'
  | 'ERR_KEY_UNSUPPORTED'
  | 'ERR_KEY_PASSWORD'
  | 'ERR_CERT_MALFORMED'
  | 'ERR_CSR_MALFORMED'
  | 'ERR_ALGORITHM_UNSUPPORTED'
  // config and services (declared here so that one union covers the whole stack)
  | 'ERR_CONFIG_INVALID'
  | 'ERR_LOG_PUSHBACK'
  | 'ERR_LOG_STORAGE'
  | 'ERR_LOG_INCONSISTENT'
  | 'ERR_ENTRY_INVALID'
  | 'ERR_ENTRY_DUPLICATE'
  | 'ERR_ENTRY_NOT_FOUND'
  | 'ERR_REQUEST_INVALID'
  | 'ERR_REQUEST_TOO_MANY'
  | 'ERR_NOT_ENABLED'
  | 'ERR_TOKEN_INVALID'
  | 'ERR_CA_UNAVAILABLE'
  | 'ERR_IDP_UNAVAILABLE'
  | 'ERR_IDENTITY_INVALID'
  // timestamp authority and key signers
  | 'ERR_POLICY_UNACCEPTED'
  | 'ERR_CLOCK_UNTRUSTED'
  | 'ERR_SIGNER_UNAVAILABLE'
  // clients of remote services
  | 'ERR_CLIENT_UNREACHABLE'
  | 'ERR_CLIENT_STATUS'
  | 'ERR_CLIENT_RESPONSE'
  // trust material: a trusted root or signing config that clients could not use; a TUF repository that cannot be updated
  | 'ERR_TRUST_INVALID'
  | 'ERR_TUF_INVALID'
  // command-line tools: arguments that make no command
  | 'ERR_USAGE'
  // `sigstack up`: a service not built, a port taken, the data directory in use, a service that failed
  | 'ERR_STACK_NOT_BUILT'
  | 'ERR_STACK_PORT_IN_USE'
  | 'ERR_STACK_BUSY'
  | 'ERR_STACK_SERVICE_FAILED'
  | 'ERR_MONITOR_LOCKED';

export class SigstackError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Bytes or text from outside that does not decode: bad hex, base64, decimal, PEM or JSON. */
export class EncodingError extends SigstackError {}

/** A proof, signature or signed note that does not verify, or arguments that make no proof. */
export class VerificationError extends SigstackError {}

/** A key or certificate that is malformed or outside the allowed set. */
export class KeyError extends SigstackError {}

/** True when `err` is a SigstackError carrying `code`; narrows the type. */
export function isSigstackError(err: unknown, code?: ErrorCode): err is SigstackError {
  return err instanceof SigstackError && (code === undefined || err.code === code);
}
