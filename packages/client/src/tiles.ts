/**
 * A client for the C2SP tlog-tiles read API (https://c2sp.org/tlog-tiles) under a log prefix: our
 * log serves it at `<url>/api/v2`, Rekor v2 at `<url>/api/v2` too, other logs wherever they say.
 * Tiles and entry bundles are checked for shape (exact widths, whole hashes, complete entries)
 * before they are returned; nothing is verified against a checkpoint here.
 */
import { entriesPath, parseEntryBundle, parseTile, tilePath, TILE_WIDTH } from '@sigstack/crypto/tiles';
import { ClientError, expectStatus, request, type HttpOptions } from './http.js';

/** A full tile is 8 KiB; an entry bundle holds 256 entries of at most 64 KiB each. */
const TILE_BYTES = TILE_WIDTH * 32;
const BUNDLE_BYTES = TILE_WIDTH * (2 + 65535);
const CHECKPOINT_BYTES = 1024 * 1024;

export class TilesClient {
  /** The log prefix, without a trailing slash (e.g. `http://127.0.0.1:3000/api/v2`). */
  readonly prefix: string;
  readonly #options: HttpOptions;

  constructor(prefix: string, options: HttpOptions = {}) {
    this.prefix = prefix.replace(/\/+$/, '');
    this.#options = options;
  }

  /**
   * The latest signed checkpoint note (unverified), or undefined when the log does not serve the
   * tiles API here (404, or 501 as Rekor v2's gateway answers for reads it leaves to storage).
   */
  async checkpoint(): Promise<string | undefined> {
    const url = `${this.prefix}/checkpoint`;
    const res = await request(url, {}, { ...this.#options, maxBytes: CHECKPOINT_BYTES });
    if (res.status === 404 || res.status === 501) return undefined;
    expectStatus(res, url, 200);
    return Buffer.from(res.body).toString('utf8');
  }

  /** Bytes at `path`, or undefined on 404. */
  async #fetch(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const url = `${this.prefix}/${path}`;
    const res = await request(url, {}, { ...this.#options, maxBytes });
    if (res.status === 404) return undefined;
    expectStatus(res, url, 200);
    return res.body;
  }

  #missing(path: string): ClientError {
    const url = `${this.prefix}/${path}`;
    return new ClientError('ERR_CLIENT_STATUS', `${url} answered 404 and so did the full tile`, url, 404);
  }

  #shape(path: string, err: unknown): ClientError {
    const url = `${this.prefix}/${path}`;
    return new ClientError('ERR_CLIENT_RESPONSE', `${url} answered a malformed tile: ${(err as Error).message}`, url, 200, { cause: err });
  }

  /**
   * The bytes of tile (level, index) as it is at a tree size where it has `width` hashes: exactly
   * width·32 bytes. A partial tile that is gone (logs may delete it once the full tile exists) is
   * read from the full tile, cut to `width`. Missing both: ClientError ERR_CLIENT_STATUS, status 404.
   */
  async tile(level: number, index: number, width: number): Promise<Uint8Array> {
    const path = tilePath(level, index, width);
    let bytes = await this.#fetch(path, TILE_BYTES);
    let cut = false;
    if (bytes === undefined && width < TILE_WIDTH) {
      bytes = await this.#fetch(tilePath(level, index), TILE_BYTES);
      cut = true;
    }
    if (bytes === undefined) throw this.#missing(path);
    try {
      parseTile(bytes, cut ? TILE_WIDTH : width);
    } catch (err) {
      throw this.#shape(path, err);
    }
    return cut ? bytes.slice(0, width * 32) : bytes;
  }

  /** The `width` entries of entry bundle `index` (partial fallback as for `tile`). */
  async entryBundle(index: number, width: number): Promise<Uint8Array[]> {
    const path = entriesPath(index, width);
    let bytes = await this.#fetch(path, BUNDLE_BYTES);
    let cut = false;
    if (bytes === undefined && width < TILE_WIDTH) {
      bytes = await this.#fetch(entriesPath(index), BUNDLE_BYTES);
      cut = true;
    }
    if (bytes === undefined) throw this.#missing(path);
    try {
      const entries = parseEntryBundle(bytes, cut ? TILE_WIDTH : width);
      return cut ? entries.slice(0, width) : entries;
    } catch (err) {
      throw this.#shape(path, err);
    }
  }
}
