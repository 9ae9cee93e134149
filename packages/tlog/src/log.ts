import { hashLeaf, inclusionNodes, consistencyNodes, rehash, verifyInclusion } from '@sigstack/crypto/merkle';
import type { ProofNodes } from '@sigstack/crypto/merkle';
import { bytesEqual, toHex } from '@sigstack/crypto/encoding';
import { isSigstackError } from '@sigstack/crypto/errors';
import type { LogStorage, StoredCheckpoint, StoredEntry, StoredExtraData } from './storage.js';
import type { CheckpointSigner } from './checkpoint-signer.js';
import { CheckpointFile } from './checkpoint-file.js';
import { DuplicateEntryError, LogError, PushbackError } from './errors.js';
import { FullTileCache, TreeState } from './tree.js';
import { TILE_WIDTH } from './tile-tree.js';

export type SequencerOptions = {
  /** Most entries integrated in one transaction. */
  maxBatch: number;
  /** How long the first entry of a batch may wait for others before the batch is committed. */
  maxDelayMs: number;
  /** Most entries waiting (queued or being committed); beyond it `add` throws PushbackError. */
  maxPending: number;
};

export type LogOptions = {
  storage: LogStorage;
  signer: CheckpointSigner;
  /** The fsynced copy of the latest checkpoint beside the database; undefined only in tests. */
  checkpointFile?: string;
  /** Milliseconds since the epoch; injected so tests are deterministic. */
  clock?: () => number;
  sequencer?: Partial<SequencerOptions>;
  /** Largest body accepted; entry bundles limit an entry to 65,535 bytes. */
  maxEntryBytes?: number;
  /** Full tiles kept in memory with their inner nodes (about 16 KiB each). */
  tileCacheSize?: number;
  /**
   * Start even though the checkpoint file is missing for a non-empty database. Only for an operator
   * who has checked the database against a checkpoint published elsewhere (a monitor or witness).
   */
  recoverCheckpointFile?: boolean;
};

export type Appended = {
  index: number;
  leafHash: Uint8Array;
  integratedTime: number;
  /** The checkpoint published with the batch, which includes the entry. */
  checkpoint: StoredCheckpoint;
  /** Inclusion proof of the entry in `checkpoint`, verified before it is returned. */
  proof: Uint8Array[];
};

export type NewLogEntry = {
  body: Uint8Array;
  searchKeys?: readonly string[];
  /**
   * Bytes kept with the entry but not hashed into the tree (RFC 6962 `extra_data`), committed in
   * the entry's own transaction: once `add` resolves both are durable, and after a failure or a
   * crash neither is visible. Read back with `extraData`. A duplicate add keeps the first bytes.
   */
  extraData?: Uint8Array;
};

type Waiter = {
  body: Uint8Array;
  leafHash: Uint8Array;
  searchKeys: readonly string[];
  extraData: Uint8Array | undefined;
  resolve: (a: Appended) => void;
  reject: (err: unknown) => void;
};

export const DEFAULT_SEQUENCER: SequencerOptions = { maxBatch: 512, maxDelayMs: 2, maxPending: 8192 };
export const MAX_ENTRY_BYTES = 65535;

/**
 * An append-only RFC 6962 log. One instance per process is the single writer of its storage.
 *
 * Entries are sequenced in batches: `add` queues an entry, and each batch gets its indices, its
 * search keys, the tiles it changes and a new signed checkpoint in one durable transaction before
 * any of its callers is answered. The new checkpoint always extends the previous one (the tree is
 * only ever appended to), it is stored in the database and in the checkpoint file, and start-up
 * refuses a database that is behind or diverges from either.
 */
export class Log {
  readonly #storage: LogStorage;
  readonly #signer: CheckpointSigner;
  readonly #file: CheckpointFile | undefined;
  readonly #clock: () => number;
  readonly #opts: SequencerOptions;
  readonly #maxEntryBytes: number;
  #tree: TreeState;
  #latest: StoredCheckpoint;
  #queue: Waiter[] = [];
  /** Leaf hashes queued or being committed, so that concurrent duplicates wait for the first. */
  readonly #inFlight = new Map<string, Promise<Appended>>();
  #pending = 0;
  #timer: NodeJS.Timeout | undefined;
  #committing: Promise<void> | undefined;
  #failure: LogError | undefined;
  #closing = false;
  readonly #admitting = new Set<Promise<unknown>>();

  private constructor(options: LogOptions, tree: TreeState, latest: StoredCheckpoint) {
    this.#storage = options.storage;
    this.#signer = options.signer;
    this.#file = options.checkpointFile === undefined ? undefined : new CheckpointFile(options.checkpointFile);
    this.#clock = options.clock ?? Date.now;
    this.#opts = { ...DEFAULT_SEQUENCER, ...options.sequencer };
    this.#maxEntryBytes = Math.min(options.maxEntryBytes ?? MAX_ENTRY_BYTES, MAX_ENTRY_BYTES);
    this.#tree = tree;
    this.#latest = latest;
  }

