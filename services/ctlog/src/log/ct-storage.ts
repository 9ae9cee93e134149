import type { Batch, ImportedExtraData, LogIdentity, LogStorage, StoredCheckpoint, StoredEntry, StoredExtraData } from '@sigstack/tlog';
import type { ExtraStore } from './extra-store.js';
import type { TreeHeads } from './tree-heads.js';

/** The SCT timestamp of a stored MerkleTreeLeaf: bytes 2..10 (after version and leaf type). */
export function leafTimestamp(leaf: Uint8Array): number {
  if (leaf.length < 10) return 0;
  const view = new DataView(leaf.buffer, leaf.byteOffset, leaf.byteLength);
  return view.getUint32(2) * 2 ** 32 + view.getUint32(6);
}

/**
 * The engine's storage with the CT log's tree heads around each commit: after the batch is
 * committed (entries with their chains as extra data, in the engine's one transaction), the new
 * tree head is signed. It is written to the ExtraStore only when get-sth first shows it or at
 * close, never per batch. Everything else is the engine's storage unchanged.
 */
export class CtStorage implements LogStorage {
  readonly #inner: LogStorage;
  readonly #extra: ExtraStore;
  readonly #heads: TreeHeads;

  constructor(inner: LogStorage, extra: ExtraStore, heads: TreeHeads) {
    this.#inner = inner;
    this.#extra = extra;
    this.#heads = heads;
  }

  open(): Promise<{ checkpoint: StoredCheckpoint | undefined; identity: LogIdentity | undefined }> {
    return this.#inner.open();
  }

  initialize(identity: LogIdentity, checkpoint: StoredCheckpoint): Promise<void> {
    return this.#inner.initialize(identity, checkpoint);
  }

  async commit(batch: Batch): Promise<void> {
    let notBefore = 0;
    for (const e of batch.entries) notBefore = Math.max(notBefore, leafTimestamp(e.body));
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

  getExtraData(start: number, count: number): Promise<StoredExtraData[]> {
    return this.#inner.getExtraData(start, count);
  }

  importExtraData(rows: Iterable<ImportedExtraData>): Promise<number> {
    return this.#inner.importExtraData(rows);
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
