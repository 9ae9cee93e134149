/**
 * The one storage interface of the log engine. SQLite is the embedded default; PostgreSQL
 * implements the same contract, so nothing in the engine may assume either.
 *
 * Contract (every backend MUST):
 * - Single writer. `open()` MUST make this process the only writer of the log, or fail with
 *   `LogError('ERR_LOG_STORAGE')`. A second writer MUST block or fail; it MUST NEVER be able to
 *   assign an index that another writer assigned.
 * - Durability. When `commit()` resolves, the whole batch (entries, their extra data, search keys,
 *   tiles and the checkpoint) is on stable storage (fsynced). If it rejects or the process dies, NONE of it is
 *   visible afterwards. There is no partial batch.
 * - Compare-and-swap. `commit()` MUST fail with `LogError('ERR_LOG_INCONSISTENT')`, writing
 *   nothing, unless the stored tree size equals `batch.previousSize`.
 * - Read-after-write. Every read started after `commit()` resolved sees the batch.
 * - Immutability. Entries, full tiles and checkpoints are never rewritten; a partial tile is only
 *   ever replaced by a longer tile that starts with the same bytes.
 * - Extra data. An entry may carry `extraData`: bytes served beside the entry but not hashed into
 *   the tree (RFC 6962 `extra_data`). They are written in the same transaction as the entry, so an
 *   entry and its extra data are durable together or not at all, and are never rewritten (except
 *   by `importExtraData`, which only fills in extra data an entry lacks). An entry added without
 *   extra data MUST cost nothing more than before (Rekor never uses it).
 * Backends never sign, hash or validate entries: the engine does.
 */

/** One entry as stored: its position, its RFC 6962 leaf hash and the exact bytes it hashes. */
export type StoredEntry = {
  index: number;
  leafHash: Uint8Array;
  body: Uint8Array;
  /** Unix seconds at which the batch holding the entry was integrated. */
  integratedTime: number;
};

export type NewEntry = StoredEntry & {
  /** Search-index keys, written in the same transaction as the entry so the index never drifts. */
  searchKeys: readonly string[];
  /** Bytes stored with the entry in the same transaction, not hashed (see the contract above). */
  extraData?: Uint8Array;
};

/** The extra data of one entry, as returned by `getExtraData`. */
export type StoredExtraData = { index: number; extraData: Uint8Array };

/** Extra data for an already committed entry (a one-time import), checked against its leaf hash. */
export type ImportedExtraData = StoredExtraData & { leafHash: Uint8Array };

/** The contents of a tile: `hashes` holds width × 32 bytes; a full tile has width 256. */
export type TileData = { level: number; index: number; hashes: Uint8Array };

export type StoredCheckpoint = { size: number; rootHash: Uint8Array; note: string };

export type Batch = {
  /** The tree size the batch extends; the commit fails unless storage is still at this size. */
  previousSize: number;
  entries: readonly NewEntry[];
  /** Every tile whose contents changed, each with its complete new contents. */
  tiles: readonly TileData[];
  /** The signed checkpoint for `previousSize + entries.length`. */
  checkpoint: StoredCheckpoint;
};

/** Identity of a log, fixed when the storage is created and checked on every open. */
export type LogIdentity = { origin: string; keyId: string };

export interface LogStorage {
  /**
   * Takes the writer role and returns the stored state: the latest checkpoint (undefined for a
   * new store) and the identity recorded at creation (undefined for a new store).
   */
  open(): Promise<{ checkpoint: StoredCheckpoint | undefined; identity: LogIdentity | undefined }>;
  /** Records the identity of a new store; fails if one is already recorded. */
  initialize(identity: LogIdentity, checkpoint: StoredCheckpoint): Promise<void>;
  commit(batch: Batch): Promise<void>;
  /** Index of the entry with this leaf hash, compared on all 32 bytes. */
  findByLeafHash(leafHash: Uint8Array): Promise<number | undefined>;
  getEntry(index: number): Promise<StoredEntry | undefined>;
  /** Entries [start, start + count) that exist, in index order. */
  getEntries(start: number, count: number): Promise<StoredEntry[]>;
  /**
   * Extra data of the entries in [start, start + count) that have some, in index order. Entries
   * added without extra data are absent, so a caller that expects it for every entry checks.
   * A separate call so that reading entries (Rekor) never touches extra data.
   */
  getExtraData(start: number, count: number): Promise<StoredExtraData[]>;
  /**
   * Stores extra data for committed entries that have none (moving it from an older store), in ONE
   * durable transaction. Rows for entries that already have extra data are skipped, so running it
   * again is harmless. Fails with ERR_LOG_INCONSISTENT, writing nothing, when a row's index is
   * not a committed entry or its `leafHash` differs from that entry's. Returns how many rows were
   * written. `rows` is consumed inside the transaction.
   */
  importExtraData(rows: Iterable<ImportedExtraData>): Promise<number>;
  /** The stored tile (its current width, which may be partial), or undefined. */
  getTile(level: number, index: number): Promise<Uint8Array | undefined>;
  /** The signed checkpoint stored for exactly this size, if one was published at it. */
  getCheckpoint(size: number): Promise<StoredCheckpoint | undefined>;
  /** Indices of entries indexed under any of `keys` (mode `or`) or all of them (`and`), at most `limit`. */
  search(keys: readonly string[], mode: 'and' | 'or', limit: number): Promise<number[]>;
  /** Bytes the store occupies on disk, for benchmarks and health; undefined when unknown. */
  diskBytes(): Promise<number | undefined>;
  close(): Promise<void>;
}