  /**
   * Opens (or creates) the log and checks its state: the database must belong to this origin and
   * key, its checkpoint must verify and match the tree, and the checkpoint file must not be ahead
   * of it or disagree with it. Any failure closes the storage and throws ERR_LOG_INCONSISTENT.
   */
  static async open(options: LogOptions): Promise<Log> {
    const { storage, signer } = options;
    const file = options.checkpointFile === undefined ? undefined : new CheckpointFile(options.checkpointFile);
    const tiles = new FullTileCache(storage, options.tileCacheSize ?? 4096);
    try {
      let { checkpoint, identity } = await storage.open();
      const fileNote = file?.read();
      if (!identity) {
        if (fileNote !== undefined) {
          throw new LogError('ERR_LOG_INCONSISTENT', `the database is empty but checkpoint file ${file?.path} exists: refusing to start a new tree behind a published one`);
        }
        const root = await (await TreeState.load(storage, tiles, 0)).root(0);
        checkpoint = { size: 0, rootHash: root, note: signer.sign(0, root) };
        await storage.initialize({ origin: signer.origin, keyId: signer.keyId }, checkpoint);
      } else if (identity.origin !== signer.origin || identity.keyId !== signer.keyId) {
        throw new LogError('ERR_LOG_INCONSISTENT', `the database belongs to log "${identity.origin}" with key ${identity.keyId}, not "${signer.origin}" with key ${signer.keyId}`);
      }
      if (!checkpoint) throw new LogError('ERR_LOG_INCONSISTENT', 'the database has no checkpoint');
      const stored = signer.open(checkpoint.note);
      if (stored.size !== checkpoint.size || !bytesEqual(stored.rootHash, checkpoint.rootHash)) {
        throw new LogError('ERR_LOG_INCONSISTENT', `the stored checkpoint note does not match its size ${checkpoint.size}`);
      }
      const tree = await TreeState.load(storage, tiles, checkpoint.size);
      if (!bytesEqual(await tree.root(), checkpoint.rootHash)) {
        throw new LogError('ERR_LOG_INCONSISTENT', `the stored tree does not hash to the checkpoint root at size ${checkpoint.size}`);
      }
      const last = checkpoint.size === 0 ? undefined : await storage.getEntry(checkpoint.size - 1);
      if ((checkpoint.size > 0 && !last) || (await storage.getEntry(checkpoint.size))) {
        throw new LogError('ERR_LOG_INCONSISTENT', `the stored entries do not end at the checkpoint size ${checkpoint.size}`);
      }
      if (file) {
        if (fileNote === undefined) {
          if (checkpoint.size > 0 && !options.recoverCheckpointFile) {
            throw new LogError('ERR_LOG_INCONSISTENT', `checkpoint file ${file.path} is missing for a log of size ${checkpoint.size}; restore it, or start once with checkpoint-file recovery after checking the database against a published checkpoint`);
          }
        } else {
          const published = signer.open(fileNote);
          if (published.size > checkpoint.size) {
            throw new LogError('ERR_LOG_INCONSISTENT', `the database (size ${checkpoint.size}) is behind the published checkpoint (size ${published.size}): was it restored from an old backup?`);
          }
          if (!bytesEqual(await tree.root(published.size), published.rootHash)) {
            throw new LogError('ERR_LOG_INCONSISTENT', `the database diverges from the published checkpoint at size ${published.size}`);
          }
        }
        if (fileNote !== checkpoint.note) file.write(checkpoint.note);
      }
      return new Log(options, tree, checkpoint);
    } catch (err) {
      await storage.close();
      if (isSigstackError(err)) throw err;
      throw new LogError('ERR_LOG_STORAGE', "couldn't open the log", { cause: err });
    }
  }

  /** The latest signed checkpoint. */
  get checkpoint(): StoredCheckpoint {
    return this.#latest;
  }

  get origin(): string {
    return this.#signer.origin;
  }

  /** Entries waiting to be integrated, for health and metrics. */
  get pending(): number {
    return this.#pending;
  }

  /** Set once the log has stopped accepting entries because of a fault that needs a restart. */
  get failure(): LogError | undefined {
    return this.#failure;
  }

