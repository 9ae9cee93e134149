/**
 * A genuine RFC 6962 tree of more than 2^52 leaves that tests can afford: the first
 * BASE = 2^52 + 2^44 leaves all hold the same data, so every perfect subtree among them has a hash
 * that depends only on its height, and the leaves from BASE on are distinct (a ReferenceTree).
 * Indexes and sizes in the distinct region exercise the 53-bit arithmetic with real left/right
 * order sensitivity. Independent of the code under test.
 */
import { ReferenceTree, makeLeafHashes, naiveHashChildren, naiveLeafHash, splitPoint } from './reference-tree.js';

export const BASE = 2 ** 52 + 2 ** 44;
export const TAIL = 300;

const uniform: Uint8Array[] = [naiveLeafHash(new Uint8Array([0xee]))];
for (let level = 1; level <= 52; level++) {
  const below = uniform[level - 1] as Uint8Array;
  uniform.push(naiveHashChildren(below, below));
}
export const tail = new ReferenceTree(makeLeafHashes(TAIL));

function log2(powerOfTwo: number): number {
  let level = 0;
  while (2 ** level < powerOfTwo) level++;
  return level;
}

/** MTH of the first n uniform leaves, by the RFC 6962 recursion. */
function uniformMth(n: number): Uint8Array {
  if (n === 2 ** log2(n)) return uniform[log2(n)] as Uint8Array;
  const k = splitPoint(n);
  return naiveHashChildren(uniform[log2(k)] as Uint8Array, uniformMth(n - k));
}

/** MTH of the first `size` leaves of the big tree. */
export function bigRoot(size: number): Uint8Array {
  if (size <= BASE) return uniformMth(size);
  // Split at 2^52 (all uniform), then at 2^44 (uniform), then the distinct tail.
  return naiveHashChildren(uniform[52] as Uint8Array, naiveHashChildren(uniform[44] as Uint8Array, tail.root(size - BASE)));
}

export function bigLeafHash(index: number): Uint8Array {
  return index < BASE ? (uniform[0] as Uint8Array) : (tail.leafHashes[index - BASE] as Uint8Array);
}

/** The hash of perfect node (level, index) of the big tree; it must lie wholly in one region. */
export function bigNodeHash(level: number, index: number): Uint8Array {
  const start = index * 2 ** level;
  const end = start + 2 ** level;
  if (end <= BASE) return uniform[level] as Uint8Array;
  if (start < BASE) throw new Error(`node ${level}/${index} straddles the regions`);
  return tail.nodeHash(level, index - BASE / 2 ** level);
}
