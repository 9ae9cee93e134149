/**
 * Timestamp requests in both forms sigstore/timestamp-authority accepts, parsed into one shape:
 * an RFC 3161 `TimeStampReq` (DER, `application/timestamp-query`) and the JSON request of Sigstore
 * clients (`application/json`: `artifactHash`, `hashAlgorithm`, `nonce`, `certificates`,
 * `tsaPolicyOID`). Everything here reads hostile bytes: sizes are bounded before parsing, and every
 * failure is a TsaError (ERR_REQUEST_INVALID, ERR_ENCODING_INVALID for a bad digest,
 * ERR_ALGORITHM_UNSUPPORTED for its hash).
 */
import { AsnConvert, AsnIntegerBigIntConverter } from '@peculiar/asn1-schema';
import { TimeStampReq } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { bytesEqual, parseBase64 } from '@sigstack/crypto/encoding';
import { isSigstackError } from '@sigstack/crypto/errors';
import { DIGEST_SIZE, type HashName } from '@sigstack/crypto/keys';
import type { JsonValue } from '@sigstack/crypto/canonical-json';
import { TsaError } from '../errors.js';
import { hashFromName, hashFromOid, HASH_OIDS, MAX_OID_ARCS, oidArcCount, parseOidText } from './oid.js';

/** What a token is issued for, whichever form the request came in. */
export type TimestampRequest = {
  readonly hash: HashName;
  /** The message imprint's AlgorithmIdentifier, echoed into the token as the client sent it. */
  readonly hashAlgorithm: AlgorithmIdentifier;
  readonly digest: Uint8Array;
  /** DER INTEGER contents (minimal two's complement, non-negative), echoed into the token. */
  readonly nonce?: Uint8Array;
  /** The client asks for the TSA certificate in the token. */
  readonly certReq: boolean;
  /** The requested policy, dotted; absent means the TSA's default. */
  readonly policy?: string;
};

/**
 * Largest timestamp request in either form. A request is a hash of at most 64 bytes, a nonce, a
 * policy OID of at most 128 arcs and a few flags: under 1 KiB. Bounding it before parsing caps the
 * cost of hostile input (upstream's JSON nonce was parsed at quadratic cost; an OID of a million arcs
 * amplified memory).
 */
export const MAX_TIMESTAMP_REQUEST_BYTES = 4096;

/** Largest nonce: 512 bits. Clients use 64 (OpenSSL) to 160 bits (Go); RFC 3161 suggests 64. */
export const MAX_NONCE_BYTES = 64;

function invalid(message: string, cause?: unknown): never {
  throw new TsaError('ERR_REQUEST_INVALID', message, { cause });
}

function checkDigest(hash: HashName, digest: Uint8Array): void {
  if (digest.length !== DIGEST_SIZE[hash]) {
    throw new TsaError('ERR_ENCODING_INVALID', `message digest has ${digest.length} bytes, ${hash} digests have ${DIGEST_SIZE[hash]}`);
  }
}

function checkNonce(nonce: Uint8Array): void {
  if (nonce.length > MAX_NONCE_BYTES) invalid(`nonce of ${nonce.length} bytes is longer than ${MAX_NONCE_BYTES}`);
  const [first, second] = nonce;
  if (first === undefined) invalid('nonce is an empty integer');
  if (first >= 0x80) invalid('nonce must not be negative');
  if (first === 0 && second !== undefined && second < 0x80) invalid('nonce is not minimally encoded');
}

/** An AlgorithmIdentifier whose parameters are absent (undefined) or NULL (null to asn1-schema), as RFC 5754 allows. */
function checkHashParameters(alg: AlgorithmIdentifier): void {
  if (alg.parameters !== undefined && alg.parameters !== null) invalid('message imprint hash algorithm parameters must be absent or NULL');
}

/**
 * Parses a DER `TimeStampReq` (RFC 3161 §2.4.1). The encoding must be exactly DER: it must
 * re-encode to the same bytes, so BER forms and trailing data are refused. Version 1 only; no
 * request extensions (upstream refuses them by default).
 */
