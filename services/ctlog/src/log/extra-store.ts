import Database from 'better-sqlite3';
import { LogError } from '@sigstack/tlog';
import { toHex } from '@sigstack/crypto/encoding';
import { encodePrecertChainEntry, encodeX509ChainEntry } from '../ct/structures.js';

/** A signed tree head as stored: `signature` is the TLS DigitallySigned. */
export type StoredSth = { readonly size: number; readonly rootHash: Uint8Array; readonly timestamp: number; readonly signature: Uint8Array };

const SCHEMA = `
-- certs and extra: the old layout's chains (each issuer stored once, entries referring to it by
-- SHA-256), read once at start and moved into the engine; new data directories leave them empty.
CREATE TABLE IF NOT EXISTS certs (
  hash BLOB PRIMARY KEY,
  der  BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS extra (
  idx       INTEGER PRIMARY KEY,
  leaf_hash BLOB NOT NULL,
  precert   BLOB,
  chain     BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS sths (
  size      INTEGER PRIMARY KEY,
  root      BLOB NOT NULL,
  timestamp INTEGER NOT NULL,
  signature BLOB NOT NULL
);
`;

/** Certificates kept in memory while old-layout chains are read: issuers repeat across entries. */
const CERT_CACHE_SIZE = 4096;

type ExtraRow = { idx: number; leaf_hash: Buffer; precert: Buffer | null; chain: Buffer };
type SthRow = { size: number; root: Buffer; timestamp: number; signature: Buffer };

function prepare(db: Database.Database) {
  return {
    getCert: db.prepare('SELECT der FROM certs WHERE hash = ?'),
    clearExtra: db.prepare('DELETE FROM extra'),
    clearCerts: db.prepare('DELETE FROM certs'),
    range: db.prepare('SELECT idx, leaf_hash, precert, chain FROM extra WHERE idx >= ? AND idx < ? ORDER BY idx'),
    countBelow: db.prepare('SELECT count(*) AS n FROM extra WHERE idx < ?'),
    truncateExtra: db.prepare('DELETE FROM extra WHERE idx >= ?'),
    truncateSths: db.prepare('DELETE FROM sths WHERE size > ?'),
    putSth: db.prepare('INSERT OR REPLACE INTO sths (size, root, timestamp, signature) VALUES (?, ?, ?, ?)'),
    latestSth: db.prepare('SELECT size, root, timestamp, signature FROM sths ORDER BY size DESC LIMIT 1'),
  };
}

type Statements = ReturnType<typeof prepare>;

function storageError(message: string, cause: unknown): LogError {
  return new LogError('ERR_LOG_STORAGE', message, { cause });
}

/**
 * The CT log's second SQLite database, `ctlog-extra.db`: the signed tree heads, and in data
 * directories written before the chains moved into the engine's transaction (the `extra` and
 * `certs` tables), the chains that get-entries returns as `extra_data`, which `openCtLog` moves
 * into the engine once and then deletes here. Same durability as the engine (WAL,
 * synchronous=FULL, one exclusive writer).
 *
 * Contract: `writeSth` is one transaction; when it returns, the head is fsynced. `truncate`
 * removes rows beyond the engine's size at start (batches the engine never committed).
 */
export class ExtraStore {
  readonly #db: Database.Database;
  readonly #stmts: Statements;
  readonly #certs = new Map<string, Uint8Array>();

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#stmts = prepare(db);
  }

  /** Opens (or creates) the database at `path` as its only writer; throws ERR_LOG_STORAGE otherwise. */
  static open(path: string): ExtraStore {
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      db.pragma('busy_timeout = 0');
      // As the engine's database: exclusive before WAL, and the lock taken now is kept until close.
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec('BEGIN EXCLUSIVE; COMMIT;');
      db.exec(SCHEMA);
      return new ExtraStore(db);
    } catch (err) {
      db?.close();
      throw storageError(`couldn't open the chain database ${path} as its only writer (is another ctlog process running on it?)`, err);
    }
  }

  /** Stores a signed tree head in one durable transaction. */
  writeSth(sth: StoredSth): void {
    try {
      this.#stmts.putSth.run(sth.size, sth.rootHash, sth.timestamp, sth.signature);
    } catch (err) {
      throw storageError(`couldn't store the tree head of size ${sth.size}`, err);
    }
  }

  /**
   * The `extra_data` of entries [start, start + count), in index order, each with the leaf hash it
   * was stored for. Missing rows are simply absent; the caller checks.
   */
  range(start: number, count: number): { index: number; leafHash: Uint8Array; extraData: Uint8Array }[] {
    const rows = this.#stmts.range.all(start, start + count) as ExtraRow[];
    return rows.map((row) => {
      const chain: Uint8Array[] = [];
      for (let i = 0; i < row.chain.length; i += 32) chain.push(this.#cert(row.chain.subarray(i, i + 32)));
      const extraData = row.precert === null ? encodeX509ChainEntry(chain) : encodePrecertChainEntry(new Uint8Array(row.precert), chain);
      return { index: row.idx, leafHash: new Uint8Array(row.leaf_hash), extraData };
    });
  }

  #cert(hash: Uint8Array): Uint8Array {
    const key = toHex(hash);
    const cached = this.#certs.get(key);
    if (cached) return cached;
    const row = this.#stmts.getCert.get(hash) as { der: Buffer } | undefined;
    if (!row) throw new LogError('ERR_LOG_INCONSISTENT', `certificate ${key} of a stored chain is missing`);
    const der = new Uint8Array(row.der);
    if (this.#certs.size >= CERT_CACHE_SIZE) this.#certs.delete(this.#certs.keys().next().value as string);
    this.#certs.set(key, der);
    return der;
  }

  /** Rows stored for indices below `size`. */
  countBelow(size: number): number {
    return (this.#stmts.countBelow.get(size) as { n: number }).n;
  }

  /** Deletes the old-layout chains (after they were moved into the engine) in one transaction. */
  clearChains(): void {
    this.#db.transaction(() => {
      this.#stmts.clearExtra.run();
      this.#stmts.clearCerts.run();
    }).immediate();
    this.#certs.clear();
  }

  /** Removes rows written for batches the engine never committed (indices ≥ size, tree heads > size). */
  truncate(size: number): void {
    this.#db.transaction(() => {
      this.#stmts.truncateExtra.run(size);
      this.#stmts.truncateSths.run(size);
    }).immediate();
  }

  latestSth(): StoredSth | undefined {
    const row = this.#stmts.latestSth.get() as SthRow | undefined;
    return row && { size: row.size, rootHash: new Uint8Array(row.root), timestamp: row.timestamp, signature: new Uint8Array(row.signature) };
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
