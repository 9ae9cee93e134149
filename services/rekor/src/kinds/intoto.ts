/**
 * intoto 0.0.2 (upstream `pkg/types/intoto/v0.0.2`). Request:
 *
 *   {"content":{"envelope":{"payloadType":"…","payload":"<b64(b64 payload)>",
 *                           "signatures":[{"keyid":"…","sig":"<b64(b64 sig)>","publicKey":"<b64 PEM>"}]},
 *               "hash":{"algorithm":"sha256","value":"<hex, computed by the client>"},
 *               "payloadHash":{"algorithm":"sha256","value":"<hex>"}}}
 *
 * `payload` and `sig` are base64 of the DSSE fields, which are themselves base64 ("double base64").
 * Stored form: the envelope without `payload`, its signatures exactly as sent (keyid, sig and
 * publicKey; an empty keyid is omitted as Go's `omitempty` does; the key is NOT re-encoded), the
 * client's `hash`, and `payloadHash` computed by the log.
 *
 * Policy:
 * - every signature must verify (PAE, SHA-256; see signature.ts) with its own publicKey. Upstream
 *   skips verification entirely when the payload is empty; we always verify;
 * - `hash` cannot be checked (there is no canonical envelope serialization), but must be present
 *   as upstream's Canonicalize requires; it must be a sha256 hex digest, stored in lower case;
 * - a client `payloadHash`, if sent, must be well-formed and is replaced by the computed one.
 */
import { createHash } from 'node:crypto';
import type { JsonObject, JsonValue } from '@sigstack/crypto/canonical-json';
import { parseBase64, toHex } from '@sigstack/crypto/encoding';
import { arrayAt, base64At, hexDigestAt, invalid, objectAt, optional, required, stringAt } from './fields.js';
import { inTotoKeys, prefixedVerifierKeys } from './index-keys.js';
import { parseVerifier, type Verifier } from './pem.js';
import { dsseMessage, dsseVerifies } from './signature.js';
import type { EntryKind, KindContext, KindResult } from './types.js';

/** The inner base64 text carried (base64-encoded again) in `bytes`, decoded. */
function innerBase64(bytes: Uint8Array, path: string): Uint8Array {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  try {
    return parseBase64(text, path);
  } catch (err) {
    throw invalid(`${path} must be base64 of standard padded base64`, err);
  }
}

/** `{"algorithm":"sha256","value":"<hex>"}` at `path`; returns the lower-case hex. */
function sha256Digest(value: JsonValue, path: string): string {
  const hash = objectAt(value, path, ['algorithm', 'value']);
  if (stringAt(required(hash, 'algorithm', path), `${path}.algorithm`) !== 'sha256') throw invalid(`${path}.algorithm must be sha256`);
  return hexDigestAt(required(hash, 'value', path), `${path}.value`, 'sha256');
}

interface Signature {
  readonly keyid?: string;
  readonly sig: string;
  readonly publicKey: string;
  readonly sigBytes: Uint8Array;
  readonly verifier: Verifier;
}

/** Reads one signature item (its sig is decoded for verification; a stored one is not verified). */
function readSignature(item: JsonValue, path: string, context: KindContext): Signature {
  const signature = objectAt(item, path, ['keyid', 'sig', 'publicKey']);
  const keyidValue = optional(signature, 'keyid');
  const keyid = keyidValue === undefined ? undefined : stringAt(keyidValue, `${path}.keyid`);
  const sig = base64At(required(signature, 'sig', path), `${path}.sig`);
  const publicKey = base64At(required(signature, 'publicKey', path), `${path}.publicKey`);
  const verifier = parseVerifier(publicKey.bytes, `${path}.publicKey`, context.maxChain);
  return {
    ...(keyid === undefined || keyid === '' ? {} : { keyid }),
    sig: sig.text,
    publicKey: publicKey.text,
    sigBytes: innerBase64(sig.bytes, `${path}.sig`),
    verifier,
  };
}

function stored(signature: Signature): JsonObject {
  return { ...(signature.keyid === undefined ? {} : { keyid: signature.keyid }), sig: signature.sig, publicKey: signature.publicKey };
}

function canonicalize(specValue: JsonValue, context: KindContext): KindResult {
  const spec = objectAt(specValue, 'spec', ['content']);
  const content = objectAt(required(spec, 'content', 'spec'), 'spec.content', ['envelope', 'hash', 'payloadHash']);
  const path = 'spec.content.envelope';
  const envelope = objectAt(required(content, 'envelope', 'spec.content'), path, ['payload', 'payloadType', 'signatures']);
  const payloadType = stringAt(required(envelope, 'payloadType', path), `${path}.payloadType`);
  const outer = stringAt(required(envelope, 'payload', path), `${path}.payload`);
  // An empty payload is legal DSSE (and upstream's outer encoding of it is the empty string).
  const payload = outer === '' ? new Uint8Array(0) : innerBase64(base64At(outer, `${path}.payload`).bytes, `${path}.payload`);
  const signatures = arrayAt(required(envelope, 'signatures', path), `${path}.signatures`, 1, context.maxSignatures).map((item, i) =>
    readSignature(item, `${path}.signatures[${i}]`, context),
  );
  const hash = sha256Digest(required(content, 'hash', 'spec.content'), 'spec.content.hash');
  const clientPayloadHash = optional(content, 'payloadHash');
  if (clientPayloadHash !== undefined) sha256Digest(clientPayloadHash, 'spec.content.payloadHash');

  const message = dsseMessage(payloadType, payload);
  signatures.forEach((signature, i) => {
    if (!dsseVerifies(signature.verifier.key, message, signature.sigBytes)) {
      throw invalid(`${path}.signatures[${i}] does not verify with its publicKey`);
    }
  });
  const payloadHash = toHex(createHash('sha256').update(payload).digest());
  const canonical: JsonObject = {
    content: {
      envelope: { payloadType, signatures: signatures.map(stored) },
      hash: { algorithm: 'sha256', value: hash },
      payloadHash: { algorithm: 'sha256', value: payloadHash },
    },
  };
  const keys = signatures.flatMap((signature) => prefixedVerifierKeys(signature.verifier));
  // Upstream deliberately leaves out the client-computed `hash` (it cannot be checked).
  keys.push(`sha256:${payloadHash}`, ...inTotoKeys(payloadType, payload));
  return { spec: canonical, searchKeys: keys };
}

/** Search keys of a stored (canonical) intoto spec: no payload, so no in-toto digests. */
function searchKeys(specValue: JsonValue, context: KindContext): string[] {
  const spec = objectAt(specValue, 'spec', ['content']);
  const content = objectAt(required(spec, 'content', 'spec'), 'spec.content', ['envelope', 'hash', 'payloadHash']);
  const path = 'spec.content.envelope';
  const envelope = objectAt(required(content, 'envelope', 'spec.content'), path, ['payloadType', 'signatures']);
  stringAt(required(envelope, 'payloadType', path), `${path}.payloadType`);
  const keys = arrayAt(required(envelope, 'signatures', path), `${path}.signatures`, 1, context.maxSignatures).flatMap((item, i) =>
    prefixedVerifierKeys(readSignature(item, `${path}.signatures[${i}]`, context).verifier),
  );
  sha256Digest(required(content, 'hash', 'spec.content'), 'spec.content.hash');
  keys.push(`sha256:${sha256Digest(required(content, 'payloadHash', 'spec.content'), 'spec.content.payloadHash')}`);
  return keys;
}

export const INTOTO_V002: EntryKind = { kind: 'intoto', apiVersion: '0.0.2', canonicalize, searchKeys };
