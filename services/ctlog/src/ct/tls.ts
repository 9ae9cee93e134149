/**
 * The TLS presentation language encodings RFC 6962 uses (RFC 5246 §4): big-endian integers and
 * length-prefixed vectors. The writer collects parts and copies once; the reader is bounded and
 * throws CtLogError ERR_ENCODING_INVALID on anything short or oversized.
 */
import { CtLogError } from '../errors.js';

const MAX_LENGTH = [0, 0xff, 0xffff, 0xffffff] as const;

export class TlsWriter {
  readonly #parts: Uint8Array[] = [];
  #length = 0;

  #push(bytes: Uint8Array): this {
    this.#parts.push(bytes);
    this.#length += bytes.length;
    return this;
  }

  u8(n: number): this {
    return this.#push(Uint8Array.of(n));
  }

  u16(n: number): this {
    return this.#push(Uint8Array.of(n >>> 8, n & 0xff));
  }

  u24(n: number): this {
    return this.#push(Uint8Array.of((n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff));
  }

  /** A uint64; `n` must be a safe non-negative integer (timestamps in ms, tree sizes). */
  u64(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new CtLogError('ERR_ENCODING_INVALID', `uint64 value ${n} is not a safe non-negative integer`);
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, Math.floor(n / 2 ** 32));
    view.setUint32(4, n % 2 ** 32);
    return this.#push(out);
  }

  bytes(bytes: Uint8Array): this {
    return this.#push(bytes);
  }

  /** A vector `<0..2^(8·lengthBytes)−1>`: its length in `lengthBytes` bytes, then the bytes. */
  vector(lengthBytes: 1 | 2 | 3, bytes: Uint8Array): this {
    if (bytes.length > MAX_LENGTH[lengthBytes]) throw new CtLogError('ERR_ENCODING_INVALID', `vector of ${bytes.length} bytes does not fit a ${lengthBytes}-byte length`);
    if (lengthBytes === 1) this.u8(bytes.length);
    else if (lengthBytes === 2) this.u16(bytes.length);
    else this.u24(bytes.length);
    return this.#push(bytes);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let offset = 0;
    for (const p of this.#parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }
}

export class TlsReader {
  readonly #bytes: Uint8Array;
  readonly #what: string;
  #offset = 0;

  constructor(bytes: Uint8Array, what: string) {
    this.#bytes = bytes;
    this.#what = what;
  }

  #take(n: number): Uint8Array {
    if (this.#offset + n > this.#bytes.length) throw new CtLogError('ERR_ENCODING_INVALID', `${this.#what}: truncated at byte ${this.#offset}`);
    const out = this.#bytes.subarray(this.#offset, this.#offset + n);
    this.#offset += n;
    return out;
  }

  u8(): number {
    return this.#take(1)[0] as number;
  }

  u16(): number {
    const b = this.#take(2);
    return ((b[0] as number) << 8) | (b[1] as number);
  }

  u24(): number {
    const b = this.#take(3);
    return (b[0] as number) * 65536 + ((b[1] as number) << 8) + (b[2] as number);
  }

  /** A uint64 that must be a safe integer (above 2^53 − 1 it is refused, never rounded). */
  u64(): number {
    const b = this.#take(8);
    const view = new DataView(b.buffer, b.byteOffset, 8);
    const n = view.getUint32(0) * 2 ** 32 + view.getUint32(4);
    if (!Number.isSafeInteger(n)) throw new CtLogError('ERR_ENCODING_INVALID', `${this.#what}: uint64 above 2^53 - 1`);
    return n;
  }

  bytes(n: number): Uint8Array {
    return this.#take(n);
  }

  vector(lengthBytes: 1 | 2 | 3): Uint8Array {
    const n = lengthBytes === 1 ? this.u8() : lengthBytes === 2 ? this.u16() : this.u24();
    return this.#take(n);
  }

  get done(): boolean {
    return this.#offset === this.#bytes.length;
  }

  /** Throws unless every byte was read. */
  end(): void {
    if (!this.done) throw new CtLogError('ERR_ENCODING_INVALID', `${this.#what}: ${this.#bytes.length - this.#offset} trailing bytes`);
  }
}
