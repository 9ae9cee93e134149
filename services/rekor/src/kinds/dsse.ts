/**
 * dsse 0.0.1 (upstream `pkg/types/dsse/v0.0.1`). Request:
 *
 *   {"proposedContent":{"envelope":"<DSSE envelope JSON, as a string>","verifiers":["<b64 PEM>", …]}}
 *
 * Stored (canonical) form; neither the envelope nor the payload is kept:
 *
 *   {"envelopeHash":{"algorithm":"sha256","value":"<hex sha256 of the envelope string's bytes>"},
 *    "payloadHash":{"algorithm":"sha256","value":"<hex sha256 of the decoded payload>"},
 *    "signatures":[{"signature":"<sig string as in the envelope>","verifier":"<b64 canonical PEM>"}, …]}
 *
 * with `signatures` sorted by the signature string and one item per distinct signature string.
 *
 * Policy (upstream's is order-dependent; ours is the strict reading of it):
 * - every signature must be verified by one of the verifiers (PAE, SHA-256; see signature.ts);
 * - every verifier must verify at least one signature, and no two verifiers may hold the same
 *   public key, so each signature has exactly one verifier and the stored pairs are unambiguous;
 * - certificate chains among the verifiers are not checked, as upstream does not check them;
 * - the server-computed fields (envelopeHash, payloadHash, signatures) must not be sent (null is
 *   tolerated: sigstore-python sends them as null);
 * - the envelope string is the client's document, hashed as received: only the fields DSSE defines
 *   are read, others are ignored. Its payload and signatures are standard padded base64.
 */
import { createHash } from 'node:crypto';
import { parseJson, type JsonObject, type JsonValue } from '@sigstack/crypto/canonical-json';
import { bytesEqual, parseBase64, toHex, utf8Bytes } from '@sigstack/crypto/encoding';
import { arrayAt, base64At, hexDigestAt, invalid, objectAt, optional, required, stringAt } from './fields.js';
import { inTotoKeys, prefixedVerifierKeys } from './index-keys.js';
import { canonicalPemBase64, parseVerifier, type Verifier } from './pem.js';
import { dsseMessage, dsseVerifies } from './signature.js';
import type { EntryKind, KindContext, KindResult } from './types.js';

const COMPUTED = ['envelopeHash', 'payloadHash', 'signatures'] as const;

function sha256Hex(bytes: Uint8Array): string {
  return toHex(createHash('sha256').update(bytes).digest());
}

