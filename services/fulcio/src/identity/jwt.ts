/**
 * The first look at a raw ID token, before anything is verified. Everything here is hostile input, so
 * each step is bounded before the next one runs: the size, then the shape (exactly two dots, base64url
 * characters), then strict decoding of the header and the payload. The unverified payload is only ever
 * used to pick a configured issuer; identities are built from the verified payload.
 */
import { parseJson, type JsonObject, type JsonValue } from '@sigstack/crypto/canonical-json';
import { shown, tokenInvalid } from './errors.js';

/** Largest token accepted, in characters (bytes: a compact JWS is ASCII). Real ID tokens are 1–4 KiB. */
export const MAX_TOKEN_BYTES = 16 * 1024;

/** Limits for the header and payload JSON: a 16 KiB token cannot need more, and nothing deep is legitimate. */
const JSON_LIMITS = { maxBytes: MAX_TOKEN_BYTES, maxDepth: 16, maxValues: 4096, maxStringLength: MAX_TOKEN_BYTES };

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** The asymmetric JWS algorithms an ID token may use (go-oidc's supported set). Never HS*, never none. */
export const ASYMMETRIC_ALGORITHMS: ReadonlySet<string> = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);

/** A token split and decoded, not verified. */
export interface UnverifiedToken {
  readonly raw: string;
  readonly header: JsonObject;
  /** The JOSE `alg`, one of ASYMMETRIC_ALGORITHMS. */
  readonly alg: string;
  readonly kid: string | undefined;
  /** Unverified: use only to select an issuer. */
  readonly claims: JsonObject;
  /** What the signature covers: the first two parts of `raw` with the dot between them (ASCII). */
  readonly signingInput: string;
  /** The decoded payload, the bytes the claims are parsed from once the signature verified. */
  readonly payload: Uint8Array;
  /** The decoded signature. */
  readonly signature: Uint8Array;
}

/** Strict base64url without padding: Go's RawURLEncoding, which also refuses non-zero trailing bits. */
export function decodeBase64url(text: string, what: string): Uint8Array {
  if (!BASE64URL.test(text) || text.length % 4 === 1) throw tokenInvalid('format', `malformed jwt: ${what} is not base64url`);
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) throw tokenInvalid('format', `malformed jwt: ${what} is not canonical base64url`);
  return new Uint8Array(bytes);
}

/** Decodes a JWS part as a strict JSON object (no duplicate keys, bounded). */
export function decodeJsonPart(text: string, what: string): JsonObject {
  return parseJsonPart(decodeBase64url(text, what), what);
}

function parseJsonPart(bytes: Uint8Array, what: string): JsonObject {
  let value: JsonValue;
  try {
    value = parseJson(bytes, JSON_LIMITS);
  } catch (err) {
    throw tokenInvalid('format', `malformed jwt: ${what} is not strict json: ${(err as Error).message}`, err);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw tokenInvalid('format', `malformed jwt: ${what} is not a json object`);
  return value;
}

/**
 * Splits and decodes `raw`. Throws IdentityError ERR_TOKEN_INVALID (`format`) for anything that is not a
 * compact JWS of at most MAX_TOKEN_BYTES with JSON-object header and payload, and (`algorithm`) for an
 * `alg` outside ASYMMETRIC_ALGORITHMS or a `crit` or `b64` header parameter.
 */
export function decodeUnverified(raw: unknown): UnverifiedToken {
  if (typeof raw !== 'string' || raw === '') throw tokenInvalid('format', 'no token');
  // Security: bound the size before anything else looks at the token (GHSA-f83f-xpx7-ffpw: splitting a
  // token of millions of dots exhausted memory upstream).
  if (raw.length > MAX_TOKEN_BYTES) throw tokenInvalid('format', `token of ${raw.length} characters is larger than ${MAX_TOKEN_BYTES}`);
  const first = raw.indexOf('.');
  const second = first < 0 ? -1 : raw.indexOf('.', first + 1);
  if (second < 0 || raw.indexOf('.', second + 1) >= 0) throw tokenInvalid('format', 'malformed jwt, token must have 3 parts');
  const headerText = raw.slice(0, first);
  const payloadText = raw.slice(first + 1, second);
  const signatureText = raw.slice(second + 1);
  if (headerText === '' || payloadText === '' || signatureText === '') throw tokenInvalid('format', 'malformed jwt, a part is empty');
  const signature = decodeBase64url(signatureText, 'signature');
  const header = decodeJsonPart(headerText, 'header');
  const alg = header.alg;
  if (typeof alg !== 'string') throw tokenInvalid('algorithm', 'jwt header has no alg');
  // Security: asymmetric only. `none` (any case) and HS* (an HMAC keyed with the issuer's public key) are
  // refused here, before any issuer lookup or network request.
  if (!ASYMMETRIC_ALGORITHMS.has(alg)) throw tokenInvalid('algorithm', `jwt alg ${shown(alg)} is not an allowed asymmetric algorithm`);
  // We recognise no JWS extension: `crit` must be absent, and so must `b64` (an unencoded payload would
  // make the signed bytes differ from the payload we decoded).
  if (Object.hasOwn(header, 'crit')) throw tokenInvalid('algorithm', 'jwt header has a crit parameter');
  if (Object.hasOwn(header, 'b64')) throw tokenInvalid('algorithm', 'jwt header has a b64 parameter');
  const kid = header.kid;
  if (kid !== undefined && typeof kid !== 'string') throw tokenInvalid('format', 'jwt header kid is not a string');
  const payload = decodeBase64url(payloadText, 'payload');
  const claims = parseJsonPart(payload, 'payload');
  return { raw, header, alg, kid, claims, signingInput: raw.slice(0, second), payload, signature };
}
