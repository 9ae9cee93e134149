/**
 * Reads a log entry body for people and for the monitor: kind, the artifact (or payload) hash, and
 * who signed it (a certificate's identities, issuer and validity, or a bare public key). Bodies are
 * the log's canonical forms of hashedrekord 0.0.1/0.0.2, dsse 0.0.1, intoto 0.0.1/0.0.2 and rekord
 * 0.0.1; other kinds decode to their kind and version only. Nothing here verifies anything.
 */
import { parseJson, type JsonObject, type JsonValue } from '@sigstack/crypto/canonical-json';
import { parseBase64, toHex } from '@sigstack/crypto/encoding';
import { EncodingError } from '@sigstack/crypto/errors';
import { logId, parsePublicKey } from '@sigstack/crypto/keys';
import { parseCertificate, parseCertificateChain, sigstoreExtensions, SigstoreOid, subjectAltNames, type x509 } from '@sigstack/crypto/x509';

export type CertificateSigner = {
  type: 'certificate';
  /** SANs as `email:…`, `uri:…`, `username:…`, `dns:…`, `ip:…`, in certificate order. */
  identities: string[];
  /** The OIDC issuer: Sigstore extension .8, else the deprecated .1. */
  issuer: string | undefined;
  subject: string;
  certificateIssuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  /** Certificates in the chain carried by the entry (1 for a leaf alone). */
  chainLength: number;
};

export type KeySigner = { type: 'public-key'; keyType: string; fingerprint: string };
export type UnreadableSigner = { type: 'unreadable'; reason: string };
export type Signer = CertificateSigner | KeySigner | UnreadableSigner;

export type DecodedBody = {
  kind: string;
  apiVersion: string;
  /** What the hash is of: the artifact (hashedrekord, rekord) or the DSSE payload (dsse, intoto). */
  subject: 'artifact' | 'payload';
  hash: { algorithm: string; value: string } | undefined;
  signers: Signer[];
};

/** Bodies are at most 64 KiB in tile bundles; v1 logs may hold somewhat larger ones. */
const MAX_BODY = 4 * 1024 * 1024;

