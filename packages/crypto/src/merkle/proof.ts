/**
 * Which node hashes an RFC 6962 inclusion or consistency proof needs, so that a storage layer can
 * fetch them (from tiles, a database, a compact range) and assemble the proof. Same shape and
 * order as transparency-dev/merkle `proof.Nodes`:
 *
 *  - a node `{ level, index }` is the perfect subtree covering leaves
 *    [index·2^level, (index+1)·2^level);
 *  - `ids` lists perfect-subtree nodes, every one of which lies entirely inside [0, size); fetch
 *    the hash of each (the storage layer never needs a non-perfect node);
 *  - `ids[begin:end]` (empty when begin === end) are the pieces, lowest level first, of the one
 *    *ephemeral* node `ephem` on the right border that is not a perfect subtree in this tree;
 *    `rehash()` folds them into that node's hash;
 *  - after `rehash()` the list is the proof in RFC 6962 order: from the leaf (or old subtree)
 *    upwards to the root.
 *
 * Tree sizes and indexes are JavaScript numbers and must be safe non-negative integers (< 2^53);
 * the bit arithmetic below works on the whole 53-bit range, not just 32 bits.
 */
import { VerificationError } from '../errors.js';
import { HASH_SIZE, hashChildren } from './hash.js';

/** A perfect subtree: covers leaves [index·2^level, (index+1)·2^level). */
export interface NodeId {
  level: number;
  index: number;
}

/** The nodes of one proof; see the module comment for the meaning of each field. */
export interface ProofNodes {
  ids: NodeId[];
  /** Start (inclusive) of the slice of `ids` that makes up `ephem`. */
  begin: number;
  /** End (exclusive) of the slice of `ids` that makes up `ephem`; equals `begin` if there is none. */
  end: number;
  /** The ephemeral right-border node; meaningless when begin === end. */
  ephem: NodeId;
}

// ---------------------------------------------------------------------------------------------
// 53-bit integer helpers. JavaScript bit operators truncate to 32 bits, so these split numbers
// into high and low words. Exported for the other merkle/tile modules only (not re-exported from
// the package entry points). All take safe non-negative integers.

const TWO32 = 2 ** 32;

/** @internal Number of significant bits of x (0 for 0). */
export function bitLength(x: number): number {
  return x < TWO32 ? 32 - Math.clz32(x) : 64 - Math.clz32(Math.floor(x / TWO32));
}

function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** @internal Number of one bits of x. */
export function popcount(x: number): number {
  return x < TWO32 ? popcount32(x) : popcount32(x >>> 0) + popcount32(Math.floor(x / TWO32));
}

/** @internal Number of trailing zero bits of x; x must be positive. */
export function trailingZeros(x: number): number {
  const lo = x >>> 0;
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  const hi = Math.floor(x / TWO32);
  return 63 - Math.clz32(hi & -hi);
}

/** @internal Bitwise XOR of two safe non-negative integers. */
export function xor(a: number, b: number): number {
  if (a < TWO32 && b < TWO32) return (a ^ b) >>> 0;
  const hi = (Math.floor(a / TWO32) ^ Math.floor(b / TWO32)) >>> 0;
  return hi * TWO32 + ((a ^ b) >>> 0);
}

/** @internal floor(x / 2^k). */
export function shiftRight(x: number, k: number): number {
  return Math.floor(x / 2 ** k);
}

