import { DuplicateEntryError, LogError } from '@sigstack/tlog';
import type { Log, StoredEntry } from '@sigstack/tlog';
import { signSET } from '@sigstack/crypto/set';
import { hashLeaf } from '@sigstack/crypto/merkle';
import { parseHex, toBase64, toHex } from '@sigstack/crypto/encoding';
import type { JsonValue } from '@sigstack/crypto/canonical-json';
import type { KindRegistry } from '../kinds/index.js';
import { hashIndexKey, publicKeyIndexKey } from '../kinds/index.js';
import { EntryExistsError, RekorError } from '../errors.js';
import type { LogKey } from './log-key.js';
import type { ConsistencyProof, LogEntry, LogInfo } from './types.js';

/** Most items one retrieve request may name (upstream answers 422 above it). */
export const MAX_RETRIEVE = 10;
/** Most entry IDs a search-index answer lists; upstream has no bound, we document this one. */
export const MAX_SEARCH_RESULTS = 10_000;

export type SearchIndexQuery = {
  email?: string;
  subject?: string;
  hash?: string;
  publicKey?: { format: string; content: string };
  operator?: 'and' | 'or';
};

export type SearchLogQuery = { entryUUIDs?: string[]; logIndexes?: number[]; entries?: JsonValue[] };

/**
 * The Rekor v1 log: entry kinds in front of the log engine, and the LogEntry, SET and proof
 * shapes behind it. No HTTP here: routes validate the request shape and call these methods.
 */
export class RekorLog {
  readonly #log: Log;
  readonly #kinds: KindRegistry;
  readonly #key: LogKey;
  readonly treeId: string;
  /** The tree ID as 16 hex digits, the prefix of every entry ID. */
  readonly treeIdHex: string;

  constructor(options: { log: Log; kinds: KindRegistry; key: LogKey; treeId: string }) {
    this.#log = options.log;
    this.#kinds = options.kinds;
    this.#key = options.key;
    this.treeId = options.treeId;
    this.treeIdHex = BigInt(options.treeId).toString(16).padStart(16, '0');
  }

  get key(): LogKey {
    return this.#key;
  }

  get engine(): Log {
    return this.#log;
  }

  entryId(leafHash: Uint8Array): string {
    return this.treeIdHex + toHex(leafHash);
  }