function obj(value: JsonValue | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

function str(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function path(root: JsonValue | undefined, ...keys: string[]): JsonValue | undefined {
  let v = root;
  for (const k of keys) v = obj(v)?.[k];
  return v;
}

function hashOf(value: JsonValue | undefined): DecodedBody['hash'] {
  const algorithm = str(path(value, 'algorithm'));
  const hex = str(path(value, 'value'));
  return algorithm !== undefined && hex !== undefined ? { algorithm, value: hex } : undefined;
}

function certificateSigner(leaf: x509.X509Certificate, chainLength: number): CertificateSigner {
  const sans = subjectAltNames(leaf);
  const ext = sigstoreExtensions(leaf);
  return {
    type: 'certificate',
    identities: [
      ...sans.emails.map((v) => `email:${v}`),
      ...sans.uris.map((v) => `uri:${v}`),
      ...sans.usernames.map((v) => `username:${v}`),
      ...sans.dnsNames.map((v) => `dns:${v}`),
      ...sans.ipAddresses.map((v) => `ip:${v}`),
    ],
    issuer: ext[SigstoreOid.issuerV2] ?? ext[SigstoreOid.issuer],
    subject: leaf.subject,
    certificateIssuer: leaf.issuer,
    serial: leaf.serialNumber,
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    chainLength,
  };
}

/** A signer from the bytes an entry carries: PEM text (key, certificate or chain) or DER. */
export function decodeVerifier(bytes: Uint8Array, der: 'certificate' | 'key' | 'pem' = 'pem'): Signer {
  try {
    if (der === 'certificate') return certificateSigner(parseCertificate(bytes), 1);
    if (der === 'key') return keySigner(bytes);
    const text = Buffer.from(bytes).toString('latin1');
    if (text.includes('-----BEGIN CERTIFICATE-----')) {
      const chain = parseCertificateChain(text);
      return certificateSigner(chain[0] as x509.X509Certificate, chain.length);
    }
    return keySigner(bytes);
  } catch (err) {
    return { type: 'unreadable', reason: (err as Error).message };
  }
}

function keySigner(bytes: Uint8Array): KeySigner {
  const key = parsePublicKey(bytes);
  return { type: 'public-key', keyType: key.type === 'ecdsa' ? `ecdsa ${key.curve}` : key.type === 'rsa' ? `rsa ${key.bits}` : key.type, fingerprint: `sha256:${logId(key.spki)}` };
}

/** A verifier field holding base64 (of PEM or DER); unreadable when it is not base64. */
function fromBase64(value: JsonValue | undefined, der: 'certificate' | 'key' | 'pem' = 'pem'): Signer | undefined {
  const text = str(value);
  if (text === undefined) return undefined;
  try {
    return decodeVerifier(parseBase64(text, 'verifier'), der);
  } catch (err) {
    return { type: 'unreadable', reason: (err as Error).message };
  }
}

function list(value: JsonValue | undefined): JsonValue[] {
  // Bounded by the body size; canonical bodies hold a handful of signatures.
  return Array.isArray(value) ? value : [];
}

/**
 * Decodes an entry body. Throws EncodingError when it is not a JSON object with string `kind` and
 * `apiVersion` (bounded first: bodies come from the log).
 */
export function decodeBody(body: Uint8Array): DecodedBody {
  if (body.byteLength > MAX_BODY) throw new EncodingError('ERR_JSON_LIMIT', `entry body of ${body.byteLength} bytes is larger than ${MAX_BODY}`);
  const root = obj(parseJson(body, { maxBytes: MAX_BODY, maxDepth: 32 }));
  const kind = str(root?.kind);
  const apiVersion = str(root?.apiVersion);
  if (kind === undefined || apiVersion === undefined) throw new EncodingError('ERR_JSON_INVALID', 'entry body has no kind and apiVersion');
  const spec = root?.spec;
  const out: DecodedBody = { kind, apiVersion, subject: 'artifact', hash: undefined, signers: [] };
  const add = (s: Signer | undefined) => {
    if (s !== undefined) out.signers.push(s);
  };
  switch (`${kind} ${apiVersion}`) {
    case 'hashedrekord 0.0.1':
    case 'rekord 0.0.1':
      out.hash = hashOf(path(spec, 'data', 'hash'));
      add(fromBase64(path(spec, 'signature', 'publicKey', 'content')));
      break;
    case 'hashedrekord 0.0.2': {
      const v2 = path(spec, 'hashedRekordV002');
      const digest = str(path(v2, 'data', 'digest'));
      const algorithm = str(path(v2, 'data', 'algorithm'));
      if (digest !== undefined && algorithm !== undefined) {
        try {
          out.hash = { algorithm: algorithm === 'SHA2_256' ? 'sha256' : algorithm.toLowerCase(), value: toHex(parseBase64(digest, 'digest')) };
        } catch {
          out.hash = undefined;
        }
      }
      const verifier = path(v2, 'signature', 'verifier');
      add(fromBase64(path(verifier, 'x509Certificate', 'rawBytes'), 'certificate') ?? fromBase64(path(verifier, 'publicKey', 'rawBytes'), 'key'));
      break;
    }
    case 'dsse 0.0.1':
      out.subject = 'payload';
      out.hash = hashOf(path(spec, 'payloadHash'));
      for (const s of list(path(spec, 'signatures'))) add(fromBase64(path(s, 'verifier')));
      break;
    case 'intoto 0.0.2':
      out.subject = 'payload';
      out.hash = hashOf(path(spec, 'content', 'payloadHash'));
      for (const s of list(path(spec, 'content', 'envelope', 'signatures'))) add(fromBase64(path(s, 'publicKey')));
      break;
    case 'intoto 0.0.1':
      out.subject = 'payload';
      out.hash = hashOf(path(spec, 'content', 'payloadHash'));
      add(fromBase64(path(spec, 'publicKey')));
      break;
    default:
      break;
  }
  return out;
}

/**
 * A cheap test on the raw body before decoding: true when it may carry a certificate (the base64
 * of "-----BEGIN CERTIFICATE", or a v0.0.2 x509Certificate field). Lets the monitor skip parsing
 * the JSON of key-signed entries.
 */
export function mayHoldCertificate(body: Uint8Array): boolean {
  const b = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return b.includes(PEM_CERT_BASE64) || b.includes(X509_FIELD);
}

/** Base64 of "-----BEGIN CERTIFICATE" at the start of a field, which is where PEM starts in every kind. */
const PEM_CERT_BASE64 = Buffer.from('LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS', 'latin1');
const X509_FIELD = Buffer.from('"x509Certificate"', 'latin1');
