/**
 * The DER the CA needs: a writer for the fixed leaf profile and the CA's own structures, and a strict,
 * depth-bounded reader for the CSRs clients send and for taking our own certificates apart.
 *
 * Why not the reader and writer of @sigstack/crypto (`src/keys/der.ts`): that module is internal to
 * the package (not in its exports map). This file is the subset the CA uses; it goes away once the
 * crypto package exports its DER module.
 *
 * Reader rules (DER only): no indefinite or non-minimal lengths, no high tag numbers, no constructed
 * universal strings, minimal INTEGERs, DER BOOLEANs and NULLs, zero-padded BIT STRINGs. Every failure
 * is an EncodingError ERR_ENCODING_INVALID; callers rewrap it with their own code.
 */
import { EncodingError } from '@sigstack/crypto/errors';

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

/** One decoded TLV; `content` and `raw` are views into the input, not copies. */
export interface DerElement {
  readonly tag: number;
  readonly content: Uint8Array;
  /** The whole element: identifier, length and contents. */
  readonly raw: Uint8Array;
}

function fail(what: string, problem: string): never {
  throw new EncodingError('ERR_ENCODING_INVALID', `${what}: ${problem}`);
}

function hexByte(b: number): string {
  return b.toString(16).padStart(2, '0');
}

// ---------------------------------------------------------------------------------------------
// Writer

/** Bytes of the DER length of a `length`-byte content. */
function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const out: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) out.unshift(n % 256);
  return [0x80 | out.length, ...out];
}

/** Encodes one element whose contents are the concatenation of `parts` (one allocation). */
export function tlv(tag: number, ...parts: readonly Uint8Array[]): Uint8Array {
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

/** Encodes an OBJECT IDENTIFIER given in dotted text. Precondition: a valid OID from our own code. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  const [a = 0n, b = 0n, ...rest] = arcs;
  const bytes: number[] = [];
  for (const arc of [a * 40n + b, ...rest]) {
    const chunk = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(TAG_OID, Uint8Array.from(bytes));
}

/** A non-negative INTEGER from big-endian unsigned bytes: leading zeros stripped, 0x00 added before a high bit. */
export function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const value = bytes.length === 0 ? Uint8Array.of(0) : bytes.subarray(start);
  return (value[0] as number) >= 0x80 ? tlv(TAG_INTEGER, Uint8Array.of(0), value) : tlv(TAG_INTEGER, value);
}

/** The minimal big-endian two's-complement contents of a small non-negative integer. */
export function smallInteger(value: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return unsignedInteger(Uint8Array.from(bytes));
}

const TWO = (n: number): string => String(n).padStart(2, '0');

/**
 * A certificate Time as Go and RFC 5280 §4.1.2.5 write it: UTCTime `YYMMDDHHMMSSZ` for the years
 * 1950–2049, GeneralizedTime `YYYYMMDDHHMMSSZ` otherwise. Milliseconds are dropped (truncated).
 */
export function time(ms: number): Uint8Array {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const rest = `${TWO(d.getUTCMonth() + 1)}${TWO(d.getUTCDate())}${TWO(d.getUTCHours())}${TWO(d.getUTCMinutes())}${TWO(d.getUTCSeconds())}Z`;
  if (year >= 1950 && year < 2050) return tlv(TAG_UTC_TIME, Buffer.from(`${TWO(year % 100)}${rest}`, 'latin1'));
  return tlv(TAG_GENERALIZED_TIME, Buffer.from(`${String(year).padStart(4, '0')}${rest}`, 'latin1'));
}

// ---------------------------------------------------------------------------------------------
// Reader