export function parseDerRequest(der: Uint8Array): TimestampRequest {
  // Bound hostile input before any ASN.1 work (see MAX_TIMESTAMP_REQUEST_BYTES).
  if (der.length > MAX_TIMESTAMP_REQUEST_BYTES) invalid(`timestamp request of ${der.length} bytes is larger than ${MAX_TIMESTAMP_REQUEST_BYTES}`);
  let req: TimeStampReq;
  let reencoded: Uint8Array;
  try {
    // asn1js limits nesting depth itself; the size bound above limits everything else.
    req = AsnConvert.parse(der, TimeStampReq);
    reencoded = new Uint8Array(AsnConvert.serialize(req));
  } catch (err) {
    return invalid('timestamp request is not a DER TimeStampReq', err);
  }
  // One value, one encoding: what we echo and sign is exactly what the client sent.
  if (!bytesEqual(reencoded, der)) invalid('timestamp request is not DER (non-minimal encoding or trailing data)');
  if (req.version !== 1) invalid(`timestamp request version ${String(req.version)} is not 1`);
  if (req.extensions !== undefined) invalid('timestamp request extensions are not supported');
  const { hashAlgorithm, hashedMessage } = req.messageImprint;
  const hash = hashFromOid(hashAlgorithm.algorithm);
  checkHashParameters(hashAlgorithm);
  const digest = new Uint8Array(hashedMessage.buffer);
  checkDigest(hash, digest);
  let nonce: Uint8Array | undefined;
  if (req.nonce !== undefined) {
    nonce = new Uint8Array(req.nonce);
    checkNonce(nonce);
  }
  let policy: string | undefined;
  if (req.reqPolicy !== undefined) {
    if (oidArcCount(req.reqPolicy) > MAX_OID_ARCS) invalid(`requested policy has more than ${MAX_OID_ARCS} arcs`);
    policy = req.reqPolicy;
  }
  return { hash, hashAlgorithm, digest, certReq: req.certReq, ...(nonce ? { nonce } : {}), ...(policy ? { policy } : {}) };
}

const JSON_FIELDS = ['artifactHash', 'hashAlgorithm', 'nonce', 'certificates', 'tsaPolicyOID'];

/** Up to 154 decimal digits: every non-negative integer of at most MAX_NONCE_BYTES bytes. */
const DECIMAL_NONCE = /^(?:0|[1-9][0-9]{0,153})$/;

function jsonNonce(value: JsonValue): Uint8Array {
  let n: bigint;
  if (typeof value === 'number') {
    // The strict JSON parser already refused integers beyond 2^53 - 1 (they would be rounded).
    if (!Number.isSafeInteger(value) || value < 0) invalid('nonce must be a non-negative integer');
    n = BigInt(value);
  } else if (typeof value === 'string') {
    // Our extension for nonces above 2^53: a decimal string, bounded before BigInt() reads it.
    if (!DECIMAL_NONCE.test(value)) invalid('nonce must be a non-negative integer (a JSON number, or a decimal string for large values)');
    n = BigInt(value);
  } else {
    return invalid('nonce must be a non-negative integer');
  }
  const bytes = new Uint8Array(AsnIntegerBigIntConverter.toASN(n).valueBlock.valueHexView);
  checkNonce(bytes);
  return bytes;
}

function jsonString(body: Record<string, JsonValue>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') invalid(`${name} must be a string`);
  return value;
}

/**
 * Reads the JSON request of Sigstore clients (already parsed by the strict, bounded JSON parser).
 * Unknown fields are refused. `artifactHash` is standard base64 of the digest, `hashAlgorithm`
 * sha256, sha384 or sha512 (any case), `nonce` a non-negative JSON integer (or a decimal string for
 * values above 2^53), `certificates` a boolean, `tsaPolicyOID` dotted text ("" means none).
 */
export function parseJsonRequest(body: JsonValue | undefined): TimestampRequest {
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body)) return invalid('request body must be a JSON object');
  for (const key of Object.keys(body)) if (!JSON_FIELDS.includes(key)) invalid(`unknown field ${JSON.stringify(key.slice(0, 64))}; allowed: ${JSON_FIELDS.join(', ')}`);
  const algorithm = jsonString(body, 'hashAlgorithm');
  if (algorithm === undefined) invalid('hashAlgorithm is required');
  const hash = hashFromName(algorithm);
  const artifactHash = jsonString(body, 'artifactHash');
  if (artifactHash === undefined) invalid('artifactHash is required');
  let digest: Uint8Array;
  try {
    digest = parseBase64(artifactHash, 'artifactHash');
  } catch (err) {
    throw new TsaError('ERR_ENCODING_INVALID', isSigstackError(err) ? err.message : 'artifactHash is not base64', { cause: err });
  }
  checkDigest(hash, digest);
  const certificates = body.certificates;
  if (certificates !== undefined && certificates !== null && typeof certificates !== 'boolean') invalid('certificates must be true or false');
  const nonce = body.nonce === undefined || body.nonce === null ? undefined : jsonNonce(body.nonce);
  const policyText = jsonString(body, 'tsaPolicyOID');
  const policy = policyText === undefined || policyText === '' ? undefined : parseOidText(policyText, 'tsaPolicyOID');
  // Go's encoding of a message imprint algorithm: the hash OID with NULL parameters (null to asn1-schema).
  const hashAlgorithm = new AlgorithmIdentifier({ algorithm: HASH_OIDS[hash], parameters: null });
  return { hash, hashAlgorithm, digest, certReq: certificates === true, ...(nonce ? { nonce } : {}), ...(policy ? { policy } : {}) };
}