  /**
   * Queues an entry and resolves once it is durably integrated. Rejects with DuplicateEntryError
   * (the entry is already in the log, or a concurrent identical add won), PushbackError (too many
   * entries pending) or LogError.
   */
  async add(entry: NewLogEntry): Promise<Appended> {
    if (this.#failure) throw this.#failure;
    if (this.#closing) throw new LogError('ERR_LOG_STORAGE', 'the log is shutting down');
    if (entry.body.length > this.#maxEntryBytes) {
      throw new LogError('ERR_ENTRY_INVALID', `entry of ${entry.body.length} bytes is larger than the ${this.#maxEntryBytes} bytes allowed`);
    }
    const leafHash = hashLeaf(entry.body);
    const key = toHex(leafHash);
    const first = this.#inFlight.get(key);
    if (first) return this.#duplicateOf(first, leafHash);
    const lookup = this.#storage.findByLeafHash(leafHash);
    // close() waits for adds that are between admission and the queue, so none is stranded.
    this.#admitting.add(lookup);
    let existing: number | undefined;
    try {
      existing = await lookup;
    } finally {
      this.#admitting.delete(lookup);
    }
    if (existing !== undefined) throw new DuplicateEntryError(existing, leafHash);
    // Look again: another add of the same leaf may have been queued while we read storage.
    const raced = this.#inFlight.get(key);
    if (raced) return this.#duplicateOf(raced, leafHash);
    if (this.#pending >= this.#opts.maxPending) throw new PushbackError(this.#pending);

    const appended = new Promise<Appended>((resolve, reject) => {
      this.#queue.push({ body: entry.body, leafHash, searchKeys: entry.searchKeys ?? [], extraData: entry.extraData, resolve, reject });
    });
    this.#pending++;
    this.#inFlight.set(key, appended);
    appended.then(() => undefined, () => undefined).finally(() => {
      this.#inFlight.delete(key);
      this.#pending--;
    });
    this.#schedule();
    return appended;
  }

  async #duplicateOf(first: Promise<Appended>, leafHash: Uint8Array): Promise<never> {
    const won = await first;
    throw new DuplicateEntryError(won.index, leafHash);
  }

  #schedule(): void {
    if (this.#committing || this.#queue.length === 0) return;
    if (this.#queue.length >= this.#opts.maxBatch || this.#opts.maxDelayMs <= 0) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#committing = this.#commitBatch();
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      if (!this.#committing) this.#committing = this.#commitBatch();
    }, this.#opts.maxDelayMs);
  }

  async #commitBatch(): Promise<void> {
    const batch = this.#queue.splice(0, this.#opts.maxBatch);
    try {
      await this.#integrate(batch);
    } finally {
      this.#committing = undefined;
      this.#schedule();
    }
  }

  async #integrate(batch: Waiter[]): Promise<void> {
    const previous = this.#tree;
    const next = previous.fork();
    const integratedTime = Math.floor(this.#clock() / 1000);
    const entries = batch.map((w) => {
      const index = next.size;
      next.append(w.leafHash);
      return w.extraData === undefined
        ? { index, leafHash: w.leafHash, body: w.body, integratedTime, searchKeys: w.searchKeys }
        : { index, leafHash: w.leafHash, body: w.body, integratedTime, searchKeys: w.searchKeys, extraData: w.extraData };
    });
    let checkpoint: StoredCheckpoint;
    try {
      const rootHash = await next.root();
      checkpoint = { size: next.size, rootHash, note: this.#signer.sign(next.size, rootHash) };
      await this.#storage.commit({ previousSize: previous.size, entries, tiles: next.dirtyTiles(), checkpoint });
    } catch (err) {
      const error = isSigstackError(err) ? err : new LogError('ERR_LOG_STORAGE', `couldn't integrate entries from index ${previous.size}`, { cause: err });
      // A failed compare-and-swap means another writer moved the tree: nothing this process
      // holds in memory can be trusted any more, so stop accepting entries until a restart.
      if (isSigstackError(error, 'ERR_LOG_INCONSISTENT')) this.#failure = error as LogError;
      for (const w of batch) w.reject(error);
      return;
    }
    next.publishFullTiles();
    this.#tree = next;
    this.#latest = checkpoint;
    try {
      this.#file?.write(checkpoint.note);
    } catch (err) {
      // The batch is durable in the database, but the outside copy of the checkpoint is not: do
      // not acknowledge it. Callers that retry get 409 with the entry, which is in the log.
      for (const w of batch) w.reject(err);
      return;
    }
    for (const [i, w] of batch.entries()) {
      const index = entries[i]!.index;
      try {
        const proof = await this.inclusionProof(index, checkpoint.size);
        verifyInclusion(index, checkpoint.size, w.leafHash, proof, checkpoint.rootHash);
        w.resolve({ index, leafHash: w.leafHash, integratedTime, checkpoint, proof });
      } catch (err) {
        w.reject(new LogError('ERR_LOG_INCONSISTENT', `inclusion proof for index ${index} does not verify against the new checkpoint`, { cause: err }));
      }
    }
  }

  #checkSize(size: number, what: string): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.#tree.size) {
      throw new LogError('ERR_PROOF_ARGUMENTS', `${what} ${size} is greater than the tree size ${this.#tree.size}`);
    }
  }

  async #fetch(nodes: ProofNodes, tree: TreeState): Promise<Uint8Array[]> {
    const hashes = await Promise.all(nodes.ids.map((id) => tree.node(id.level, id.index)));
    return rehash(nodes, hashes);
  }

