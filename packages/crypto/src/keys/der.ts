/**
 * A small, strict DER reader and writer, published as `@sigstack/crypto/der` for the services that
 * take certificates, CSRs and keys apart by hand (the CA, the CT log) and used inside this package
 * for SubjectPublicKeyInfo, PKCS#1 RSA keys, ECDSA signatures, the Subject Alternative Name and the
 * Sigstore certificate extensions.
 *
 * Contract:
 * - Reader: only DER is accepted: no indefinite or non-minimal lengths, at most four length octets,
 *   no high tag numbers (single identifier octet), declared lengths never read past the input.
 *   `derCheck` additionally refuses constructed universal strings, non-minimal INTEGERs, non-DER
 *   BOOLEANs and NULLs and badly padded BIT STRINGs anywhere in the tree, with a caller-given depth
 *   bound. Elements are views into the input (`subarray`), never copies: they stay valid only as
 *   long as the caller does not mutate the input.
 * - Every reader failure is an `EncodingError` with code ERR_ENCODING_INVALID whose message starts
 *   with the caller's `what`; callers rewrap it with their own code (e.g. ERR_CERT_MALFORMED).
 * - Writer: `derEncode` and friends trust their input (it comes from our own code) and always
 *   produce minimal DER. No I/O, no global state.
 */
import { EncodingError } from '../errors.js';

export const TAG_BOOLEAN = 0x01;
export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_NULL = 0x05;
export const TAG_OID = 0x06;
export const TAG_UTF8_STRING = 0x0c;
export const TAG_UTC_TIME = 0x17;
export const TAG_GENERALIZED_TIME = 0x18;
export const TAG_SEQUENCE = 0x30;
export const TAG_SET = 0x31;

const CONSTRUCTED = 0x20;
const CLASS_MASK = 0xc0;

/** One decoded TLV. `content` and `raw` are views into the input, not copies. */
export interface DerElement {
  /** The single identifier octet (class, constructed bit and tag number). */
  readonly tag: number;
  /** The contents octets. */
  readonly content: Uint8Array;
  /** The whole element: identifier, length and contents. */
  readonly raw: Uint8Array;
}

function fail(what: string, problem: string): never {
  throw new EncodingError('ERR_ENCODING_INVALID', `${what}: ${problem}`);
}

