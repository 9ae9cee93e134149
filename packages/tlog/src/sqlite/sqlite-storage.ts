import Database from 'better-sqlite3';
import type { Batch, ImportedExtraData, LogIdentity, LogStorage, StoredCheckpoint, StoredEntry, StoredExtraData } from '../storage.js';
import { LogError } from '../errors.js';

export type SqliteStorageOptions = {
  /** Path of the database file; its WAL lives beside it. */
  path: string;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (
  idx             INTEGER PRIMARY KEY,
  leaf_hash       BLOB NOT NULL,
  body            BLOB NOT NULL,
  integrated_time INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS entries_leaf_hash ON entries (leaf_hash);
-- Extra data in its own table, written in the entry's transaction: entries without any (Rekor's)
-- cost no byte and no write here, and reading entries never reads it.
CREATE TABLE IF NOT EXISTS extra_data (
  idx  INTEGER PRIMARY KEY,
  data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS search (
  key TEXT NOT NULL,
  idx INTEGER NOT NULL,
  PRIMARY KEY (key, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tiles (
  level  INTEGER NOT NULL,
  idx    INTEGER NOT NULL,
  hashes BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
  size INTEGER PRIMARY KEY,
  root BLOB NOT NULL,
  note TEXT NOT NULL
);
`;

type Row = { idx: number; leaf_hash: Buffer; body: Buffer; integrated_time: number };

function toEntry(row: Row): StoredEntry {
  return { index: row.idx, leafHash: new Uint8Array(row.leaf_hash), body: new Uint8Array(row.body), integratedTime: row.integrated_time };
}

function prepareStatements(db: Database.Database) {
  return {
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    putMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)'),
    setMeta: db.prepare('UPDATE meta SET value = ? WHERE key = ? AND value = ?'),
    latestCheckpoint: db.prepare('SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1'),
    getCheckpoint: db.prepare('SELECT size, root, note FROM checkpoints WHERE size = ?'),
    putCheckpoint: db.prepare('INSERT INTO checkpoints (size, root, note) VALUES (?, ?, ?)'),
    putEntry: db.prepare('INSERT INTO entries (idx, leaf_hash, body, integrated_time) VALUES (?, ?, ?, ?)'),
    putExtra: db.prepare('INSERT INTO extra_data (idx, data) VALUES (?, ?)'),
    importExtra: db.prepare('INSERT OR IGNORE INTO extra_data (idx, data) VALUES (?, ?)'),
    getExtra: db.prepare('SELECT idx, data FROM extra_data WHERE idx >= ? AND idx < ? ORDER BY idx'),
    leafHashAt: db.prepare('SELECT leaf_hash FROM entries WHERE idx = ?'),
    putSearch: db.prepare('INSERT OR IGNORE INTO search (key, idx) VALUES (?, ?)'),
    putTile: db.prepare('INSERT OR REPLACE INTO tiles (level, idx, hashes) VALUES (?, ?, ?)'),
    getTile: db.prepare('SELECT hashes FROM tiles WHERE level = ? AND idx = ?'),
    findLeaf: db.prepare('SELECT idx FROM entries WHERE leaf_hash = ?'),
    getEntry: db.prepare('SELECT idx, leaf_hash, body, integrated_time FROM entries WHERE idx = ?'),
    getEntries: db.prepare('SELECT idx, leaf_hash, body, integrated_time FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx'),
    pageCount: db.prepare('PRAGMA page_count'),
    pageSize: db.prepare('PRAGMA page_size'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/**
 * SQLite backend (better-sqlite3, WAL, synchronous=FULL).
 *
 * Single writer: the connection runs in `locking_mode=EXCLUSIVE` and takes the write lock in
 * `open()`, so the lock is held until the process closes the database or dies (the OS releases
 * it on `kill -9`). A second process cannot read or write the file meanwhile and `open()` fails
 * at once with ERR_LOG_STORAGE. Durability: every commit is one transaction, and with
 * synchronous=FULL in WAL mode SQLite fsyncs the WAL before COMMIT returns.
 * better-sqlite3 is synchronous; each method runs to completion before its promise resolves.
 */
export class SqliteStorage implements LogStorage {
  readonly #path: string;
  /** Prepared search statements by text: one per (mode, key count), both bounded by the caller. */
  readonly #searchStatements = new Map<string, Database.Statement>();
  #db: Database.Database | undefined;
  #stmts: Statements | undefined;

  constructor(options: SqliteStorageOptions) {
    this.#path = options.path;
  }

  async open(): Promise<{ checkpoint: StoredCheckpoint | undefined; identity: LogIdentity | undefined }> {
    let db: Database.Database;
    try {
      db = new Database(this.#path);
      db.pragma('busy_timeout = 0');
      // EXCLUSIVE before WAL: the WAL index then lives in this process's heap, and the lock
      // taken by the first write below is kept until close. This is what makes us the only writer.
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec('BEGIN EXCLUSIVE; COMMIT;');
      db.exec(SCHEMA);
    } catch (err) {
      throw new LogError('ERR_LOG_STORAGE', `couldn't open the log database ${this.#path} as its only writer (is another log process running on it?)`, { cause: err });
    }
    this.#db = db;
    this.#stmts = prepareStatements(db);
    const s = this.#stmts;
    const latest = s.latestCheckpoint.get() as { size: number; root: Buffer; note: string } | undefined;
    const origin = s.getMeta.get('origin') as { value: string } | undefined;
    const keyId = s.getMeta.get('key_id') as { value: string } | undefined;
    return {
      checkpoint: latest && { size: latest.size, rootHash: new Uint8Array(latest.root), note: latest.note },
      identity: origin && keyId ? { origin: origin.value, keyId: keyId.value } : undefined,
    };
  }

  private get stmts(): Statements {
    if (!this.#stmts) throw new LogError('ERR_LOG_STORAGE', 'the log database is not open');
    return this.#stmts;
  }

  private get db(): Database.Database {
    if (!this.#db) throw new LogError('ERR_LOG_STORAGE', 'the log database is not open');
    return this.#db;
  }

  async initialize(identity: LogIdentity, checkpoint: StoredCheckpoint): Promise<void> {
    const s = this.stmts;
    this.db.transaction(() => {
      if (s.getMeta.get('origin')) throw new LogError('ERR_LOG_INCONSISTENT', 'the log database is already initialized');
      s.putMeta.run('origin', identity.origin);
      s.putMeta.run('key_id', identity.keyId);
      s.putMeta.run('size', String(checkpoint.size));
      s.putCheckpoint.run(checkpoint.size, checkpoint.rootHash, checkpoint.note);
    }).immediate();
  }

  async commit(batch: Batch): Promise<void> {
    const s = this.stmts;
    const newSize = batch.previousSize + batch.entries.length;
    try {
      this.db.transaction(() => {
        // Compare-and-swap on the stored size: if anything else moved the tree, write nothing.
        const swapped = s.setMeta.run(String(newSize), 'size', String(batch.previousSize));
        if (swapped.changes !== 1) {
          throw new LogError('ERR_LOG_INCONSISTENT', `stored tree size is not ${batch.previousSize}; refusing to commit size ${newSize}`);
        }
        for (const e of batch.entries) {
          s.putEntry.run(e.index, e.leafHash, e.body, e.integratedTime);
          if (e.extraData !== undefined) s.putExtra.run(e.index, e.extraData);
          for (const key of e.searchKeys) s.putSearch.run(key, e.index);
        }
        for (const tile of batch.tiles) s.putTile.run(tile.level, tile.index, tile.hashes);
        s.putCheckpoint.run(batch.checkpoint.size, batch.checkpoint.rootHash, batch.checkpoint.note);
      }).immediate();
    } catch (err) {
      if (err instanceof LogError) throw err;
      throw new LogError('ERR_LOG_STORAGE', `couldn't commit entries ${batch.previousSize}..${newSize - 1}`, { cause: err });
    }
  }

  async findByLeafHash(leafHash: Uint8Array): Promise<number | undefined> {
    const row = this.stmts.findLeaf.get(leafHash) as { idx: number } | undefined;
    return row?.idx;
  }

  async getEntry(index: number): Promise<StoredEntry | undefined> {
    const row = this.stmts.getEntry.get(index) as Row | undefined;
    return row && toEntry(row);
  }

  async getEntries(start: number, count: number): Promise<StoredEntry[]> {
    return (this.stmts.getEntries.all(start, start + count) as Row[]).map(toEntry);
  }

  async getExtraData(start: number, count: number): Promise<StoredExtraData[]> {
    const rows = this.stmts.getExtra.all(start, start + count) as { idx: number; data: Buffer }[];
    return rows.map((r) => ({ index: r.idx, extraData: new Uint8Array(r.data) }));
  }

  async importExtraData(rows: Iterable<ImportedExtraData>): Promise<number> {
    const s = this.stmts;
    let written = 0;
    try {
      this.db.transaction(() => {
        for (const row of rows) {
          const stored = s.leafHashAt.get(row.index) as { leaf_hash: Buffer } | undefined;
          if (!stored || !Buffer.from(row.leafHash).equals(stored.leaf_hash)) {
            throw new LogError('ERR_LOG_INCONSISTENT', `extra data for index ${row.index} does not belong to a stored entry with that leaf hash`);
          }
          written += s.importExtra.run(row.index, row.extraData).changes;
        }
      }).immediate();
    } catch (err) {
      if (err instanceof LogError) throw err;
      throw new LogError('ERR_LOG_STORAGE', "couldn't import extra data", { cause: err });
    }
    return written;
  }

  async getTile(level: number, index: number): Promise<Uint8Array | undefined> {
    const row = this.stmts.getTile.get(level, index) as { hashes: Buffer } | undefined;
    return row && new Uint8Array(row.hashes);
  }

  async getCheckpoint(size: number): Promise<StoredCheckpoint | undefined> {
    const row = this.stmts.getCheckpoint.get(size) as { size: number; root: Buffer; note: string } | undefined;
    return row && { size: row.size, rootHash: new Uint8Array(row.root), note: row.note };
  }

  async search(keys: readonly string[], mode: 'and' | 'or', limit: number): Promise<number[]> {
    if (keys.length === 0) return [];
    const marks = keys.map(() => '?').join(', ');
    // The statement text depends only on the number of keys, which the caller bounds.
    const sql = mode === 'or'
      ? `SELECT DISTINCT idx FROM search WHERE key IN (${marks}) ORDER BY idx LIMIT ?`
      : `SELECT idx FROM search WHERE key IN (${marks}) GROUP BY idx HAVING count(DISTINCT key) = ? ORDER BY idx LIMIT ?`;
    const args: (string | number)[] = [...keys];
    if (mode === 'and') args.push(new Set(keys).size);
    args.push(limit);
    let stmt = this.#searchStatements.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      this.#searchStatements.set(sql, stmt);
    }
    return (stmt.all(...args) as { idx: number }[]).map((r) => r.idx);
  }

  async diskBytes(): Promise<number | undefined> {
    const pages = this.stmts.pageCount.get() as { page_count: number };
    const size = this.stmts.pageSize.get() as { page_size: number };
    return pages.page_count * size.page_size;
  }

  async close(): Promise<void> {
    if (this.#db) {
      this.#db.close();
      this.#db = undefined;
      this.#stmts = undefined;
      this.#searchStatements.clear();
    }
  }
}
