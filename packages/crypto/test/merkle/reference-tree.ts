/**
 * A deliberately naive RFC 6962 §2.1 implementation, for tests only: MTH, PATH and SUBPROOF
 * written exactly as the recursive definitions, over a shared list of leaf hashes. MTH values are
 * memoised by leaf range (they do not depend on the tree size), which keeps exhaustive tests fast
 * without changing the definitions. It uses none of the code under test, not even the hash
 * primitives.
 */
import { createHash } from 'node:crypto';

/** Largest power of two strictly less than n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function naiveLeafHash(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(Buffer.from([0])).update(data).digest());
}

export function naiveHashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(Buffer.concat([Buffer.from([1]), left, right])).digest());
}

export class ReferenceTree {
  readonly leafHashes: readonly Uint8Array[];
  readonly #memo = new Map<number, Uint8Array>();

  constructor(leafHashes: readonly Uint8Array[]) {
    this.leafHashes = leafHashes;
  }

  /** MTH(D[lo:hi]). */
  mth(lo: number, hi: number): Uint8Array {
    const n = hi - lo;
    if (n === 0) return new Uint8Array(createHash('sha256').digest());
    if (n === 1) return this.leafHashes[lo] as Uint8Array;
    const key = lo * 2 ** 26 + hi;
    const cached = this.#memo.get(key);
    if (cached) return cached;
    const k = splitPoint(n);
    const hash = naiveHashChildren(this.mth(lo, lo + k), this.mth(lo + k, hi));
    this.#memo.set(key, hash);
    return hash;
  }

  /** PATH(m, D[lo:hi]), m relative to lo. */
  path(m: number, lo: number, hi: number): Uint8Array[] {
    const n = hi - lo;
    if (n === 1) return [];
    const k = splitPoint(n);
    if (m < k) return [...this.path(m, lo, lo + k), this.mth(lo + k, hi)];
    return [...this.path(m - k, lo + k, hi), this.mth(lo, lo + k)];
  }

  /** SUBPROOF(m, D[lo:hi], b), m relative to lo. */
  subproof(m: number, lo: number, hi: number, b: boolean): Uint8Array[] {
    const n = hi - lo;
    if (m === n) return b ? [] : [this.mth(lo, hi)];
    const k = splitPoint(n);
    if (m <= k) return [...this.subproof(m, lo, lo + k, b), this.mth(lo + k, hi)];
    return [...this.subproof(m - k, lo + k, hi, false), this.mth(lo, lo + k)];
  }

  root(n: number): Uint8Array {
    return this.mth(0, n);
  }

  inclusionProof(m: number, n: number): Uint8Array[] {
    return this.path(m, 0, n);
  }

  consistencyProof(m: number, n: number): Uint8Array[] {
    return this.subproof(m, 0, n, true);
  }

  /** The hash of the perfect node (level, index): MTH of the leaves it covers. */
  nodeHash(level: number, index: number): Uint8Array {
    const width = 2 ** level;
    return this.mth(index * width, (index + 1) * width);
  }
}

/** Deterministic distinct leaf hashes: leaf i has data = the 4-byte big-endian i. */
export function makeLeafHashes(count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const data = new Uint8Array(4);
    new DataView(data.buffer).setUint32(0, i);
    out.push(naiveLeafHash(data));
  }
  return out;
}
