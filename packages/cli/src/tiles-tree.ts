/**
 * Tree hashes computed from a log's tiles with the crypto tile helpers: the compact range (and so
 * the root) of any size up to a tree size whose tiles are read, and consistency proofs. Tiles are
 * untrusted: every result here must be checked against a signed root by the caller.
 */
import type { TilesClient } from '@sigstack/client';
import { CompactRange, compactRangeNodes } from '@sigstack/crypto/merkle';
import {
  consistencyProofFromTiles,
  hashFromTiles,
  tilesForConsistencyProof,
  tilesForNodes,
  type TileCoord,
  type TileReader,
} from '@sigstack/crypto/tiles';

function key(c: TileCoord): string {
  return `${c.level}/${c.index}/${c.width}`;
}

/** Fetches `coords` (in parallel) and returns a reader over them. */
export async function fetchTiles(tiles: TilesClient, coords: readonly TileCoord[]): Promise<TileReader> {
  const bytes = await Promise.all(coords.map((c) => tiles.tile(c.level, c.index, c.width)));
  const map = new Map(coords.map((c, i) => [key(c), bytes[i] as Uint8Array]));
  return (c) => map.get(key(c));
}

/** The compact range [0, size) read from the tiles of the tree of `treeSize` ≥ size leaves. */
export async function compactRangeFromTiles(tiles: TilesClient, size: number, treeSize: number): Promise<CompactRange> {
  if (size === 0) return CompactRange.empty();
  const ids = compactRangeNodes(size);
  const read = await fetchTiles(tiles, tilesForNodes(ids, treeSize));
  return CompactRange.fromHashes(size, ids.map((id) => hashFromTiles(id, treeSize, read)));
}

/** The consistency proof from size1 to size2 (0 < size1 ≤ size2), computed from the tiles of size2. */
export async function consistencyProofViaTiles(tiles: TilesClient, size1: number, size2: number): Promise<Uint8Array[]> {
  const read = await fetchTiles(tiles, tilesForConsistencyProof(size1, size2));
  return consistencyProofFromTiles(size1, size2, read);
}