  /** Inclusion proof of leaf `index` in the tree of `size` leaves (default: the latest). */
  async inclusionProof(index: number, size = this.#tree.size): Promise<Uint8Array[]> {
    this.#checkSize(size, 'tree size');
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new LogError('ERR_PROOF_ARGUMENTS', `index ${index} is not in a tree of size ${size}`);
    }
    const tree = this.#tree;
    return this.#fetch(inclusionNodes(index, size), tree);
  }

  /** Consistency proof from `size1` to `size2`, 0 < size1 <= size2 <= latest size. */
  async consistencyProof(size1: number, size2: number): Promise<Uint8Array[]> {
    this.#checkSize(size2, 'tree size');
    if (!Number.isSafeInteger(size1) || size1 < 1 || size1 > size2) {
      throw new LogError('ERR_PROOF_ARGUMENTS', `first size ${size1} must be between 1 and ${size2}`);
    }
    if (size1 === size2) return [];
    const tree = this.#tree;
    return this.#fetch(consistencyNodes(size1, size2), tree);
  }

  /** The root of the tree at any size up to the latest. */
  async rootAt(size: number): Promise<Uint8Array> {
    this.#checkSize(size, 'tree size');
    return this.#tree.root(size);
  }

  async getEntry(index: number): Promise<StoredEntry | undefined> {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.#tree.size) return undefined;
    return this.#storage.getEntry(index);
  }

  /**
   * Extra data of the entries in [start, start + count) of the latest tree that have some, in index
   * order (entries added without extra data are absent).
   */
  async extraData(start: number, count: number): Promise<StoredExtraData[]> {
    const end = Math.min(start + count, this.#tree.size);
    if (!Number.isSafeInteger(start) || start < 0 || end <= start) return [];
    return this.#storage.getExtraData(start, end - start);
  }

  async findByLeafHash(leafHash: Uint8Array): Promise<StoredEntry | undefined> {
    const index = await this.#storage.findByLeafHash(leafHash);
    // An entry committed by a batch whose checkpoint is not yet current is not visible yet.
    return index === undefined || index >= this.#tree.size ? undefined : this.#storage.getEntry(index);
  }

  async search(keys: readonly string[], mode: 'and' | 'or', limit: number): Promise<number[]> {
    const found = await this.#storage.search(keys, mode, limit);
    return found.filter((i) => i < this.#tree.size);
  }

  /** Checkpoint published at exactly `size`, if there was one. */
  async checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    return size === this.#latest.size ? this.#latest : this.#storage.getCheckpoint(size);
  }

  /**
   * The bytes of tile `level/index` as of the latest checkpoint: `width` hashes for a partial tile
   * (which must not be wider than the tree has), all 256 when `width` is undefined. Undefined when
   * the tile does not exist (yet) at that width.
   */
  async tile(level: number, index: number, width?: number): Promise<Uint8Array | undefined> {
    const want = width ?? TILE_WIDTH;
    const have = this.#tileWidth(level, index);
    if (have < want) return undefined;
    const bytes = await this.#tree.tileHashes(level, index);
    return bytes.subarray(0, want * 32);
  }

  #tileWidth(level: number, index: number): number {
    const entries = Math.floor(this.#tree.size / TILE_WIDTH ** level);
    return Math.max(0, Math.min(TILE_WIDTH, entries - index * TILE_WIDTH));
  }

  /** Entry bodies of the level-0 tile `index`, `width` of them (all 256 when undefined). */
  async entryBundle(index: number, width?: number): Promise<Uint8Array[] | undefined> {
    const want = width ?? TILE_WIDTH;
    if (this.#tileWidth(0, index) < want) return undefined;
    const entries = await this.#storage.getEntries(index * TILE_WIDTH, want);
    if (entries.length !== want) throw new LogError('ERR_LOG_INCONSISTENT', `entries of tile ${index} are missing from storage`);
    return entries.map((e) => e.body);
  }

  async diskBytes(): Promise<number | undefined> {
    return this.#storage.diskBytes();
  }

  /** Stops accepting entries, integrates everything already queued, and closes the storage. */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    await Promise.allSettled([...this.#admitting]);
    while (this.#committing || this.#queue.length > 0) {
      if (!this.#committing) this.#committing = this.#commitBatch();
      await this.#committing;
    }
    await this.#storage.close();
  }
}
