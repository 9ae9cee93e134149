import { FulcioError } from '../errors.js';
import type { SigningRequest } from '../issuance/issuer.js';

/**
 * Fulcio's requests follow grpc-gateway's protojson rules, and clients rely on the leniency:
 * unknown fields are ignored, camelCase and snake_case names are both accepted, and `bytes` fields
 * may be standard or URL-safe base64 with or without padding.
 */

type Obj = { [key: string]: unknown };

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The field under its camelCase or its snake_case name; both at once is ambiguous. */
function field(obj: Obj, camel: string): unknown {
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const a = Object.hasOwn(obj, camel) ? obj[camel] : undefined;
  const b = snake !== camel && Object.hasOwn(obj, snake) ? obj[snake] : undefined;
  if (a !== undefined && b !== undefined) throw new FulcioError('ERR_REQUEST_INVALID', `both ${camel} and ${snake} are set`);
  return a ?? b;
}

const BASE64_ANY = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** protojson `bytes`: standard or URL-safe alphabet, padding optional. Bounded before decoding. */
export function protoBytes(value: unknown, what: string, maxChars = 1024 * 1024): Uint8Array {
  if (typeof value !== 'string' || value.length > maxChars || !BASE64_ANY.test(value) || value.replace(/=+$/, '').length % 4 === 1) {
    throw new FulcioError('ERR_REQUEST_INVALID', `${what} must be base64`);
  }
  return new Uint8Array(Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

/** The token from `credentials.oidcIdentityToken`, else from `Authorization: Bearer` (sigstore-go, cosign v3, sigstore-python). */
export function tokenOf(body: Obj | undefined, authorization: string | undefined): string {
  const credentials = body === undefined ? undefined : field(body, 'credentials');
  const fromBody = isObject(credentials) ? field(credentials, 'oidcIdentityToken') : undefined;
  if (typeof fromBody === 'string' && fromBody !== '') return fromBody;
  const match = typeof authorization === 'string' ? /^Bearer (.+)$/i.exec(authorization) : null;
  if (match?.[1]) return match[1];
  throw new FulcioError('ERR_TOKEN_INVALID', 'There was an error processing the identity token');
}

const NO_KEY = 'The public key supplied in the request could not be parsed';

/** POST /api/v2/signingCert: `publicKeyRequest` or `certificateSigningRequest` (a oneof). */
export function v2SigningRequest(body: unknown): SigningRequest {
  if (!isObject(body)) throw new FulcioError('ERR_REQUEST_INVALID', 'request body must be a JSON object');
  const pkr = field(body, 'publicKeyRequest');
  const csr = field(body, 'certificateSigningRequest');
  if (pkr !== undefined && pkr !== null && csr !== undefined && csr !== null && csr !== '') {
    throw new FulcioError('ERR_REQUEST_INVALID', 'only one of publicKeyRequest and certificateSigningRequest may be set');
  }
  if (typeof csr === 'string' && csr !== '') return { kind: 'csr', csrPem: protoBytes(csr, 'certificateSigningRequest') };
  if (!isObject(pkr)) throw new FulcioError('ERR_KEY_MALFORMED', NO_KEY);
  const key = field(pkr, 'publicKey');
  const content = isObject(key) ? field(key, 'content') : undefined;
  if (typeof content !== 'string' || content === '') throw new FulcioError('ERR_KEY_MALFORMED', NO_KEY);
  const proof = field(pkr, 'proofOfPossession');
  return { kind: 'publicKey', publicKey: content, proofOfPossession: proof === undefined || proof === null ? new Uint8Array(0) : protoBytes(proof, 'proofOfPossession', 16 * 1024) };
}

/** POST /api/v1/signingCert (legacy): `publicKey.content` is base64 of PEM or DER; the PoP is `signedEmailAddress`. */
export function v1SigningRequest(body: unknown): SigningRequest {
  if (!isObject(body)) throw new FulcioError('ERR_REQUEST_INVALID', 'request body must be a JSON object');
  const csr = field(body, 'certificateSigningRequest');
  if (typeof csr === 'string' && csr !== '') return { kind: 'csr', csrPem: protoBytes(csr, 'certificateSigningRequest') };
  const key = field(body, 'publicKey');
  const content = isObject(key) ? field(key, 'content') : undefined;
  if (typeof content !== 'string' || content === '') throw new FulcioError('ERR_KEY_MALFORMED', NO_KEY);
  const proof = field(body, 'signedEmailAddress');
  return { kind: 'publicKey', publicKey: protoBytes(content, 'publicKey.content', 64 * 1024), proofOfPossession: typeof proof === 'string' ? protoBytes(proof, 'signedEmailAddress', 16 * 1024) : new Uint8Array(0) };
}
