/**
 * Where the monitor reads the log: the tlog-tiles API (preferred: cacheable, 256 entries and their
 * leaf hashes per request) or, for logs without it, the Rekor v1 API (10 entries per request).
 * Sources only fetch and check shapes; the monitor verifies everything against signed roots.
 */
import { MAX_RETRIEVE, type RekorClient, type RekorEntry, type TilesClient } from '@sigstack/client';
import { parseHex } from '@sigstack/crypto/encoding';
import type { CompactRange } from '@sigstack/crypto/merkle';
import { TILE_WIDTH } from '@sigstack/crypto/tiles';
import { AuditError } from '../errors.js';
import { compactRangeFromTiles, consistencyProofViaTiles } from '../tiles-tree.js';

/** Consecutive entries starting at `first`, with the leaf hashes the log claims for them. */
export type EntryChunk = { first: number; bodies: Uint8Array[]; claimedLeaves: Uint8Array[] };

export interface LogSource {
  readonly name: 'tiles' | 'v1';
  /** The latest checkpoint note, unverified. */
  checkpoint(): Promise<string>;
  /** The consistency proof from size1 to size2 (0 < size1 < size2) in the tree of size2. */
  consistencyProof(size1: number, size2: number): Promise<Uint8Array[]>;
  /** Entries [start, end) of the tree of `treeSize` ≥ end, in order, in chunks; `concurrency` requests in flight. */
  entries(start: number, end: number, treeSize: number, concurrency: number): AsyncGenerator<EntryChunk>;
  /** The bytes of tile (level, index) at the given width, when the source serves tiles. */
  tile?(level: number, index: number, width: number): Promise<Uint8Array>;
  /** The compact range [0, size) of the tree of `treeSize`, when the source can read it without entries. */
  compactRange?(size: number, treeSize: number): Promise<CompactRange>;
}

/**
 * Runs `fetchOne(0..count-1)` with at most `concurrency` in flight and yields the results in
 * order. A failure surfaces when its turn comes; later failures are not left unhandled.
 */
export async function* inOrder<T>(count: number, concurrency: number, fetchOne: (i: number) => Promise<T>): AsyncGenerator<T> {
  const pending: Promise<T>[] = [];
  let next = 0;
  const start = () => {
    const p = fetchOne(next++);
    p.catch(() => undefined);
    pending.push(p);
  };
  while (next < count && pending.length < concurrency) start();
  while (pending.length > 0) {
    const value = await (pending.shift() as Promise<T>);
    if (next < count) start();
    yield value;
  }
}

export function tilesSource(tiles: TilesClient): LogSource {
  return {
    name: 'tiles',
    async checkpoint() {
      const note = await tiles.checkpoint();
      if (note === undefined) throw new AuditError('badResponse', 'ERR_CLIENT_STATUS', `${tiles.prefix}/checkpoint is gone`);
      return note;
    },
    consistencyProof: (size1, size2) => consistencyProofViaTiles(tiles, size1, size2),
    compactRange: (size, treeSize) => compactRangeFromTiles(tiles, size, treeSize),
    tile: (level, index, width) => tiles.tile(level, index, width),
    async *entries(start, end, treeSize, concurrency) {
      const firstTile = Math.floor(start / TILE_WIDTH);
      const lastTile = Math.floor((end - 1) / TILE_WIDTH);
      const fetchTile = async (i: number): Promise<EntryChunk> => {
        const index = firstTile + i;
        const width = Math.min(TILE_WIDTH, treeSize - index * TILE_WIDTH);
        const [bundle, leaves] = await Promise.all([tiles.entryBundle(index, width), tiles.tile(0, index, width)]);
        const from = Math.max(start, index * TILE_WIDTH) - index * TILE_WIDTH;
        const to = Math.min(end, index * TILE_WIDTH + width) - index * TILE_WIDTH;
        const claimed: Uint8Array[] = [];
        for (let k = from; k < to; k++) claimed.push(leaves.subarray(k * 32, (k + 1) * 32));
        return { first: index * TILE_WIDTH + from, bodies: bundle.slice(from, to), claimedLeaves: claimed };
      };
      yield* inOrder(end > start ? lastTile - firstTile + 1 : 0, concurrency, fetchTile);
    },
  };
}

export function v1Source(rekor: RekorClient): LogSource {
  return {
    name: 'v1',
    async checkpoint() {
      return (await rekor.logInfo()).signedTreeHead;
    },
    async consistencyProof(size1, size2) {
      return (await rekor.consistencyProof(size1, size2)).hashes;
    },
    async *entries(start, end, _treeSize, concurrency) {
      const fetchBatch = async (i: number): Promise<EntryChunk> => {
        const first = start + i * MAX_RETRIEVE;
        const indexes = Array.from({ length: Math.min(MAX_RETRIEVE, end - first) }, (_, k) => first + k);
        const found = new Map<number, RekorEntry>();
        for (const e of await rekor.retrieve({ logIndexes: indexes })) found.set(e.logIndex, e);
        const entries = indexes.map((index) => {
          const e = found.get(index);
          if (e === undefined) throw new AuditError('badResponse', 'ERR_CLIENT_RESPONSE', `${rekor.baseUrl} did not return entry ${index}`);
          return e;
        });
        return { first, bodies: entries.map((e) => e.body), claimedLeaves: entries.map((e) => parseHex(e.uuid, 32)) };
      };
      yield* inOrder(Math.ceil(Math.max(0, end - start) / MAX_RETRIEVE), concurrency, fetchBatch);
    },
  };
}