/** Reads the element that starts at `offset`; returns it and the offset just after it. */
function readAt(bytes: Uint8Array, offset: number, what: string): { element: DerElement; next: number } {
  const tag = bytes[offset];
  if (tag === undefined) fail(what, `truncated element at offset ${offset}`);
  // High tag numbers never occur in the structures we read; refusing them keeps the reader small.
  if ((tag & 0x1f) === 0x1f) fail(what, `high tag number at offset ${offset}`);
  const first = bytes[offset + 1];
  if (first === undefined) fail(what, `missing length at offset ${offset}`);
  let length: number;
  let header = 2;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    // 0x80 is BER's indefinite length; DER forbids it (and it invites unbounded scanning).
    if (count === 0) fail(what, `indefinite length at offset ${offset}`);
    // Four length octets already describe 4 GiB, far beyond any input we accept.
    if (count > 4) fail(what, `length of ${count} octets at offset ${offset}`);
    if (offset + 2 + count > bytes.length) fail(what, `truncated length at offset ${offset}`);
    // A leading zero octet or a long form for a short length is BER, not DER: one value, one encoding.
    if (bytes[offset + 2] === 0) fail(what, `non-minimal length at offset ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[offset + 2 + i] as number);
    if (length < 0x80) fail(what, `non-minimal length at offset ${offset}`);
    header += count;
  }
  const start = offset + header;
  const end = start + length;
  // The declared length must fit in what we actually have: never trust it for allocation or reads.
  if (end > bytes.length) fail(what, `length ${length} at offset ${offset} runs past the end of the input`);
  return { element: { tag, content: bytes.subarray(start, end), raw: bytes.subarray(offset, end) }, next: end };
}

/** Decodes exactly one element spanning all of `bytes` (trailing bytes are an error). */
export function derDecode(bytes: Uint8Array, what = 'der value'): DerElement {
  const { element, next } = readAt(bytes, 0, what);
  if (next !== bytes.length) fail(what, `${bytes.length - next} trailing bytes`);
  return element;
}

/** Decodes the contents of a constructed element as a list of elements. */
export function derChildren(element: DerElement, what = 'der value'): DerElement[] {
  if ((element.tag & CONSTRUCTED) === 0) fail(what, `element with tag 0x${hexByte(element.tag)} is not constructed`);
  const out: DerElement[] = [];
  let offset = 0;
  while (offset < element.content.length) {
    const { element: child, next } = readAt(element.content, offset, what);
    out.push(child);
    offset = next;
  }
  return out;
}

/** Checks that `element` has tag `tag`; returns it. */
export function derExpect(element: DerElement | undefined, tag: number, what: string): DerElement {
  if (element === undefined) fail(what, `missing element with tag 0x${hexByte(tag)}`);
  if (element.tag !== tag) fail(what, `tag 0x${hexByte(element.tag)}, want 0x${hexByte(tag)}`);
  return element;
}

/** Decodes a SEQUENCE (or other constructed element with `tag`) that must have exactly `count` children. */
export function derSequence(element: DerElement | undefined, count: number | [number, number], what: string, tag = TAG_SEQUENCE): DerElement[] {
  const children = derChildren(derExpect(element, tag, what), what);
  const [min, max] = typeof count === 'number' ? [count, count] : count;
  if (children.length < min || children.length > max) {
    fail(what, `${children.length} elements, want ${min === max ? min : `${min} to ${max}`}`);
  }
  return children;
}

function hexByte(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/**
 * Walks the whole tree under `bytes` and checks every element is DER: the TLV rules of `derDecode`,
 * no constructed universal types other than SEQUENCE and SET, minimal INTEGERs, DER BOOLEANs and
 * NULLs, BIT STRINGs with zero padding. Context and application tagged elements are only checked
 * at the TLV level (their contents are IMPLICIT and typed by the schema).
 * Precondition: `bytes` is bounded by the caller; `maxDepth` bounds the nesting (the walk recurses).
 */
export function derCheck(bytes: Uint8Array, maxDepth: number, what = 'der value'): DerElement {
  const root = derDecode(bytes, what);
  checkElement(root, 1, maxDepth, what);
  return root;
}

function checkElement(element: DerElement, depth: number, maxDepth: number, what: string): void {
  // Deeply nested input (e.g. 55 KB of SEQUENCE headers) must fail fast, not exhaust the stack.
  if (depth > maxDepth) fail(what, `nested deeper than ${maxDepth} levels`);
  const { tag, content } = element;
  const universal = (tag & CLASS_MASK) === 0;
  if ((tag & CONSTRUCTED) !== 0) {
    // Constructed OCTET/BIT/character strings are BER only.
    if (universal && tag !== TAG_SEQUENCE && tag !== TAG_SET) fail(what, `constructed universal tag 0x${hexByte(tag)}`);
    for (const child of derChildren(element, what)) checkElement(child, depth + 1, maxDepth, what);
    return;
  }
  if (!universal) return;
  switch (tag) {
    case TAG_BOOLEAN:
      if (content.length !== 1 || (content[0] !== 0x00 && content[0] !== 0xff)) fail(what, 'boolean is not 0x00 or 0xff');
      return;
    case TAG_INTEGER:
      checkInteger(content, what);
      return;
    case TAG_NULL:
      if (content.length !== 0) fail(what, 'null with contents');
      return;
    case TAG_BIT_STRING:
      checkBitString(content, what);
      return;
    default:
      return;
  }
}

function checkInteger(content: Uint8Array, what: string): void {
  const [a, b] = content;
  if (a === undefined) fail(what, 'empty integer');
  // Leading 0x00 before a byte < 0x80, or 0xff before a byte >= 0x80, is a non-minimal encoding.
  if (b !== undefined && ((a === 0x00 && b < 0x80) || (a === 0xff && b >= 0x80))) fail(what, 'non-minimal integer');
}

function checkBitString(content: Uint8Array, what: string): void {
  const unused = content[0];
  if (unused === undefined) fail(what, 'empty bit string');
  const last = content[content.length - 1] as number;
  if (unused > 7 || (content.length === 1 && unused !== 0) || (last & ((1 << unused) - 1)) !== 0) {
    fail(what, 'bit string with invalid padding');
  }
}

/**
 * Reads a non-negative INTEGER's value as a bigint. The encoding must be minimal; a negative value
 * is an error.
 */
export function derUnsigned(element: DerElement | undefined, what: string): bigint {
  const { content } = derExpect(element, TAG_INTEGER, what);
  checkInteger(content, what);
  if ((content[0] as number) >= 0x80) fail(what, 'negative integer');
  return bytesToBigInt(content);
}

/** The contents of a BIT STRING that must have no unused bits. */
export function derBitStringBytes(element: DerElement | undefined, what: string): Uint8Array {
  const { content } = derExpect(element, TAG_BIT_STRING, what);
  checkBitString(content, what);
  if (content[0] !== 0) fail(what, 'bit string with unused bits');
  return content.subarray(1);
}

/** Decodes OBJECT IDENTIFIER contents to dotted text. Subidentifiers must be minimally encoded. */
export function derOidText(element: DerElement | undefined, what: string): string {
  const { content } = derExpect(element, TAG_OID, what);
  if (content.length === 0) fail(what, 'empty object identifier');
  // Bounds the work and the error-message size for hostile OIDs; real ones are far shorter.
  if (content.length > 64) fail(what, `object identifier of ${content.length} bytes`);
  const arcs: bigint[] = [];
  let value = 0n;
  let fresh = true;
  for (const byte of content) {
    if (fresh && byte === 0x80) fail(what, 'non-minimal object identifier');
    value = (value << 7n) | BigInt(byte & 0x7f);
    fresh = (byte & 0x80) === 0;
    if (fresh) {
      arcs.push(value);
      value = 0n;
    }
  }
  if (!fresh) fail(what, 'truncated object identifier');
  const firstArc = arcs[0] as bigint;
  const head = firstArc < 40n ? [0n, firstArc] : firstArc < 80n ? [1n, firstArc - 40n] : [2n, firstArc - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

/** Encodes one element. */
export function derEncode(tag: number, ...contents: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let total = 0;
  for (const c of contents) total += c.length;
  const lengthBytes: number[] = [];
  if (total < 0x80) {
    lengthBytes.push(total);
  } else {
    for (let n = total; n > 0; n = Math.floor(n / 256)) lengthBytes.unshift(n % 256);
    lengthBytes.unshift(0x80 | lengthBytes.length);
  }
  const out = new Uint8Array(1 + lengthBytes.length + total);
  out[0] = tag;
  out.set(lengthBytes, 1);
  let offset = 1 + lengthBytes.length;
  for (const c of contents) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** Encodes an OBJECT IDENTIFIER given in dotted text. Precondition: a valid OID from our own code. */
export function derOid(oid: string): Uint8Array {
  const arcs = oid.split('.').map((a) => BigInt(a));
  const [a = 0n, b = 0n, ...rest] = arcs;
  const bytes: number[] = [];
  for (const arc of [a * 40n + b, ...rest]) {
    const chunk = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    bytes.push(...chunk);
  }
  return derEncode(TAG_OID, new Uint8Array(bytes));
}

/** Encodes a non-negative bigint as a minimal INTEGER. */
export function derInteger(value: bigint): Uint8Array {
  let bytes = bigIntToBytes(value);
  if ((bytes[0] as number) >= 0x80) bytes = Uint8Array.of(0, ...bytes);
  return derEncode(TAG_INTEGER, bytes);
}

/** Big-endian unsigned bytes to bigint (empty is 0). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** Minimal big-endian unsigned bytes of `value` (0 is one zero byte), or exactly `size` bytes when given. */
export function bigIntToBytes(value: bigint, size?: number): Uint8Array {
  const out: number[] = [];
  for (let v = value; v > 0n; v >>= 8n) out.unshift(Number(v & 0xffn));
  if (size === undefined) return Uint8Array.from(out.length === 0 ? [0] : out);
  const fixed = new Uint8Array(size);
  fixed.set(out, size - out.length);
  return fixed;
}
