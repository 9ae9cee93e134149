import type { Batch, LogIdentity, LogStorage, StoredCheckpoint, StoredEntry } from '@sigstack/tlog';
import { LogError } from '@sigstack/tlog';
import { toHex } from '@sigstack/crypto/encoding';
import type { ExtraRecord, ExtraStore } from './extra-store.js';
import type { TreeHeads } from './tree-heads.js';

/** The SCT timestamp of a stored MerkleTreeLeaf: bytes 2..10 (after version and leaf type). */
export function leafTimestamp(leaf: Uint8Array): number {
  if (leaf.length < 10) return 0;
  const view = new DataView(leaf.buffer, leaf.byteOffset, leaf.byteLength);
  return view.getUint32(2) * 2 ** 32 + view.getUint32(6);
}

/**
 * The engine's storage with the CT log's additions around each commit: before the batch is
 * committed, the chains of its entries (staged by the caller of `Log.add`) are written durably to
 * the ExtraStore, so that no committed entry lacks its `extra_data`; after the commit, the new
 * tree head is signed. Everything else is the engine's storage unchanged.
 *
 * Contract for callers: `stage` the record of a leaf before `Log.add` of that leaf and `unstage`
 * it once `add` settled. A batch whose entry has no staged record fails (ERR_LOG_STORAGE).
 */
export class CtStorage implements LogStorage {
  readonly #inner: LogStorage;
  readonly #extra: ExtraStore;
  readonly #heads: TreeHeads;
  readonly #staged = new Map<string, ExtraRecord>();

  constructor(inner: LogStorage, extra: ExtraStore, heads: TreeHeads) {
    this.#inner = inner;
    this.#extra = extra;
    this.#heads = heads;
  }

  stage(record: ExtraRecord): void {
    this.#staged.set(toHex(record.leafHash), record);
  }

  unstage(leafHash: Uint8Array): void {
    this.#staged.delete(toHex(leafHash));
  }

  open(): Promise<{ checkpoint: StoredCheckpoint | undefined; identity: LogIdentity | undefined }> {
    return this.#inner.open();
  }

  initialize(identity: LogIdentity, checkpoint: StoredCheckpoint): Promise<void> {
    return this.#inner.initialize(identity, checkpoint);
  }

  async commit(batch: Batch): Promise<void> {
    let notBefore = 0;
    const records = batch.entries.map((e) => {
      const record = this.#staged.get(toHex(e.leafHash));
      if (!record) throw new LogError('ERR_LOG_STORAGE', `no chain was staged for the entry at index ${e.index}`);
      notBefore = Math.max(notBefore, leafTimestamp(e.body));
      return { index: e.index, record };
    });
    const pending = this.#heads.takePending();
    try {
      this.#extra.write(records, pending);
    } catch (err) {
      this.#heads.restorePending(pending);
      throw err;
    }
    await this.#inner.commit(batch);
    this.#heads.committed(batch.checkpoint.size, batch.checkpoint.rootHash, notBefore);
  }

  /**
   * Writes the newest tree head now if it is still waiting for the next batch, so that a head is
   * durable before anyone is shown it (and is never signed differently after a crash).
   */
  persistHeads(): void {
    const pending = this.#heads.takePending();
    if (!pending) return;
    try {
      this.#extra.writeSth(pending);
    } catch (err) {
      this.#heads.restorePending(pending);
      throw err;
    }
  }

  findByLeafHash(leafHash: Uint8Array): Promise<number | undefined> {
    return this.#inner.findByLeafHash(leafHash);
  }

  getEntry(index: number): Promise<StoredEntry | undefined> {
    return this.#inner.getEntry(index);
  }

  getEntries(start: number, count: number): Promise<StoredEntry[]> {
    return this.#inner.getEntries(start, count);
  }

  getTile(level: number, index: number): Promise<Uint8Array | undefined> {
    return this.#inner.getTile(level, index);
  }

  getCheckpoint(size: number): Promise<StoredCheckpoint | undefined> {
    return this.#inner.getCheckpoint(size);
  }

  search(keys: readonly string[], mode: 'and' | 'or', limit: number): Promise<number[]> {
    return this.#inner.search(keys, mode, limit);
  }

  diskBytes(): Promise<number | undefined> {
    return this.#inner.diskBytes();
  }

  /** Writes the newest tree head if it is still pending, then closes both databases. */
  async close(): Promise<void> {
    try {
      this.persistHeads();
    } finally {
      this.#extra.close();
      await this.#inner.close();
    }
  }
}
