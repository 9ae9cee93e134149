/**
 * An incremental compact range [0, size): the hashes of the perfect subtrees along the right border
 * of the tree, one per one bit of `size`, ordered left to right (highest level first), as in
 * transparency-dev/merkle `compact.Range` with begin = 0. It is all a log writer needs to append
 * leaves and compute the root; `append` reports every node it completes so that storage can
 * persist internal nodes and tiles.
 */
import { VerificationError } from '../errors.js';
import { emptyRoot, hashChildren } from './hash.js';
import { checkHash, checkSafe, popcount, type NodeId } from './proof.js';

/** A node completed by `append`: the perfect subtree (level, index) and its hash. */
export interface CompletedNode {
  level: number;
  index: number;
  hash: Uint8Array;
}

/** Receives each node completed by an append, leaf first, then upwards. */
export type NodeVisitor = (node: CompletedNode) => void;

/**
 * The ids of the perfect subtrees that make up the compact range [0, size), in the order of
 * `CompactRange.hashes()` (left to right, highest level first). Requires a safe non-negative
 * integer, else VerificationError ERR_PROOF_ARGUMENTS.
 */
export function compactRangeNodes(size: number): NodeId[] {
  checkSafe(size, 'tree size');
  const ids: NodeId[] = [];
  let pos = 0;
  for (let level = 52; level >= 0; level--) {
    const bit = 2 ** level;
    if (size - pos >= bit) {
      ids.push({ level, index: pos / bit });
      pos += bit;
    }
  }
  return ids;
}

export class CompactRange {
  #size: number;
  #hashes: Uint8Array[];

  private constructor(size: number, hashes: Uint8Array[]) {
    this.#size = size;
    this.#hashes = hashes;
  }

  /** The range of the empty tree. */
  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /**
   * A range for [0, size) from its border hashes, ordered as `hashes()` returns them (the hashes of
   * `compactRangeNodes(size)`). Requires a safe non-negative size and exactly popcount(size)
   * hashes of 32 bytes, else VerificationError ERR_PROOF_ARGUMENTS. The hashes are copied.
   */
  static fromHashes(size: number, hashes: readonly Uint8Array[]): CompactRange {
    checkSafe(size, 'tree size');
    const want = popcount(size);
    // Stored state may be corrupt or truncated: a wrong count would silently yield wrong roots.
    if (!Array.isArray(hashes) || hashes.length !== want) {
      const got = Array.isArray(hashes) ? hashes.length : typeof hashes;
      throw new VerificationError('ERR_PROOF_ARGUMENTS', `compact range of size ${size} needs ${want} hashes, got ${got}`);
    }
    return new CompactRange(
      size,
      hashes.map((h, i) => {
        checkHash(h, `compact range hash ${i}`);
        return h.slice();
      }),
    );
  }

  /** Number of leaves in the range. */
  get size(): number {
    return this.#size;
  }

  /** Copies of the border hashes, left to right (highest level first). */
  hashes(): Uint8Array[] {
    return this.#hashes.map((h) => h.slice());
  }

  /** An independent copy of this range. */
  clone(): CompactRange {
    return new CompactRange(this.#size, this.hashes());
  }

  /**
   * Appends one leaf hash (32 bytes, else ERR_PROOF_ARGUMENTS; copied). If `visit` is given it
   * receives, before the range changes, the leaf node (level 0, index = old size) and then every
   * interior node the leaf completes, lowest first, each with its own copy of the hash. If `visit`
   * throws, the range is left unchanged. Fails with ERR_PROOF_ARGUMENTS when the size would exceed
   * 2^53 − 1.
   */
  append(leafHash: Uint8Array, visit?: NodeVisitor): void {
    checkHash(leafHash, 'leaf hash');
    // Past 2^53 − 1 sizes and indexes stop being exact numbers.
    if (this.#size === Number.MAX_SAFE_INTEGER) {
      throw new VerificationError('ERR_PROOF_ARGUMENTS', `compact range is full at size ${this.#size}`);
    }
    let hash: Uint8Array = leafHash.slice();
    let level = 0;
    let index = this.#size;
    let kept = this.#hashes.length;
    const completed: CompletedNode[] | undefined = visit ? [{ level, index, hash }] : undefined;
    // Each trailing one bit of the old size is a left sibling waiting for this leaf's subtree.
    while (index % 2 === 1) {
      kept--;
      hash = hashChildren(this.#hashes[kept] as Uint8Array, hash);
      level++;
      index = (index - 1) / 2;
      completed?.push({ level, index, hash });
    }
    if (visit && completed) {
      for (const node of completed) visit({ level: node.level, index: node.index, hash: node.hash.slice() });
    }
    this.#hashes.length = kept;
    this.#hashes.push(hash);
    this.#size++;
  }

  /** The RFC 6962 Merkle tree hash of [0, size) (SHA256("") for size 0), as a fresh array. */
  root(): Uint8Array {
    const hashes = this.#hashes;
    if (hashes.length === 0) return emptyRoot();
    let i = hashes.length - 1;
    let root = hashes[i] as Uint8Array;
    if (i === 0) return root.slice();
    while (i > 0) {
      i--;
      root = hashChildren(hashes[i] as Uint8Array, root);
    }
    return root;
  }
}
