import { EMPTY_ROOT, hashChildren, HASH_SIZE } from '@sigstack/crypto/merkle';
import type { LogStorage, TileData } from './storage.js';
import { TILE_HEIGHT, TILE_WIDTH, TileTree } from './tile-tree.js';
import { LogError } from './errors.js';

/** Reads full (immutable) tiles, through a bounded LRU cache of their node trees. */
export class FullTileCache {
  readonly #storage: LogStorage;
  readonly #capacity: number;
  readonly #tiles = new Map<string, TileTree>();

  constructor(storage: LogStorage, capacity: number) {
    this.#storage = storage;
    this.#capacity = capacity;
  }

  async get(level: number, index: number): Promise<TileTree> {
    const key = `${level}/${index}`;
    const hit = this.#tiles.get(key);
    if (hit) {
      this.#tiles.delete(key);
      this.#tiles.set(key, hit);
      return hit;
    }
    const hashes = await this.#storage.getTile(level, index);
    if (!hashes || hashes.length !== TILE_WIDTH * HASH_SIZE) {
      throw new LogError('ERR_LOG_INCONSISTENT', `tile ${level}/${index} should be full in storage but has ${hashes ? hashes.length / HASH_SIZE : 0} hashes`);
    }
    const tree = TileTree.fromHashes(level, index, hashes);
    this.put(tree);
    return tree;
  }

  /** Adds a tile that a commit just completed, so that fresh proofs never go to storage. */
  put(tree: TileTree): void {
    const key = `${tree.level}/${tree.index}`;
    this.#tiles.delete(key);
    this.#tiles.set(key, tree);
    while (this.#tiles.size > this.#capacity) this.#tiles.delete(this.#tiles.keys().next().value as string);
  }
}

/**
 * The Merkle tree of the log as tiles: the right-edge tile of every level lives in memory (it is
 * the only mutable part), and every node left of it is in a full tile in storage. Every complete
 * node of any tree size up to `size` can therefore be read, which is what proofs for old sizes need.
 * Appends go to a copy (`fork()`), which becomes current only once its batch is committed.
 */
export class TreeState {
  readonly #tiles: FullTileCache;
  /** edges[L] is the tile of level L that the next entry at that level goes into. */
  readonly #edges: TileTree[];
  #size: number;
  /** Tiles changed since the fork, by `level/index`. */
  readonly #dirty = new Map<string, TileTree>();

  private constructor(tiles: FullTileCache, edges: TileTree[], size: number) {
    this.#tiles = tiles;
    this.#edges = edges;
    this.#size = size;
  }

  /** Rebuilds the state of a tree of `size` leaves from its stored edge tiles. */
  static async load(storage: LogStorage, tiles: FullTileCache, size: number): Promise<TreeState> {
    const edges: TileTree[] = [];
    for (let level = 0, count = size; level === 0 || count > 0; level++, count = Math.floor(count / TILE_WIDTH)) {
      const index = Math.floor(count / TILE_WIDTH);
      const width = count % TILE_WIDTH;
      if (width === 0) {
        edges.push(new TileTree(level, index));
        continue;
      }
      const hashes = await storage.getTile(level, index);
      if (!hashes || hashes.length < width * HASH_SIZE) {
        throw new LogError('ERR_LOG_INCONSISTENT', `tile ${level}/${index} should hold at least ${width} hashes for tree size ${size}`);
      }
      edges.push(TileTree.fromHashes(level, index, hashes.subarray(0, width * HASH_SIZE)));
    }
    return new TreeState(tiles, edges, size);
  }

  get size(): number {
    return this.#size;
  }

  /** A copy to append a batch to; the original stays as it was. */
  fork(): TreeState {
    return new TreeState(this.#tiles, this.#edges.map((e) => e.clone()), this.#size);
  }

  /** Appends leaf hashes (level-0 entries) and everything they complete above. */
  append(leafHash: Uint8Array): void {
    let level = 0;
    let hash: Uint8Array | undefined = leafHash;
    while (hash) {
      const edge = (this.#edges[level] ??= new TileTree(level, 0));
      hash = edge.push(hash);
      this.#dirty.set(`${level}/${edge.index}`, edge);
      if (edge.full) this.#edges[level] = new TileTree(level, edge.index + 1);
      level++;
    }
    this.#size++;
  }

  /** Every tile changed by `append` since the fork, with its full new contents. */
  dirtyTiles(): TileData[] {
    return [...this.#dirty.values()].map((t) => ({ level: t.level, index: t.index, hashes: t.hashes() }));
  }

  /** Hands the tiles this fork completed to the cache; call after the batch is committed. */
  publishFullTiles(): void {
    for (const t of this.#dirty.values()) if (t.full) this.#tiles.put(t);
    this.#dirty.clear();
  }

  /**
   * The hash of the perfect subtree of height `height` whose leaves start at `index · 2^height`.
   * Precondition: the subtree is complete in this tree, `(index + 1) · 2^height <= size`.
   */
  async node(height: number, index: number): Promise<Uint8Array> {
    if ((index + 1) * 2 ** height > this.#size) {
      throw new LogError('ERR_LOG_INCONSISTENT', `node ${height}/${index} is not complete in a tree of size ${this.#size}`);
    }
    const level = Math.floor(height / TILE_HEIGHT);
    const r = height % TILE_HEIGHT;
    const perTile = TILE_WIDTH >> r;
    const tileIndex = Math.floor(index / perTile);
    const edge = this.#edges[level];
    const tile = edge && edge.index === tileIndex ? edge : await this.#tiles.get(level, tileIndex);
    return tile.node(r, index - tileIndex * perTile);
  }

  /** The stored hashes of tile `level/index` (edge or full), as the tiles API serves them. */
  async tileHashes(level: number, index: number): Promise<Uint8Array> {
    const edge = this.#edges[level];
    if (edge && edge.index === index) return edge.hashes();
    return (await this.#tiles.get(level, index)).hashes();
  }

  /** The root of the tree of the first `size` leaves, for any size up to the current one. */
  async root(size = this.#size): Promise<Uint8Array> {
    if (size === 0) return EMPTY_ROOT;
    // The tree of `size` leaves is the run of perfect subtrees given by the bits of `size`, largest
    // first; its root folds them from the right.
    const subtrees: Uint8Array[] = [];
    let start = 0;
    for (let h = Math.floor(Math.log2(size)) + 1; h >= 0; h--) {
      const span = 2 ** h;
      if (start + span <= size) {
        subtrees.push(await this.node(h, start / span));
        start += span;
      }
    }
    let root = subtrees.pop() as Uint8Array;
    while (subtrees.length > 0) root = hashChildren(subtrees.pop() as Uint8Array, root);
    return root;
  }
}
