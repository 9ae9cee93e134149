/**
 * The CT log's side of DER: its error (CtLogError ERR_CERT_MALFORMED) and its tree check, built on
 * the shared strict reader of `@sigstack/crypto/der`, which certificate.ts and precert.ts use
 * directly. The shared reader throws EncodingError ERR_ENCODING_INVALID; `asMalformed` rewraps it.
 */
import { derChildren, TAG_SEQUENCE, TAG_SET, type DerElement } from '@sigstack/crypto/der';
import { EncodingError } from '@sigstack/crypto/errors';
import { CtLogError } from '../errors.js';

const CONSTRUCTED = 0x20;
const CLASS_MASK = 0xc0;

export function malformed(message: string, cause?: unknown): never {
  throw new CtLogError('ERR_CERT_MALFORMED', message, cause === undefined ? undefined : { cause });
}

/** Runs `read`; a DER failure of the shared reader becomes CtLogError ERR_CERT_MALFORMED (same message). */
export function asMalformed<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof EncodingError) malformed(err.message, err);
    throw err;
  }
}

/**
 * Walks every constructed element under `element` (recursing at most `maxDepth` levels) so that the
 * whole encoding is checked to be well-formed DER TLVs, not only the parts we read. Unlike the
 * shared `derCheck`, primitive values are not checked (the log accepts what CAs issue, e.g. a
 * non-minimal serial number). Precondition: the input is bounded by the caller; the depth bound
 * keeps the recursion bounded.
 */
export function checkTree(element: DerElement, maxDepth: number, what: string, depth = 1): void {
  // Deeply nested input (e.g. 55 KB of SEQUENCE headers) must fail fast, not exhaust the stack.
  if (depth > maxDepth) malformed(`${what}: nested deeper than ${maxDepth} levels`);
  if ((element.tag & CONSTRUCTED) === 0) return;
  const universal = (element.tag & CLASS_MASK) === 0;
  // Constructed strings are BER only.
  if (universal && element.tag !== TAG_SEQUENCE && element.tag !== TAG_SET) malformed(`${what}: constructed universal tag 0x${element.tag.toString(16)}`);
  for (const child of derChildren(element, what)) checkTree(child, maxDepth, what, depth + 1);
}