/** The envelope's fields, read leniently about extra members (see the module comment). */
function readEnvelope(text: string, maxSignatures: number) {
  const path = 'spec.proposedContent.envelope';
  let parsed: JsonValue;
  try {
    parsed = parseJson(text);
  } catch (err) {
    throw invalid(`${path} is not valid json: ${(err as Error).message}`, err);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(`${path} must be a json object`);
  const payloadType = stringAt(required(parsed, 'payloadType', path), `${path}.payloadType`);
  const payloadText = stringAt(required(parsed, 'payload', path), `${path}.payload`);
  let payload: Uint8Array;
  try {
    payload = parseBase64(payloadText, `${path}.payload`);
  } catch (err) {
    throw invalid(`${path}.payload must be standard padded base64`, err);
  }
  const items = arrayAt(required(parsed, 'signatures', path), `${path}.signatures`, 1, maxSignatures);
  const signatures = new Map<string, Uint8Array>();
  items.forEach((item, i) => {
    const itemPath = `${path}.signatures[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid(`${itemPath} must be an object`);
    const keyid = optional(item, 'keyid');
    if (keyid !== undefined) stringAt(keyid, `${itemPath}.keyid`);
    const sig = base64At(required(item, 'sig', itemPath), `${itemPath}.sig`);
    // Upstream keys its result by the signature string: a repeated signature is stored once.
    signatures.set(sig.text, sig.bytes);
  });
  return { payloadType, payload, signatures };
}

function canonicalize(specValue: JsonValue, context: KindContext): KindResult {
  const spec = objectAt(specValue, 'spec', ['proposedContent', ...COMPUTED]);
  for (const field of COMPUTED) {
    if (optional(spec, field) !== undefined) throw invalid(`spec.${field} is computed by the log and must not be sent`);
  }
  const content = objectAt(required(spec, 'proposedContent', 'spec'), 'spec.proposedContent', ['envelope', 'verifiers']);
  const envelopeText = stringAt(required(content, 'envelope', 'spec.proposedContent'), 'spec.proposedContent.envelope');
  const listPath = 'spec.proposedContent.verifiers';
  const verifiers = arrayAt(required(content, 'verifiers', 'spec.proposedContent'), listPath, 1, context.maxVerifiers).map((item, i) =>
    parseVerifier(base64At(item, `${listPath}[${i}]`).bytes, `${listPath}[${i}]`, context.maxChain),
  );
  verifiers.forEach((verifier, i) => {
    const twin = verifiers.findIndex((other) => bytesEqual(other.key.spki, verifier.key.spki));
    if (twin !== i) throw invalid(`${listPath}[${twin}] and [${i}] hold the same public key`);
  });
  const envelope = readEnvelope(envelopeText, context.maxSignatures);
  const message = dsseMessage(envelope.payloadType, envelope.payload);

  const verifierOf = new Map<string, Verifier>();
  for (const [text, bytes] of envelope.signatures) {
    const verifier = verifiers.find((candidate) => dsseVerifies(candidate.key, message, bytes));
    if (verifier === undefined) throw invalid('all signatures must have a key that verifies it');
    verifierOf.set(text, verifier);
  }
  const used = new Set(verifierOf.values());
  const unused = verifiers.findIndex((verifier) => !used.has(verifier));
  if (unused >= 0) throw invalid(`${listPath}[${unused}] does not verify any signature of the envelope`);

  const sorted = [...verifierOf.keys()].sort((a, b) => (a < b ? -1 : 1));
  const payloadHash = sha256Hex(envelope.payload);
  const envelopeHash = sha256Hex(utf8Bytes(envelopeText));
  const canonical: JsonObject = {
    envelopeHash: { algorithm: 'sha256', value: envelopeHash },
    payloadHash: { algorithm: 'sha256', value: payloadHash },
    signatures: sorted.map((text) => ({ signature: text, verifier: canonicalPemBase64(verifierOf.get(text) as Verifier) })),
  };
  const keys = sorted.flatMap((text) => prefixedVerifierKeys(verifierOf.get(text) as Verifier));
  keys.push(`sha256:${payloadHash}`, `sha256:${envelopeHash}`, ...inTotoKeys(envelope.payloadType, envelope.payload));
  return { spec: canonical, searchKeys: keys };
}

/** Search keys of a stored (canonical) dsse spec: no payload, so no in-toto digests. */
function searchKeys(specValue: JsonValue, context: KindContext): string[] {
  const spec = objectAt(specValue, 'spec', COMPUTED);
  const keys: string[] = [];
  const items = arrayAt(required(spec, 'signatures', 'spec'), 'spec.signatures', 1, context.maxSignatures);
  items.forEach((item, i) => {
    const path = `spec.signatures[${i}]`;
    const signature = objectAt(item, path, ['signature', 'verifier']);
    base64At(required(signature, 'signature', path), `${path}.signature`);
    const verifier = parseVerifier(base64At(required(signature, 'verifier', path), `${path}.verifier`).bytes, `${path}.verifier`, context.maxChain);
    keys.push(...prefixedVerifierKeys(verifier));
  });
  for (const field of ['payloadHash', 'envelopeHash'] as const) {
    const hash = objectAt(required(spec, field, 'spec'), `spec.${field}`, ['algorithm', 'value']);
    if (stringAt(required(hash, 'algorithm', `spec.${field}`), `spec.${field}.algorithm`) !== 'sha256') throw invalid(`spec.${field}.algorithm must be sha256`);
    keys.push(`sha256:${hexDigestAt(required(hash, 'value', `spec.${field}`), `spec.${field}.value`, 'sha256')}`);
  }
  return keys;
}

export const DSSE_V001: EntryKind = { kind: 'dsse', apiVersion: '0.0.1', canonicalize, searchKeys };
