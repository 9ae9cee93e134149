import { hashChildren, HASH_SIZE } from '@sigstack/crypto/merkle';
import { LogError } from './errors.js';

export const TILE_WIDTH = 256;
export const TILE_HEIGHT = 8;

/**
 * One C2SP tile with the Merkle nodes inside it: level 0 holds the tile's entries (node hashes of
 * height 8·L for a tile of level L) and level r (1..8) the hashes of the 2^r-entry subtrees above
 * them, so that any node whose height is not a multiple of 8 is one array lookup.
 * The tile grows only at the right; a node is stored once both its children are.
 */
export class TileTree {
  readonly level: number;
  readonly index: number;
  /** levels[r] holds up to 256 >> r hashes of HASH_SIZE bytes. */
  readonly #levels: Uint8Array[];
  #width = 0;

  constructor(level: number, index: number) {
    this.level = level;
    this.index = index;
    this.#levels = [];
    for (let r = 0; r <= TILE_HEIGHT; r++) this.#levels.push(new Uint8Array((TILE_WIDTH >> r) * HASH_SIZE));
  }

  /** Builds the tree of a stored tile; `hashes` holds width × 32 bytes. */
  static fromHashes(level: number, index: number, hashes: Uint8Array): TileTree {
    const tree = new TileTree(level, index);
    for (let i = 0; i < hashes.length / HASH_SIZE; i++) tree.push(hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
    return tree;
  }

  get width(): number {
    return this.#width;
  }

  get full(): boolean {
    return this.#width === TILE_WIDTH;
  }

  /** The tile's bytes as served by the tiles API: width × 32 bytes. */
  hashes(): Uint8Array {
    return this.#levels[0]!.slice(0, this.#width * HASH_SIZE);
  }

  /**
   * Appends one entry hash and hashes up every node it completes. Returns the root of the whole
   * tile (the node of height 8·(L+1)) when this entry fills the tile, else undefined.
   */
  push(hash: Uint8Array): Uint8Array | undefined {
    let pos = this.#width++;
    let node = hash;
    this.#levels[0]!.set(node, pos * HASH_SIZE);
    for (let r = 0; r < TILE_HEIGHT && pos % 2 === 1; r++) {
      const row = this.#levels[r]!;
      node = hashChildren(row.subarray((pos - 1) * HASH_SIZE, pos * HASH_SIZE), node);
      pos = (pos - 1) / 2;
      this.#levels[r + 1]!.set(node, pos * HASH_SIZE);
    }
    return this.full ? node : undefined;
  }

  /** The hash of the node `pos` at height r inside the tile; it must be complete. */
  node(r: number, pos: number): Uint8Array {
    if ((pos + 1) << r > this.#width) {
      throw new LogError('ERR_LOG_INCONSISTENT', `node ${r}/${pos} of tile ${this.level}/${this.index} is not complete at width ${this.#width}`);
    }
    return this.#levels[r]!.subarray(pos * HASH_SIZE, (pos + 1) * HASH_SIZE);
  }

  clone(): TileTree {
    const copy = new TileTree(this.level, this.index);
    const w = this.#width;
    for (let r = 0; r <= TILE_HEIGHT; r++) copy.#levels[r]!.set(this.#levels[r]!.subarray(0, (w >> r) * HASH_SIZE));
    copy.#width = w;
    return copy;
  }
}
