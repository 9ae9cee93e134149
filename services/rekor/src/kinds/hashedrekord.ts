/**
 * hashedrekord 0.0.1 (upstream `pkg/types/hashedrekord/v0.0.1`): a signature over a digest the
 * client computed, with the key or certificate that verifies it. Request and stored form have the
 * same shape:
 *
 *   {"data":{"hash":{"algorithm":"sha256","value":"<hex>"}},
 *    "signature":{"content":"<b64 sig>","publicKey":{"content":"<b64 PEM>"}}}
 *
 * Canonical form: the same fields; the PEM re-encoded (pem.ts); `data.hash.value` in lower case.
 * Upstream copies the hex as given, but it accepts upper case too (`hex.DecodeString`), so two
 * requests for the same entry could become two leaves; lowercasing makes the resubmission a
 * duplicate (409). Every client sends lower case, so their bodies are byte-identical to upstream's.
 *
 * `algorithm` is required, as upstream's swagger model requires it (a missing one is refused, not
 * defaulted to sha256).
 */
import type { JsonObject, JsonValue } from '@sigstack/crypto/canonical-json';
import { parseHex } from '@sigstack/crypto/encoding';
import type { HashName } from '@sigstack/crypto/keys';
import { algorithmName } from './algorithms.js';
import { verifyChain } from './chain.js';
import { base64At, hexDigestAt, invalid, objectAt, required, shown, stringAt } from './fields.js';
import { keyHash } from './index-keys.js';
import { canonicalPemBase64, parseVerifier, type Verifier } from './pem.js';
import { signatureVerifies } from './signature.js';
import type { EntryKind, KindContext, KindResult } from './types.js';

const HASHES: readonly HashName[] = ['sha256', 'sha384', 'sha512'];

interface HashedRekord {
  readonly algorithm: HashName;
  /** Lower-case hex. */
  readonly value: string;
  readonly signature: { readonly text: string; readonly bytes: Uint8Array };
  readonly verifier: Verifier;
}

function read(specValue: JsonValue, context: KindContext): HashedRekord {
  const spec = objectAt(specValue, 'spec', ['data', 'signature']);
  const data = objectAt(required(spec, 'data', 'spec'), 'spec.data', ['hash']);
  const hash = objectAt(required(data, 'hash', 'spec.data'), 'spec.data.hash', ['algorithm', 'value']);
  const algorithm = stringAt(required(hash, 'algorithm', 'spec.data.hash'), 'spec.data.hash.algorithm');
  if (!(HASHES as readonly string[]).includes(algorithm)) {
    throw invalid(`spec.data.hash.algorithm must be sha256, sha384 or sha512, got ${shown(algorithm)}`);
  }
  const value = hexDigestAt(required(hash, 'value', 'spec.data.hash'), 'spec.data.hash.value', algorithm as HashName);
  const sig = objectAt(required(spec, 'signature', 'spec'), 'spec.signature', ['content', 'publicKey']);
  const signature = base64At(required(sig, 'content', 'spec.signature'), 'spec.signature.content');
  const publicKey = objectAt(required(sig, 'publicKey', 'spec.signature'), 'spec.signature.publicKey', ['content']);
  const keyPath = 'spec.signature.publicKey.content';
  const verifier = parseVerifier(base64At(required(publicKey, 'content', 'spec.signature.publicKey'), keyPath).bytes, keyPath, context.maxChain);
  return { algorithm: algorithm as HashName, value, signature, verifier };
}

function keysOf(entry: HashedRekord): string[] {
  return [keyHash(entry.verifier), ...entry.verifier.subjects, `${entry.algorithm}:${entry.value}`];
}

function canonicalize(specValue: JsonValue, context: KindContext): KindResult {
  const entry = read(specValue, context);
  const { verifier, algorithm } = entry;
  // Upstream checks the policy after verifying; first is cheaper (only the error for an entry failing both differs).
  const name = algorithmName(verifier.key, algorithm);
  if (name === undefined || !context.algorithms.has(name)) throw invalid('entry algorithms are not allowed');
  if (verifier.certificates.length > 1) verifyChain(verifier.certificates);
  let ok: boolean;
  try {
    ok = signatureVerifies(verifier.key, parseHex(entry.value), entry.signature.bytes, { hash: algorithm, prehashed: true });
  } catch (err) {
    throw invalid(`verifying signature: ${(err as Error).message}`, err);
  }
  if (!ok) throw invalid('verifying signature: the signature does not verify the digest with the given key');
  const spec: JsonObject = {
    data: { hash: { algorithm, value: entry.value } },
    signature: { content: entry.signature.text, publicKey: { content: canonicalPemBase64(verifier) } },
  };
  return { spec, searchKeys: keysOf(entry) };
}

export const HASHEDREKORD_V001: EntryKind = {
  kind: 'hashedrekord',
  apiVersion: '0.0.1',
  canonicalize,
  searchKeys: (spec, context) => keysOf(read(spec, context)),
};
