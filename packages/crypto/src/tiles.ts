/**
 * C2SP tlog-tiles (https://c2sp.org/tlog-tiles): tile paths, which tiles exist for a tree size,
 * where a Merkle node lives in the tiles, proofs computed from tiles, and tile / entry-bundle bytes.
 *
 * Facts from the spec this module relies on:
 *  - a tile is up to 256 consecutive 32-byte hashes; entry i of the level-l tile n is the MTH of
 *    the 256^l leaves starting at (n·256 + i)·256^l, i.e. a perfect subtree of height 8·l;
 *  - paths are `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`; L is 0..63 without leading
 *    zeros, N is split in 3-digit groups with all but the last prefixed by `x`, W is 1..255
 *    without leading zeros and only present for partial tiles;
 *  - at tree size s, level l has floor(s / 256^(l+1)) full tiles and, when
 *    floor(s / 256^l) mod 256 > 0, one partial tile of that width; empty tiles do not exist;
 *  - an entry bundle is a sequence of entries each prefixed by a big-endian uint16 length.
 *
 * Our own bound (the whole package uses JavaScript numbers): every tile must start below 2^53
 * leaves, so index·256^(L+1) < 2^53; a larger tile can never exist in a tree whose size is a safe
 * integer, so a path naming one is rejected rather than mis-parsed.
 *
 * Errors: EncodingError ERR_ENCODING_INVALID for paths and bytes that do not parse or cannot be
 * encoded; VerificationError ERR_PROOF_ARGUMENTS for tree sizes, indexes and nodes that make no
 * sense (including a tile that is missing or too narrow for what is asked of it).
 */
import { EncodingError, VerificationError } from './errors.js';
import { HASH_SIZE, hashChildren } from './merkle/hash.js';
import {
  checkSafe,
  consistencyNodes,
  inclusionNodes,
  isSafeNonNegative,
  rehash,
  type NodeId,
  type ProofNodes,
} from './merkle/proof.js';

/** Hashes per full tile. */
export const TILE_WIDTH = 256;
/** Tree levels per tile level: a level-l tile holds hashes of height 8·l subtrees. */
export const TILE_HEIGHT = 8;
/** Highest tile level a path may name (tlog-tiles). */
export const MAX_TILE_LEVEL = 63;
/** Largest entry an entry bundle can hold (uint16 length prefix). */
export const MAX_ENTRY_SIZE = 65535;

const FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE;
const TWO53 = 2 ** 53;

/** A tile at a given tree size: `width` is 256 for a full tile, 1..255 for a partial one. */
export interface TileCoord {
  level: number;
  index: number;
  width: number;
}

/** A parsed tile or entry-bundle path; `width` is 256 for full tiles. */
export interface ParsedTilePath {
  level: number | 'entries';
  index: number;
  width: number;
}

/** Which tiles exist at one level for a tree size. */
export interface TileLevelLayout {
  level: number;
  /** Full tiles have indexes 0 .. fullTiles−1. */
  fullTiles: number;
  /** Width of the partial tile with index `fullTiles`, or 0 if there is none. */
  partialWidth: number;
}

/** Where a perfect node lives: entries [begin, end) of tile (level, index) hash up to it. */
export interface TileNodeLocation {
  /** Tile level: floor(node level / 8). */
  level: number;
  /** Tile index within its level. */
  index: number;
  /** First tile entry (inclusive) under the node. */
  begin: number;
  /** Last tile entry (exclusive) under the node; begin + 2^(node level mod 8). */
  end: number;
}

/** Returns the bytes of a tile, or undefined when it is not available. */
export type TileReader = (tile: TileCoord) => Uint8Array | undefined;

function encodingError(message: string): EncodingError {
  return new EncodingError('ERR_ENCODING_INVALID', message);
}

function argumentError(message: string): VerificationError {
  return new VerificationError('ERR_PROOF_ARGUMENTS', message);
}

function describe(x: unknown): string {
  return typeof x === 'number' ? String(x) : typeof x;
}

/** 256^level as an exact power of two. */
function tileSpan(level: number): number {
  return 2 ** (TILE_HEIGHT * level);
}