/** Reads the element at `offset`; returns it and the offset just after it. */
function readAt(bytes: Uint8Array, offset: number, what: string): { element: DerElement; next: number } {
  const tag = bytes[offset];
  if (tag === undefined) fail(what, `truncated element at offset ${offset}`);
  // High tag numbers never occur in the structures we read; refusing them keeps the reader small.
  if ((tag & 0x1f) === 0x1f) fail(what, `high tag number at offset ${offset}`);
  const first = bytes[offset + 1];
  if (first === undefined) fail(what, `missing length at offset ${offset}`);
  let length = first;
  let header = 2;
  if (first >= 0x80) {
    const count = first & 0x7f;
    // 0x80 is BER's indefinite length; DER forbids it (and it invites unbounded scanning).
    if (count === 0) fail(what, `indefinite length at offset ${offset}`);
    // Four length octets already describe 4 GiB, far beyond any input we accept.
    if (count > 4) fail(what, `length of ${count} octets at offset ${offset}`);
    if (offset + 2 + count > bytes.length) fail(what, `truncated length at offset ${offset}`);
    // A leading zero octet or a long form for a short length is BER: one value, one encoding.
    if (bytes[offset + 2] === 0) fail(what, `non-minimal length at offset ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[offset + 2 + i] as number);
    if (length < 0x80) fail(what, `non-minimal length at offset ${offset}`);
    header += count;
  }
  const start = offset + header;
  const end = start + length;
  // Never trust a declared length for reads: it must fit in what we have.
  if (end > bytes.length) fail(what, `length ${length} at offset ${offset} runs past the end of the input`);
  return { element: { tag, content: bytes.subarray(start, end), raw: bytes.subarray(offset, end) }, next: end };
}

/** Decodes exactly one element spanning all of `bytes` (trailing bytes are an error). */
export function decode(bytes: Uint8Array, what: string): DerElement {
  const { element, next } = readAt(bytes, 0, what);
  if (next !== bytes.length) fail(what, `${bytes.length - next} trailing bytes`);
  return element;
}

/** The children of a constructed element. */
export function children(element: DerElement, what: string): DerElement[] {
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

/** Checks `element` exists and has `tag`; returns it. */
export function expect(element: DerElement | undefined, tag: number, what: string): DerElement {
  if (element === undefined) fail(what, `missing element with tag 0x${hexByte(tag)}`);
  if (element.tag !== tag) fail(what, `tag 0x${hexByte(element.tag)}, want 0x${hexByte(tag)}`);
  return element;
}

/** The children of a SEQUENCE (or of a constructed element with `tag`), which must number `min`..`max`. */
export function sequence(element: DerElement | undefined, min: number, max: number, what: string, tag = TAG_SEQUENCE): DerElement[] {
  const out = children(expect(element, tag, what), what);
  if (out.length < min || out.length > max) fail(what, `${out.length} elements, want ${min === max ? min : `${min} to ${max}`}`);
  return out;
}

/**
 * Walks the whole tree under `bytes` and checks that every element is DER (see the file comment).
 * Context-tagged elements are checked at the TLV level only. Precondition: the caller bounds
 * `bytes`; `maxDepth` bounds the nesting, since the walk recurses.
 */
export function check(bytes: Uint8Array, maxDepth: number, what: string): DerElement {
  const root = decode(bytes, what);
  walk(root, 1, maxDepth, what);
  return root;
}

function walk(element: DerElement, depth: number, maxDepth: number, what: string): void {
  // Deeply nested input (e.g. ~55 KB of SEQUENCE headers) must fail fast, not exhaust the stack.
  if (depth > maxDepth) fail(what, `nested deeper than ${maxDepth} levels`);
  const { tag, content } = element;
  const universal = (tag & CLASS_MASK) === 0;
  if ((tag & CONSTRUCTED) !== 0) {
    // Constructed OCTET/BIT/character strings are BER only.
    if (universal && tag !== TAG_SEQUENCE && tag !== TAG_SET) fail(what, `constructed universal tag 0x${hexByte(tag)}`);
    for (const child of children(element, what)) walk(child, depth + 1, maxDepth, what);
    return;
  }
  if (!universal) return;
  if (tag === TAG_BOOLEAN && (content.length !== 1 || (content[0] !== 0x00 && content[0] !== 0xff))) fail(what, 'boolean is not 0x00 or 0xff');
  if (tag === TAG_NULL && content.length !== 0) fail(what, 'null with contents');
  if (tag === TAG_INTEGER) checkInteger(content, what);
  if (tag === TAG_BIT_STRING) checkBitString(content, what);
}

function checkInteger(content: Uint8Array, what: string): void {
  const [a, b] = content;
  if (a === undefined) fail(what, 'empty integer');
  // A leading 0x00 before a byte < 0x80, or 0xff before a byte >= 0x80, is a non-minimal encoding.
  if (b !== undefined && ((a === 0x00 && b < 0x80) || (a === 0xff && b >= 0x80))) fail(what, 'non-minimal integer');
}

function checkBitString(content: Uint8Array, what: string): void {
  const unused = content[0];
  if (unused === undefined) fail(what, 'empty bit string');
  const last = content[content.length - 1] as number;
  if (unused > 7 || (content.length === 1 && unused !== 0) || (last & ((1 << unused) - 1)) !== 0) fail(what, 'bit string with invalid padding');
}

/** The contents of a BIT STRING with no unused bits. */
export function bitStringBytes(element: DerElement | undefined, what: string): Uint8Array {
  const { content } = expect(element, TAG_BIT_STRING, what);
  checkBitString(content, what);
  if (content[0] !== 0) fail(what, 'bit string with unused bits');
  return content.subarray(1);
}

/** OBJECT IDENTIFIER contents to dotted text; subidentifiers must be minimal. */
export function oidText(element: DerElement | undefined, what: string): string {
  const { content } = expect(element, TAG_OID, what);
  if (content.length === 0) fail(what, 'empty object identifier');
  // Bounds the work and the size of error messages for hostile OIDs; real ones are far shorter.
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
  const first = arcs[0] as bigint;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}
