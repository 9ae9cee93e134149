/**
 * A typed client for the Rekor v1 REST API (`/api/v1/...`), for our log and any Rekor-v1-compatible
 * one. Every answer is hostile input: bodies are size-capped by `request`, parsed with the strict
 * JSON parser, and checked field by field (hex, base64, safe integers) before anything is returned;
 * a malformed answer is ClientError ERR_CLIENT_RESPONSE, an unexpected status ERR_CLIENT_STATUS,
 * no answer ERR_CLIENT_UNREACHABLE. Nothing here verifies signatures or proofs: callers do.
 */
import { parseJson, type JsonObject, type JsonValue } from '@sigstack/crypto/canonical-json';
import { parseBase64, parseHex } from '@sigstack/crypto/encoding';
import { ClientError, expectStatus, request, type HttpOptions, type HttpResponse } from './http.js';

/** `GET /api/v1/log`. */
export type RekorLogInfo = {
  rootHash: Uint8Array;
  treeSize: number;
  /** The signed checkpoint note, unverified. */
  signedTreeHead: string;
  /** Decimal tree ID as served. */
  treeId: string;
};

/** `verification.inclusionProof` of a log entry. */
export type RekorInclusionProof = {
  /** The signed checkpoint note the proof is for, unverified. */
  checkpoint: string;
  hashes: Uint8Array[];
  /** Shard-local leaf index. */
  logIndex: number;
  rootHash: Uint8Array;
  treeSize: number;
};

/** One log entry as served, decoded. */
export type RekorEntry = {
  /** The map key as served (80-hex entry ID or 64-hex UUID), lowercase. */
  entryId: string;
  /** The last 64 hex digits of `entryId`: what the log claims is the leaf hash. */
  uuid: string;
  /** The canonical entry body. */
  body: Uint8Array;
  integratedTime: number;
  /** Lowercase hex SHA-256 of the log key's SPKI. */
  logId: string;
  /** Virtual (global) index. */
  logIndex: number;
  inclusionProof?: RekorInclusionProof;
  signedEntryTimestamp?: Uint8Array;
  /** The entry object exactly as parsed, for display. */
  raw: JsonObject;
};

/** `POST /api/v1/index/retrieve` criteria. */
export type RekorSearchQuery = {
  email?: string;
  subject?: string;
  /** `[sha256:|sha512:|sha1:]<hex>`. */
  hash?: string;
  /** `content` is the standard base64 of the PEM text. */
  publicKey?: { format: 'x509'; content: string };
  operator?: 'and' | 'or';
};

export type RekorConsistencyProof = { rootHash: Uint8Array; hashes: Uint8Array[] };

/** Most items in one `entries/retrieve` request (upstream answers 422 above it). */
export const MAX_RETRIEVE = 10;

// Caps per answer: a log that streams a gigabyte must not make us buffer it.
const SMALL = 1024 * 1024;
const ENTRY = 8 * 1024 * 1024;
const LIST = 32 * 1024 * 1024;
/** Proof arrays longer than this cannot be RFC 6962 proofs for any safe tree size. */
const MAX_PROOF_HASHES = 128;
/** Entry bodies larger than this are refused before base64 decoding (upstream bodies are KiB). */
const MAX_BODY_BASE64 = 8 * 1024 * 1024;
const HEX_ID = /^([0-9a-f]{16})?[0-9a-f]{64}$/;

function bad(url: string, message: string, cause?: unknown): ClientError {
  return new ClientError('ERR_CLIENT_RESPONSE', `${url} answered ${message}`, url, undefined, cause === undefined ? undefined : { cause });
}

