/**
 * A small strict DER reader and writer for the parts of certificates the CT log takes apart: the
 * TBSCertificate and its extensions. Only definite, minimal lengths and single-octet tags are
 * accepted; every failure is CtLogError ERR_CERT_MALFORMED. Elements are views into the input.
 *
 * (A twin of @sigstack/crypto's internal DER reader, which is not exported; see docs/ctlog.md.)
 */
import { CtLogError } from '../errors.js';

export const TAG_BOOLEAN = 0x01;
export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_OID = 0x06;
export const TAG_UTC_TIME = 0x17;
export const TAG_GENERALIZED_TIME = 0x18;
export const TAG_SEQUENCE = 0x30;
export const TAG_SET = 0x31;
const CONSTRUCTED = 0x20;

/** One element: its tag octet, its contents, the whole encoding, and where it starts in the input. */
export type Tlv = { readonly tag: number; readonly content: Uint8Array; readonly raw: Uint8Array };

export function malformed(message: string): never {
  throw new CtLogError('ERR_CERT_MALFORMED', message);
}

function readAt(bytes: Uint8Array, offset: number, what: string): { tlv: Tlv; next: number } {
  const tag = bytes[offset];
  const first = bytes[offset + 1];
  if (tag === undefined || first === undefined) malformed(`${what}: truncated element at offset ${offset}`);
  // High tag numbers never occur in certificates; refusing them keeps the reader small.
  if ((tag & 0x1f) === 0x1f) malformed(`${what}: high tag number at offset ${offset}`);
  let length = first;
  let header = 2;
  if (first >= 0x80) {
    const count = first & 0x7f;
    // 0x80 is BER's indefinite length; more than 3 length octets exceeds any input we accept.
    if (count === 0 || count > 3) malformed(`${what}: unsupported length form at offset ${offset}`);
    if (offset + 2 + count > bytes.length) malformed(`${what}: truncated length at offset ${offset}`);
    if (bytes[offset + 2] === 0) malformed(`${what}: non-minimal length at offset ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[offset + 2 + i] as number);
    if (length < 0x80) malformed(`${what}: non-minimal length at offset ${offset}`);
    header += count;
  }
  const end = offset + header + length;
  // The declared length must fit in what we have: never trust it for reads.
  if (end > bytes.length) malformed(`${what}: length ${length} at offset ${offset} runs past the end`);
  return { tlv: { tag, content: bytes.subarray(offset + header, end), raw: bytes.subarray(offset, end) }, next: end };
}

/** Exactly one element spanning all of `bytes`. */
export function decode(bytes: Uint8Array, what: string): Tlv {
  const { tlv, next } = readAt(bytes, 0, what);
  if (next !== bytes.length) malformed(`${what}: ${bytes.length - next} trailing bytes`);
  return tlv;
}

/** The elements inside a constructed element. */
export function children(tlv: Tlv, what: string): Tlv[] {
  if ((tlv.tag & CONSTRUCTED) === 0) malformed(`${what}: element is not constructed`);
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < tlv.content.length) {
    const { tlv: child, next } = readAt(tlv.content, offset, what);
    out.push(child);
    offset = next;
  }
  return out;
}

export function expect(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (tlv === undefined) malformed(`${what}: missing`);
  if (tlv.tag !== tag) malformed(`${what}: tag 0x${tlv.tag.toString(16)}, want 0x${tag.toString(16)}`);
  return tlv;
}

/**
 * Walks every constructed element under `tlv` (recursing at most `maxDepth` levels) so that the
 * whole encoding is checked to be well-formed DER TLVs, not only the parts we read.
 * Precondition: the input is bounded by the caller; the depth bound keeps the recursion bounded.
 */
export function checkTree(tlv: Tlv, maxDepth: number, what: string, depth = 1): void {
  // Deeply nested input (e.g. 55 KB of SEQUENCE headers) must fail fast, not exhaust the stack.
  if (depth > maxDepth) malformed(`${what}: nested deeper than ${maxDepth} levels`);
  if ((tlv.tag & CONSTRUCTED) === 0) return;
  const universal = (tlv.tag & 0xc0) === 0;
  // Constructed strings are BER only.
  if (universal && tlv.tag !== TAG_SEQUENCE && tlv.tag !== TAG_SET) malformed(`${what}: constructed universal tag 0x${tlv.tag.toString(16)}`);
  for (const child of children(tlv, what)) checkTree(child, maxDepth, what, depth + 1);
}

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const out: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) out.unshift(n % 256);
  return [0x80 | out.length, ...out];
}

/** Encodes one element from its tag and the concatenation of `parts`. */
export function encode(tag: number, parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const head = lengthBytes(total);
  const out = new Uint8Array(1 + head.length + total);
  out[0] = tag;
  out.set(head, 1);
  let offset = 1 + head.length;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