/** @internal True when x is a safe non-negative integer. */
export function isSafeNonNegative(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

function argumentError(message: string): VerificationError {
  return new VerificationError('ERR_PROOF_ARGUMENTS', message);
}

function describe(x: unknown): string {
  return typeof x === 'number' ? String(x) : typeof x;
}

/** @internal Throws ERR_PROOF_ARGUMENTS unless `x` is a safe non-negative integer. */
export function checkSafe(x: unknown, what: string): asserts x is number {
  // Sizes arrive from checkpoints and requests: NaN, fractions, negatives and values above 2^53
  // would make the bit arithmetic silently wrong.
  if (!isSafeNonNegative(x)) throw argumentError(`${what} must be a safe non-negative integer, got ${describe(x)}`);
}

/** @internal Throws ERR_PROOF_ARGUMENTS unless `h` is a HASH_SIZE-byte Uint8Array. */
export function checkHash(h: unknown, what: string): asserts h is Uint8Array {
  // Hashes come from proofs on the wire; a wrong-sized one must never reach hashChildren.
  if (!(h instanceof Uint8Array) || h.byteLength !== HASH_SIZE) {
    const got = h instanceof Uint8Array ? `${h.byteLength} bytes` : typeof h;
    throw argumentError(`${what} must be a ${HASH_SIZE}-byte hash, got ${got}`);
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Appends the perfect subtrees that cover [pos − total, pos), walking leftwards from `pos`, so
 * that they come out lowest level first. `total` must be such that every piece is aligned, which
 * holds for [0, begin) and for [end, size) with end a multiple of a power of two above size − end.
 */
function pushCoverRightToLeft(pos: number, total: number, out: NodeId[]): void {
  let rest = total;
  for (let level = 0, bit = 1; rest > 0; level++, bit *= 2) {
    if (rest % (bit * 2) !== 0) {
      pos -= bit;
      rest -= bit;
      out.push({ level, index: pos / bit });
    }
  }
}

/**
 * The nodes proving that perfect node (level, index) is in the tree of `size` leaves, the node
 * itself first. Precondition: (index+1)·2^level <= size.
 */
function nodesFor(index: number, level: number, size: number): ProofNodes {
  // The fork is where the paths from the root to this node and to the (virtual) leaf `size`
  // diverge; its sibling is the ephemeral node, which covers the ragged right end of the tree.
  const inner = bitLength(xor(index, shiftRight(size, level))) - 1;
  const forkLevel = level + inner;
  const forkIndex = shiftRight(index, inner);
  const forkBegin = forkIndex * 2 ** forkLevel;
  const forkEnd = forkBegin + 2 ** forkLevel;

  const ids: NodeId[] = [{ level, index }];
  for (let l = level, i = index; l < forkLevel; l++, i = Math.floor(i / 2)) {
    ids.push({ level: l, index: i % 2 === 0 ? i + 1 : i - 1 });
  }
  let begin = ids.length;
  pushCoverRightToLeft(size, size - forkEnd, ids);
  let end = ids.length;
  pushCoverRightToLeft(forkBegin, forkBegin, ids);
  if (begin >= end) begin = end = 0;
  // The fork is always a left child: at its level the index path has a 0 bit where `size` has a 1
  // (index < size >> level), so the ephemeral node is its right sibling.
  return { ids, begin, end, ephem: { level: forkLevel, index: forkIndex + 1 } };
}

function skipFirst(nodes: ProofNodes): ProofNodes {
  nodes.ids.shift();
  if (nodes.begin < nodes.end) {
    nodes.begin--;
    nodes.end--;
  }
  return nodes;
}

/**
 * Nodes for the inclusion proof of leaf `index` in the tree of `size` leaves.
 * Requires safe integers with 0 <= index < size, else VerificationError ERR_PROOF_ARGUMENTS.
 */
export function inclusionNodes(index: number, size: number): ProofNodes {
  checkSafe(index, 'leaf index');
  checkSafe(size, 'tree size');
  if (index >= size) throw argumentError(`leaf index ${index} is out of range for tree size ${size}`);
  return skipFirst(nodesFor(index, 0, size));
}

/**
 * Nodes for the consistency proof from the tree of `size1` leaves to the tree of `size2` leaves.
 * Requires safe integers with 0 < size1 <= size2, else VerificationError ERR_PROOF_ARGUMENTS.
 * For size1 === size2 the proof is empty.
 */
export function consistencyNodes(size1: number, size2: number): ProofNodes {
  checkConsistencySizes(size1, size2);
  if (size1 === size2) return { ids: [], begin: 0, end: 0, ephem: { level: 0, index: 0 } };
  // The old tree's last perfect subtree (the one ending at size1) is the seed: the proof is its
  // inclusion proof in the new tree, preceded by the seed itself unless the old tree was perfect
  // (then the client already knows it as root1).
  const level = trailingZeros(size1);
  const nodes = nodesFor(shiftRight(size1 - 1, level), level, size2);
  return size1 === 2 ** level ? skipFirst(nodes) : nodes;
}

/** @internal Validates consistency proof sizes (shared with verify.ts). */
export function checkConsistencySizes(size1: unknown, size2: unknown): asserts size1 is number {
  checkSafe(size1, 'tree size 1');
  checkSafe(size2, 'tree size 2');
  if (size1 === 0) throw argumentError('consistency proof from the empty tree is meaningless');
  if (size1 > size2) throw argumentError(`tree size 1 ${size1} is above tree size 2 ${size2}`);
}

/**
 * Turns the hashes of `nodes.ids` (same order, one HASH_SIZE-byte hash each) into the proof:
 * the `[begin, end)` slice is folded into the ephemeral node's hash. Does not modify `hashes`;
 * the returned array shares the unchanged hash arrays with it. Wrong count or hash size:
 * VerificationError ERR_PROOF_ARGUMENTS.
 */
export function rehash(nodes: ProofNodes, hashes: readonly Uint8Array[]): Uint8Array[] {
  if (!Array.isArray(hashes) || hashes.length !== nodes.ids.length) {
    const got = Array.isArray(hashes) ? hashes.length : typeof hashes;
    throw argumentError(`got ${got} node hashes, want ${nodes.ids.length}`);
  }
  hashes.forEach((h, i) => checkHash(h, `node hash ${i}`));
  const proof: Uint8Array[] = [];
  for (let i = 0; i < hashes.length; i++) {
    let hash = hashes[i] as Uint8Array;
    if (i === nodes.begin && nodes.begin < nodes.end) {
      // The pieces run right to left, so each next one is the left child.
      for (i++; i < nodes.end; i++) hash = hashChildren(hashes[i] as Uint8Array, hash);
      i--;
    }
    proof.push(hash);
  }
  return proof;
}

/**
 * Number of hashes in the inclusion proof of leaf `index` in a tree of `size` leaves:
 * inner + border, where inner = bitlen(index XOR (size−1)) and border = popcount(index >> inner).
 * Requires safe integers with 0 <= index < size, else ERR_PROOF_ARGUMENTS.
 */
export function inclusionProofLength(index: number, size: number): number {
  checkSafe(index, 'leaf index');
  checkSafe(size, 'tree size');
  if (index >= size) throw argumentError(`leaf index ${index} is out of range for tree size ${size}`);
  const inner = bitLength(xor(index, size - 1));
  return inner + popcount(shiftRight(index, inner));
}

/**
 * Number of hashes in the consistency proof from size1 to size2 (0 when equal).
 * Requires safe integers with 0 < size1 <= size2, else ERR_PROOF_ARGUMENTS.
 */
export function consistencyProofLength(size1: number, size2: number): number {
  checkConsistencySizes(size1, size2);
  if (size1 === size2) return 0;
  const shift = trailingZeros(size1);
  const inner = bitLength(xor(size1 - 1, size2 - 1)) - shift;
  const border = popcount(shiftRight(size1 - 1, inner + shift));
  return (size1 === 2 ** shift ? 0 : 1) + inner + border;
}