  /** Validates, canonicalizes and appends an entry; resolves once it is durably in the log. */
  async create(proposed: JsonValue): Promise<{ entryId: string; entry: LogEntry }> {
    const canonical = this.#kinds.canonicalize(proposed);
    try {
      const added = await this.#log.add({ body: canonical.body, searchKeys: canonical.searchKeys });
      const entryId = this.entryId(added.leafHash);
      const stored = { index: added.index, leafHash: added.leafHash, body: canonical.body, integratedTime: added.integratedTime };
      return { entryId, entry: this.#format(stored, added.checkpoint.note, added.checkpoint.size, added.checkpoint.rootHash, added.proof) };
    } catch (err) {
      if (err instanceof DuplicateEntryError) throw new EntryExistsError(this.entryId(err.leafHash));
      throw err;
    }
  }

  #format(e: StoredEntry, note: string, size: number, root: Uint8Array, proof: Uint8Array[]): LogEntry {
    const body = toBase64(e.body);
    const set = signSET({ body, integratedTime: e.integratedTime, logID: this.#key.logId, logIndex: e.index }, this.#key.privateKey);
    return {
      [this.entryId(e.leafHash)]: {
        body,
        integratedTime: e.integratedTime,
        logID: this.#key.logId,
        logIndex: e.index,
        verification: {
          inclusionProof: { checkpoint: note, hashes: proof.map(toHex), logIndex: e.index, rootHash: toHex(root), treeSize: size },
          signedEntryTimestamp: toBase64(set),
        },
      },
    };
  }

  /** The entry with its inclusion proof in the latest checkpoint and a fresh SET. */
  async #withProof(e: StoredEntry): Promise<LogEntry> {
    const cp = this.#log.checkpoint;
    const proof = await this.#log.inclusionProof(e.index, cp.size);
    return this.#format(e, cp.note, cp.size, cp.rootHash, proof);
  }

  async byIndex(index: number): Promise<LogEntry | undefined> {
    const e = await this.#log.getEntry(index);
    return e && this.#withProof(e);
  }

  /**
   * By 64-hex UUID (the leaf hash) or 80-hex entry ID. An entry ID of another tree is simply not
   * found, as upstream answers for a tree ID that is not a shard. Throws for malformed IDs.
   */
  async byUuid(uuid: string): Promise<LogEntry | undefined> {
    if (typeof uuid !== 'string' || (uuid.length !== 64 && uuid.length !== 80) || !/^[0-9a-fA-F]+$/.test(uuid)) {
      throw new RekorError('ERR_REQUEST_INVALID', 'UUID must be a 64-character hexadecimal string');
    }
    const lower = uuid.toLowerCase();
    if (lower.length === 80 && lower.slice(0, 16) !== this.treeIdHex) return undefined;
    const e = await this.#log.findByLeafHash(parseHex(lower.slice(-64), 32));
    return e && this.#withProof(e);
  }

  /** POST /api/v1/log/entries/retrieve: UUIDs and entries first, then indexes; missing items are skipped. */
  async retrieve(query: SearchLogQuery): Promise<LogEntry[]> {
    const uuids = query.entryUUIDs ?? [];
    const indexes = query.logIndexes ?? [];
    const entries = query.entries ?? [];
    if (uuids.length + indexes.length + entries.length > MAX_RETRIEVE) {
      throw new RekorError('ERR_REQUEST_TOO_MANY', `more than max allowed ${MAX_RETRIEVE} entries in request`);
    }
    const found: (LogEntry | undefined)[] = [];
    for (const uuid of uuids) found.push(await this.byUuid(uuid));
    for (const proposed of entries) {
      const { body } = this.#kinds.canonicalize(proposed);
      const e = await this.#log.findByLeafHash(hashLeaf(body));
      found.push(e && (await this.#withProof(e)));
    }
    for (const index of indexes) found.push(await this.byIndex(index));
    return found.filter((e): e is LogEntry => e !== undefined);
  }

  /** POST /api/v1/index/retrieve: entry IDs matching the criteria, combined with `operator`. */
  async searchIndex(query: SearchIndexQuery): Promise<string[]> {
    const keys: string[] = [];
    if (query.email !== undefined) keys.push(query.email.toLowerCase());
    if (query.subject !== undefined) keys.push(query.subject.toLowerCase());
    if (query.hash !== undefined) keys.push(hashIndexKey(query.hash));
    if (query.publicKey !== undefined) keys.push(publicKeyIndexKey(query.publicKey.format, query.publicKey.content));
    if (keys.length === 0) throw new RekorError('ERR_REQUEST_INVALID', 'no search criteria were given');
    const indexes = await this.#log.search(keys, query.operator ?? 'or', MAX_SEARCH_RESULTS);
    const ids: string[] = [];
    for (const index of indexes) {
      const e = await this.#log.getEntry(index);
      if (e) ids.push(this.entryId(e.leafHash));
    }
    return ids;
  }

  info(): LogInfo {
    const cp = this.#log.checkpoint;
    return { rootHash: toHex(cp.rootHash), treeSize: cp.size, signedTreeHead: cp.note, treeID: this.treeId };
  }

  /**
   * Consistency proof from firstSize to lastSize. Unlike upstream, `rootHash` is the root AT
   * lastSize, so the answer can be checked on its own.
   */
  async consistency(firstSize: number, lastSize: number): Promise<ConsistencyProof> {
    const size = this.#log.checkpoint.size;
    if (firstSize > lastSize) throw new RekorError('ERR_PROOF_ARGUMENTS', `firstSize(${firstSize}) must be less than lastSize(${lastSize})`);
    if (lastSize > size) throw new RekorError('ERR_PROOF_ARGUMENTS', `the tree size requested(${lastSize}) was greater than what is currently observable(${size})`);
    try {
      const hashes = await this.#log.consistencyProof(firstSize, lastSize);
      return { rootHash: toHex(await this.#log.rootAt(lastSize)), hashes: hashes.map(toHex) };
    } catch (err) {
      if (err instanceof LogError && err.code === 'ERR_PROOF_ARGUMENTS') throw new RekorError('ERR_PROOF_ARGUMENTS', err.message);
      throw err;
    }
  }
}