function parseAnswer(res: HttpResponse, url: string): JsonValue {
  try {
    // Strict parser: duplicate keys, huge integers and deep nesting are refused, not guessed at.
    return parseJson(res.body, { maxDepth: 32 });
  } catch (err) {
    throw bad(url, 'with invalid json', err);
  }
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Field readers that turn shape errors into ClientError naming the field. */
class Reader {
  readonly #url: string;
  constructor(url: string) {
    this.#url = url;
  }

  object(value: JsonValue | undefined, what: string): JsonObject {
    if (!isObject(value)) throw bad(this.#url, `${what} that is not an object`);
    return value;
  }

  string(value: JsonValue | undefined, what: string, max = SMALL): string {
    if (typeof value !== 'string' || value.length > max) throw bad(this.#url, `${what} that is not a string of at most ${max} characters`);
    return value;
  }

  count(value: JsonValue | undefined, what: string): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw bad(this.#url, `${what} that is not an integer ≥ 0`);
    return value;
  }

  hash(value: JsonValue | undefined, what: string): Uint8Array {
    try {
      return parseHex(this.string(value, what, 64), 32, what);
    } catch (err) {
      if (err instanceof ClientError) throw err;
      throw bad(this.#url, `${what} that is not 64 lowercase hex digits`, err);
    }
  }

  base64(value: JsonValue | undefined, what: string, max: number): Uint8Array {
    try {
      return parseBase64(this.string(value, what, max), what);
    } catch (err) {
      if (err instanceof ClientError) throw err;
      throw bad(this.#url, `${what} that is not standard base64`, err);
    }
  }

  hashes(value: JsonValue | undefined, what: string): Uint8Array[] {
    if (!Array.isArray(value) || value.length > MAX_PROOF_HASHES) throw bad(this.#url, `${what} that is not a list of at most ${MAX_PROOF_HASHES} hashes`);
    return value.map((h, i) => this.hash(h, `${what}[${i}]`));
  }
}

function readEntries(value: JsonValue, url: string): RekorEntry[] {
  const r = new Reader(url);
  const map = r.object(value, 'a log entry');
  const out: RekorEntry[] = [];
  for (const [entryId, entryValue] of Object.entries(map)) {
    if (!HEX_ID.test(entryId)) throw bad(url, `an entry id ${JSON.stringify(entryId.slice(0, 90))} that is not 64 or 80 lowercase hex digits`);
    const e = r.object(entryValue, `entry ${entryId}`);
    const entry: RekorEntry = {
      entryId,
      uuid: entryId.slice(-64),
      body: r.base64(e.body, 'body', MAX_BODY_BASE64),
      integratedTime: r.count(e.integratedTime, 'integratedTime'),
      logId: r.string(e.logID, 'logID', 64),
      logIndex: r.count(e.logIndex, 'logIndex'),
      raw: e,
    };
    if (!/^[0-9a-f]{64}$/.test(entry.logId)) throw bad(url, 'a logID that is not 64 lowercase hex digits');
    if (e.verification !== undefined && e.verification !== null) {
      const v = r.object(e.verification, 'verification');
      if (v.signedEntryTimestamp !== undefined) entry.signedEntryTimestamp = r.base64(v.signedEntryTimestamp, 'signedEntryTimestamp', 4096);
      if (v.inclusionProof !== undefined && v.inclusionProof !== null) {
        const p = r.object(v.inclusionProof, 'inclusionProof');
        entry.inclusionProof = {
          checkpoint: r.string(p.checkpoint, 'inclusionProof.checkpoint'),
          hashes: r.hashes(p.hashes, 'inclusionProof.hashes'),
          logIndex: r.count(p.logIndex, 'inclusionProof.logIndex'),
          rootHash: r.hash(p.rootHash, 'inclusionProof.rootHash'),
          treeSize: r.count(p.treeSize, 'inclusionProof.treeSize'),
        };
      }
    }
    out.push(entry);
  }
  return out;
}

/** Client of one Rekor v1 log at `baseUrl` (scheme, host and optional path prefix, no trailing slash needed). */
export class RekorClient {
  readonly baseUrl: string;
  readonly #options: HttpOptions;

  constructor(baseUrl: string, options: HttpOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#options = options;
  }

  async #get(path: string, maxBytes: number): Promise<{ res: HttpResponse; url: string }> {
    const url = `${this.baseUrl}${path}`;
    return { res: await request(url, { headers: { accept: 'application/json' } }, { ...this.#options, maxBytes }), url };
  }

  async #post(path: string, body: unknown, maxBytes: number): Promise<{ res: HttpResponse; url: string }> {
    const url = `${this.baseUrl}${path}`;
    const init = { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) };
    return { res: await request(url, init, { ...this.#options, maxBytes }), url };
  }

  /** `GET /api/v1/log`: the current tree head. */
  async logInfo(): Promise<RekorLogInfo> {
    const { res, url } = await this.#get('/api/v1/log', SMALL);
    expectStatus(res, url, 200);
    const r = new Reader(url);
    const info = r.object(parseAnswer(res, url), 'log info');
    return {
      rootHash: r.hash(info.rootHash, 'rootHash'),
      treeSize: r.count(info.treeSize, 'treeSize'),
      signedTreeHead: r.string(info.signedTreeHead, 'signedTreeHead'),
      treeId: r.string(info.treeID, 'treeID', 32),
    };
  }

  /** `GET /api/v1/log/publicKey`: the PEM text the log says it signs with (unverified, of course). */
  async publicKey(): Promise<string> {
    const { res, url } = await this.#get('/api/v1/log/publicKey', 64 * 1024);
    expectStatus(res, url, 200);
    return Buffer.from(res.body).toString('utf8');
  }

  /**
   * `GET /api/v1/log/proof`: the consistency proof from `firstSize` to `lastSize`. `rootHash` is the
   * root at lastSize on our log but the latest root on upstream Rekor: verify against a signed
   * checkpoint, never against it.
   */
  async consistencyProof(firstSize: number, lastSize: number): Promise<RekorConsistencyProof> {
    const { res, url } = await this.#get(`/api/v1/log/proof?firstSize=${firstSize}&lastSize=${lastSize}`, SMALL);
    expectStatus(res, url, 200);
    const r = new Reader(url);
    const proof = r.object(parseAnswer(res, url), 'consistency proof');
    return { rootHash: r.hash(proof.rootHash, 'rootHash'), hashes: r.hashes(proof.hashes, 'hashes') };
  }

  async #one(path: string): Promise<RekorEntry | undefined> {
    const { res, url } = await this.#get(path, ENTRY);
    if (res.status === 404) return undefined;
    expectStatus(res, url, 200);
    const entries = readEntries(parseAnswer(res, url), url);
    if (entries.length !== 1) throw bad(url, `${entries.length} entries, want 1`);
    return entries[0];
  }

  /** `GET /api/v1/log/entries?logIndex=N`; undefined when the log has no such entry (404). */
  entryByIndex(index: number): Promise<RekorEntry | undefined> {
    return this.#one(`/api/v1/log/entries?logIndex=${index}`);
  }

  /** `GET /api/v1/log/entries/{uuid}` (64 or 80 hex); undefined on 404. */
  entryByUuid(uuid: string): Promise<RekorEntry | undefined> {
    return this.#one(`/api/v1/log/entries/${encodeURIComponent(uuid)}`);
  }

  /** `POST /api/v1/log/entries/retrieve`: at most MAX_RETRIEVE items in all; missing ones are skipped by the log. */
  async retrieve(query: { entryUUIDs?: string[]; logIndexes?: number[] }): Promise<RekorEntry[]> {
    const { res, url } = await this.#post('/api/v1/log/entries/retrieve', query, LIST);
    expectStatus(res, url, 200);
    const list = parseAnswer(res, url);
    if (!Array.isArray(list)) throw bad(url, 'something that is not a list of entries');
    return list.flatMap((item) => readEntries(item, url));
  }

  /** `POST /api/v1/index/retrieve`: the entry IDs the log's search index lists. Hints, not proofs. */
  async searchIndex(query: RekorSearchQuery): Promise<string[]> {
    const { res, url } = await this.#post('/api/v1/index/retrieve', query, LIST);
    expectStatus(res, url, 200);
    const list = parseAnswer(res, url);
    if (!Array.isArray(list)) throw bad(url, 'something that is not a list of entry ids');
    return list.map((id) => {
      if (typeof id !== 'string' || !HEX_ID.test(id)) throw bad(url, 'an entry id that is not 64 or 80 lowercase hex digits');
      return id;
    });
  }

  /** `POST /api/v1/log/entries`: only 201 is success (a 409 duplicate is ClientError with status 409). */
  async createEntry(proposed: unknown): Promise<RekorEntry> {
    const { res, url } = await this.#post('/api/v1/log/entries', proposed, ENTRY);
    expectStatus(res, url, 201);
    const entries = readEntries(parseAnswer(res, url), url);
    if (entries.length !== 1) throw bad(url, `${entries.length} entries, want 1`);
    return entries[0] as RekorEntry;
  }
}