function checkCoordinates(level: unknown, index: unknown, width: unknown): asserts level is number {
  if (!Number.isInteger(level) || (level as number) < 0 || (level as number) > MAX_TILE_LEVEL) {
    throw encodingError(`tile level must be an integer in 0..${MAX_TILE_LEVEL}, got ${describe(level)}`);
  }
  // Bounded so that the tile's first leaf, index·256^(level+1), is an exact safe integer.
  if (!isSafeNonNegative(index) || index * tileSpan((level as number) + 1) >= TWO53) {
    throw encodingError(`tile index ${describe(index)} is out of range for level ${String(level)}`);
  }
  if (!Number.isInteger(width) || (width as number) < 1 || (width as number) > TILE_WIDTH) {
    throw encodingError(`tile width must be an integer in 1..${TILE_WIDTH}, got ${describe(width)}`);
  }
}

function encodeIndex(index: number): string {
  let text = String(index % 1000).padStart(3, '0');
  for (let rest = Math.floor(index / 1000); rest > 0; rest = Math.floor(rest / 1000)) {
    text = `x${String(rest % 1000).padStart(3, '0')}/${text}`;
  }
  return text;
}

function suffix(width: number): string {
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

/**
 * `tile/<L>/<N>` for a full tile (width omitted or 256), `tile/<L>/<N>.p/<W>` for a partial one.
 * Level 0..63, index with index·256^(L+1) < 2^53, width 1..256; else ERR_ENCODING_INVALID.
 */
export function tilePath(level: number, index: number, width: number = TILE_WIDTH): string {
  checkCoordinates(level, index, width);
  return `tile/${level}/${encodeIndex(index)}${suffix(width)}`;
}

/** `tile/entries/<N>[.p/<W>]`: the entry bundle matching level-0 tile `index`. Bounds as tilePath. */
export function entriesPath(index: number, width: number = TILE_WIDTH): string {
  checkCoordinates(0, index, width);
  return `tile/entries/${encodeIndex(index)}${suffix(width)}`;
}

// 6 groups cover every safe integer (16 digits); the level accepts at most two digits here and is
// range-checked below. Anchored and linear: no backtracking blow-up on hostile input.
const TILE_PATH = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/){0,5})([0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;
const MAX_PATH_LENGTH = 64;

/**
 * Parses a path made by tilePath or entriesPath, relative to the log prefix (no leading slash),
 * and accepts only the canonical encoding: no leading zeros in L or W, no redundant leading
 * `x000/` group, W in 1..255, L in 0..63, and the index bound of tilePath. Anything else is
 * EncodingError ERR_ENCODING_INVALID.
 */
export function parseTilePath(path: string): ParsedTilePath {
  // Request paths are attacker-controlled: bound the length before matching.
  if (typeof path !== 'string' || path.length > MAX_PATH_LENGTH) {
    throw encodingError(`tile path must be a string of at most ${MAX_PATH_LENGTH} characters`);
  }
  const match = TILE_PATH.exec(path);
  if (match === null) throw encodingError(`malformed tile path ${JSON.stringify(path)}`);
  // Groups 1 to 3 always take part in a match; group 4 only with a `.p/` suffix.
  const levelText = match[1] as string;
  const groups = match[2] as string;
  const last = match[3] as string;
  const widthText = match[4];
  if (groups.startsWith('x000/')) throw encodingError(`tile index in ${JSON.stringify(path)} is not canonical`);
  let index = 0;
  for (const group of groups.split('/')) {
    if (group !== '') index = index * 1000 + Number(group.slice(1));
  }
  index = index * 1000 + Number(last);
  let width = TILE_WIDTH;
  if (widthText !== undefined) {
    width = Number(widthText);
    // A `.p/256` (or more) would be a second name for a full tile.
    if (width >= TILE_WIDTH) throw encodingError(`partial tile width ${width} is not in 1..255`);
  }
  const level = levelText === 'entries' ? 'entries' : Number(levelText);
  checkCoordinates(level === 'entries' ? 0 : level, index, width);
  return { level, index, width };
}

function checkSize(treeSize: unknown): asserts treeSize is number {
  checkSafe(treeSize, 'tree size');
}

function checkLevel(level: unknown): asserts level is number {
  if (!Number.isInteger(level) || (level as number) < 0 || (level as number) > MAX_TILE_LEVEL) {
    throw argumentError(`tile level must be an integer in 0..${MAX_TILE_LEVEL}, got ${describe(level)}`);
  }
}

/** Number of full level-`level` tiles at `treeSize`: floor(treeSize / 256^(level+1)). */
export function fullTileCount(level: number, treeSize: number): number {
  checkLevel(level);
  checkSize(treeSize);
  return Math.floor(treeSize / tileSpan(level + 1));
}

/** Width of the partial level-`level` tile at `treeSize`: floor(treeSize / 256^level) mod 256; 0 if none. */
export function partialTileWidth(level: number, treeSize: number): number {
  checkLevel(level);
  checkSize(treeSize);
  return Math.floor(treeSize / tileSpan(level)) % TILE_WIDTH;
}

/**
 * Every level that has at least one tile at `treeSize`, lowest first, with its full-tile count and
 * partial width. Example: 70000 → level 0: 273 full + width 112, level 1: 1 full + width 17,
 * level 2: width 1. Size 0 has no tiles.
 */
export function tileLayout(treeSize: number): TileLevelLayout[] {
  checkSize(treeSize);
  const layout: TileLevelLayout[] = [];
  for (let level = 0; Math.floor(treeSize / tileSpan(level)) > 0; level++) {
    layout.push({ level, fullTiles: fullTileCount(level, treeSize), partialWidth: partialTileWidth(level, treeSize) });
  }
  return layout;
}

/**
 * Tile (level, index) as it exists at `treeSize`, with its width. ERR_PROOF_ARGUMENTS if that
 * tile does not exist yet (no entry of it is in the tree).
 */
export function tileAt(level: number, index: number, treeSize: number): TileCoord {
  checkLevel(level);
  checkSafe(index, 'tile index');
  checkSize(treeSize);
  const hashes = Math.floor(treeSize / tileSpan(level));
  const width = Math.min(TILE_WIDTH, hashes - index * TILE_WIDTH);
  if (width <= 0) throw argumentError(`tile ${level}/${index} does not exist at tree size ${treeSize}`);
  return { level, index, width };
}

/**
 * The tiles whose contents change when the tree grows from `oldSize` to `newSize` (every tile a
 * writer must write after integrating entries [oldSize, newSize)), with their widths at newSize,
 * lowest level first, then by index. Level-0 coordinates also name the entry bundles to write.
 * Requires 0 <= oldSize <= newSize, else ERR_PROOF_ARGUMENTS.
 */
export function tilesToPublish(oldSize: number, newSize: number): TileCoord[] {
  checkSafe(oldSize, 'old tree size');
  checkSize(newSize);
  if (oldSize > newSize) throw argumentError(`old tree size ${oldSize} is above new tree size ${newSize}`);
  const tiles: TileCoord[] = [];
  for (let level = 0; Math.floor(newSize / tileSpan(level)) > 0; level++) {
    const from = Math.floor(oldSize / tileSpan(level));
    const to = Math.floor(newSize / tileSpan(level));
    if (from === to) continue;
    const last = Math.floor((to - 1) / TILE_WIDTH);
    for (let index = Math.floor(from / TILE_WIDTH); index <= last; index++) {
      tiles.push({ level, index, width: Math.min(TILE_WIDTH, to - index * TILE_WIDTH) });
    }
  }
  return tiles;
}

/**
 * Where perfect node (level, index) lives: tile level floor(level/8); for a level that is a
 * multiple of 8 it is one tile entry, otherwise it is the MTH of the 2^(level mod 8) consecutive
 * entries [begin, end) of that tile. A tile holding them must be at least `end` wide.
 * Requires level 0..52 and (index+1)·2^level <= 2^53 − 1, else ERR_PROOF_ARGUMENTS.
 */
export function tileForNode(level: number, index: number): TileNodeLocation {
  if (!Number.isInteger(level) || level < 0 || level > 52) {
    throw argumentError(`node level must be an integer in 0..52, got ${describe(level)}`);
  }
  checkSafe(index, 'node index');
  // The node must end at a safe leaf count, or its coordinates lose precision.
  if ((index + 1) * 2 ** level > Number.MAX_SAFE_INTEGER) {
    throw argumentError(`node ${level}/${index} lies beyond 2^53 leaves`);
  }
  const span = 2 ** (level % TILE_HEIGHT);
  const position = index * span;
  const begin = position % TILE_WIDTH;
  return { level: Math.floor(level / TILE_HEIGHT), index: Math.floor(position / TILE_WIDTH), begin, end: begin + span };
}

function checkTileBytes(tile: unknown): asserts tile is Uint8Array {
  // Tile bytes come from storage or the network: whole hashes only, never more than a full tile.
  if (!(tile instanceof Uint8Array) || tile.byteLength === 0 || tile.byteLength > FULL_TILE_BYTES || tile.byteLength % HASH_SIZE !== 0) {
    const got = tile instanceof Uint8Array ? `${tile.byteLength} bytes` : typeof tile;
    throw encodingError(`tile must be 1..${TILE_WIDTH} hashes of ${HASH_SIZE} bytes, got ${got}`);
  }
}

/**
 * The hash of perfect node (level, index), read from the bytes of the tile that tileForNode names
 * (full or partial, but at least `end` entries wide, else ERR_PROOF_ARGUMENTS). Tile bytes that
 * are not 1..256 whole hashes: ERR_ENCODING_INVALID. Returns a fresh array.
 */
export function nodeHashFromTile(tile: Uint8Array, level: number, index: number): Uint8Array {
  const location = tileForNode(level, index);
  checkTileBytes(tile);
  const width = tile.byteLength / HASH_SIZE;
  if (width < location.end) {
    throw argumentError(`tile of width ${width} does not hold entries ${location.begin}..${location.end} for node ${level}/${index}`);
  }
  let layer: Uint8Array[] = [];
  for (let i = location.begin; i < location.end; i++) layer.push(tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  if (layer.length === 1) return (layer[0] as Uint8Array).slice();
  while (layer.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < layer.length; i += 2) next.push(hashChildren(layer[i] as Uint8Array, layer[i + 1] as Uint8Array));
    layer = next;
  }
  return layer[0] as Uint8Array;
}

function checkPerfectNode(node: NodeId, treeSize: number): void {
  // Only perfect subtrees inside the tree are stored in tiles.
  if ((node.index + 1) * 2 ** node.level > treeSize) {
    throw argumentError(`node ${node.level}/${node.index} is not a complete subtree of tree size ${treeSize}`);
  }
}

/**
 * The hash of perfect node `node` of the tree of `treeSize` leaves, read through `readTile`,
 * which is asked for the tile with its width at treeSize. ERR_PROOF_ARGUMENTS if the node is not
 * a perfect subtree inside the tree or the tile is missing; ERR_ENCODING_INVALID if the tile's
 * bytes are not exactly width·32 bytes.
 */
export function hashFromTiles(node: NodeId, treeSize: number, readTile: TileReader): Uint8Array {
  const location = tileForNode(node.level, node.index);
  checkSize(treeSize);
  checkPerfectNode(node, treeSize);
  const coord = tileAt(location.level, location.index, treeSize);
  const bytes = readTile(coord);
  if (bytes === undefined) throw argumentError(`${tilePath(coord.level, coord.index, coord.width)} is missing`);
  // A tile served under a width must have exactly that many hashes.
  if (!(bytes instanceof Uint8Array) || bytes.byteLength !== coord.width * HASH_SIZE) {
    const got = bytes instanceof Uint8Array ? `${bytes.byteLength} bytes` : typeof bytes;
    throw encodingError(`${tilePath(coord.level, coord.index, coord.width)} must be ${coord.width * HASH_SIZE} bytes, got ${got}`);
  }
  return nodeHashFromTile(bytes, node.level, node.index);
}

/**
 * The distinct tiles (with widths at treeSize) holding the given perfect nodes, sorted by level
 * then index. ERR_PROOF_ARGUMENTS if a node is not a perfect subtree of the tree.
 */
export function tilesForNodes(nodes: readonly NodeId[], treeSize: number): TileCoord[] {
  checkSize(treeSize);
  const seen = new Map<string, TileCoord>();
  for (const node of nodes) {
    const location = tileForNode(node.level, node.index);
    checkPerfectNode(node, treeSize);
    const key = `${location.level}/${location.index}`;
    if (!seen.has(key)) seen.set(key, tileAt(location.level, location.index, treeSize));
  }
  return [...seen.values()].sort((a, b) => a.level - b.level || a.index - b.index);
}

/** The tiles a client must fetch to build the inclusion proof of leaf `index` in tree `size`. */
export function tilesForInclusionProof(index: number, size: number): TileCoord[] {
  return tilesForNodes(inclusionNodes(index, size).ids, size);
}

/** The tiles a client must fetch to build the consistency proof from size1 to size2. */
export function tilesForConsistencyProof(size1: number, size2: number): TileCoord[] {
  return tilesForNodes(consistencyNodes(size1, size2).ids, size2);
}

function proofFromTiles(nodes: ProofNodes, treeSize: number, readTile: TileReader): Uint8Array[] {
  return rehash(nodes, nodes.ids.map((id) => hashFromTiles(id, treeSize, readTile)));
}

/** The inclusion proof of leaf `index` in tree `size`, computed from tiles only (see hashFromTiles). */
export function inclusionProofFromTiles(index: number, size: number, readTile: TileReader): Uint8Array[] {
  return proofFromTiles(inclusionNodes(index, size), size, readTile);
}

/** The consistency proof from size1 to size2, computed from tiles of tree size2 only. */
export function consistencyProofFromTiles(size1: number, size2: number, readTile: TileReader): Uint8Array[] {
  return proofFromTiles(consistencyNodes(size1, size2), size2, readTile);
}

/**
 * Splits tile bytes into its hashes (views into `bytes`, not copies). The bytes must be 1..256
 * whole 32-byte hashes and, when `width` is given, exactly `width` of them; else
 * ERR_ENCODING_INVALID.
 */
export function parseTile(bytes: Uint8Array, width?: number): Uint8Array[] {
  checkTileBytes(bytes);
  const count = bytes.byteLength / HASH_SIZE;
  if (width !== undefined && count !== width) throw encodingError(`tile has ${count} hashes, want ${describe(width)}`);
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < count; i++) hashes.push(bytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  return hashes;
}

/** Concatenates 1..256 hashes of 32 bytes into tile bytes; else ERR_ENCODING_INVALID. */
export function formatTile(hashes: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(hashes) || hashes.length === 0 || hashes.length > TILE_WIDTH) {
    throw encodingError(`a tile holds 1..${TILE_WIDTH} hashes, got ${Array.isArray(hashes) ? hashes.length : typeof hashes}`);
  }
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((hash, i) => {
    if (!(hash instanceof Uint8Array) || hash.byteLength !== HASH_SIZE) throw encodingError(`tile hash ${i} is not ${HASH_SIZE} bytes`);
    out.set(hash, i * HASH_SIZE);
  });
  return out;
}

/**
 * Splits an entry bundle into its entries (views into `bytes`, not copies). Strict: every entry
 * must be complete (a truncated length or body is ERR_ENCODING_INVALID), the bundle must hold
 * 1..256 entries and, when `width` is given, exactly `width` of them.
 */
export function parseEntryBundle(bytes: Uint8Array, width?: number): Uint8Array[] {
  if (!(bytes instanceof Uint8Array)) throw encodingError(`entry bundle must be bytes, got ${typeof bytes}`);
  const entries: Uint8Array[] = [];
  let pos = 0;
  while (pos < bytes.byteLength) {
    // Stop at 257 entries: a bundle of zero-length entries must not make us build a huge array.
    if (entries.length === TILE_WIDTH) throw encodingError(`entry bundle holds more than ${TILE_WIDTH} entries`);
    if (pos + 2 > bytes.byteLength) throw encodingError(`entry bundle is truncated in the length of entry ${entries.length}`);
    const length = ((bytes[pos] as number) << 8) | (bytes[pos + 1] as number);
    pos += 2;
    if (pos + length > bytes.byteLength) {
      throw encodingError(`entry ${entries.length} of the bundle needs ${length} bytes, ${bytes.byteLength - pos} left`);
    }
    entries.push(bytes.subarray(pos, pos + length));
    pos += length;
  }
  if (entries.length === 0) throw encodingError('entry bundle is empty');
  if (width !== undefined && entries.length !== width) {
    throw encodingError(`entry bundle has ${entries.length} entries, want ${describe(width)}`);
  }
  return entries;
}

/**
 * Encodes 1..256 entries of at most 65535 bytes each as an entry bundle; else
 * ERR_ENCODING_INVALID.
 */
export function formatEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > TILE_WIDTH) {
    throw encodingError(`an entry bundle holds 1..${TILE_WIDTH} entries, got ${Array.isArray(entries) ? entries.length : typeof entries}`);
  }
  let total = 0;
  entries.forEach((entry, i) => {
    // The uint16 prefix cannot express more; truncating would corrupt the log.
    if (!(entry instanceof Uint8Array) || entry.byteLength > MAX_ENTRY_SIZE) {
      const got = entry instanceof Uint8Array ? `${entry.byteLength} bytes` : typeof entry;
      throw encodingError(`entry ${i} must be at most ${MAX_ENTRY_SIZE} bytes, got ${got}`);
    }
    total += 2 + entry.byteLength;
  });
  const out = new Uint8Array(total);
  let pos = 0;
  for (const entry of entries) {
    out[pos] = entry.byteLength >>> 8;
    out[pos + 1] = entry.byteLength & 0xff;
    out.set(entry, pos + 2);
    pos += 2 + entry.byteLength;
  }
  return out;
}
