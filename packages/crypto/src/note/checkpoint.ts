/**
 * Checkpoints (https://c2sp.org/tlog-checkpoint): the signed-note text
 *   <origin>\n<tree size>\n<base64 root hash>\n[<extension line>\n]...
 * plus the Rekor v1 flavour: origin "<hostname> - <decimal tree ID>", signed by the log's ECDSA
 * key under the name <hostname>, with no extension lines.
 */
import { EncodingError } from '../errors.js';
import { parseBase64, parseDecimal, toBase64 } from '../encoding.js';
import { type NoteSigner, type NoteVerifier, checkNoteText, isValidKeyName, openNote, signNote } from './note.js';

/** Bytes of a root hash (SHA-256). */
const ROOT_HASH_BYTES = 32;

/** Largest Rekor tree ID: Trillian tree IDs are positive int64s. */
const MAX_TREE_ID = (1n << 63n) - 1n;

export interface Checkpoint {
  /** Non-empty first line naming the log. */
  origin: string;
  /** Number of leaves, a safe integer ≥ 0. */
  size: number;
  /** 32-byte root hash. */
  rootHash: Uint8Array;
  /** Optional non-empty lines after the root hash (NOT RECOMMENDED by the spec; Rekor v1 has none). */
  extensions: string[];
}

export interface OpenedCheckpoint {
  checkpoint: Checkpoint;
  /** The verified note text the checkpoint was parsed from. */
  text: string;
  /** Names of the known keys that signed it. */
  verifiedBy: string[];
}

function malformed(message: string, cause?: unknown): never {
  throw new EncodingError('ERR_NOTE_MALFORMED', message, cause === undefined ? undefined : { cause });
}

/**
 * Builds the checkpoint note text (ending in "\n"). Preconditions, checked (ERR_NOTE_MALFORMED):
 * non-empty single-line origin, safe integer size ≥ 0, 32-byte root hash, and extension lines that
 * are non-empty single lines; no control characters anywhere.
 */
export function formatCheckpoint(cp: Checkpoint): string {
  if (typeof cp.origin !== 'string' || cp.origin === '' || cp.origin.includes('\n')) malformed('checkpoint origin must be a non-empty single line');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) malformed(`checkpoint size ${String(cp.size)} is not a safe integer ≥ 0`);
  if (!(cp.rootHash instanceof Uint8Array) || cp.rootHash.byteLength !== ROOT_HASH_BYTES) malformed(`checkpoint root hash must be ${ROOT_HASH_BYTES} bytes`);
  if (!Array.isArray(cp.extensions)) malformed('checkpoint extensions must be an array');
  let text = `${cp.origin}\n${cp.size}\n${toBase64(cp.rootHash)}\n`;
  for (const line of cp.extensions) {
    if (typeof line !== 'string' || line === '' || line.includes('\n')) malformed('checkpoint extension lines must be non-empty single lines');
    text += `${line}\n`;
  }
  checkNoteText(text, 'checkpoint');
  return text;
}

/**
 * Parses a checkpoint note text strictly: non-empty origin, tree size in canonical decimal (no
 * sign, no leading zeros) within the safe-integer range, root hash in standard padded base64 of
 * exactly 32 bytes, then only non-empty extension lines, the whole text ending in "\n".
 * Throws ERR_NOTE_MALFORMED. Does not verify anything: use openCheckpoint for untrusted notes.
 */
export function parseCheckpoint(text: string): Checkpoint {
  checkNoteText(text, 'checkpoint');
  // Bounded by checkNoteText: at most MAX_NOTE_BYTES characters.
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeText, rootText] = lines;
  if (rootText === undefined) malformed(`checkpoint has ${lines.length} lines, want at least 3`);
  if (origin === '') malformed('checkpoint origin is empty');
  let size: number;
  let rootHash: Uint8Array;
  try {
    size = parseDecimal(sizeText as string, 'checkpoint size');
    rootHash = parseBase64(rootText, 'checkpoint root hash');
  } catch (err) {
    return malformed(`checkpoint size or root hash does not parse: ${(err as Error).message}`, err);
  }
  if (rootHash.byteLength !== ROOT_HASH_BYTES) malformed(`checkpoint root hash has ${rootHash.byteLength} bytes, want ${ROOT_HASH_BYTES}`);
  const extensions = lines.slice(3);
  if (extensions.includes('')) malformed('checkpoint has an empty extension line');
  return { origin: origin as string, size, rootHash, extensions };
}

/** Formats `cp` and signs it with every signer; returns the signed note. */
export function signCheckpoint(cp: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(cp), signers);
}

/**
 * Verifies a signed checkpoint note against known keys (see openNote for the rules and codes)
 * and parses its text. Only the checkpoint is checked here; callers still check the origin they
 * expect and consistency with checkpoints they saw before.
 */
export function openCheckpoint(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedCheckpoint {
  const { text, verifiedBy } = openNote(note, verifiers);
  return { checkpoint: parseCheckpoint(text), text, verifiedBy };
}

const TREE_ID = /^[1-9][0-9]*$/;

function parseTreeId(treeId: string | bigint): bigint {
  let id: bigint | undefined;
  if (typeof treeId === 'bigint') id = treeId;
  // Length bound before the regex and BigInt(): 19 digits cover every int64.
  else if (typeof treeId === 'string' && treeId.length <= 19 && TREE_ID.test(treeId)) id = BigInt(treeId);
  if (id === undefined || id < 1n || id > MAX_TREE_ID) {
    throw new EncodingError('ERR_ENCODING_INVALID', `rekor tree id must be a decimal integer from 1 to ${MAX_TREE_ID}, got ${JSON.stringify(String(treeId).slice(0, 40))}`);
  }
  return id;
}

/**
 * The Rekor v1 checkpoint origin `<hostname> - <decimal tree ID>`. The hostname must be a valid
 * note key name, since it also names the checkpoint signature (ERR_NOTE_MALFORMED otherwise), and
 * the tree ID a positive int64 given as a bigint or canonical decimal (ERR_ENCODING_INVALID).
 */
export function rekorOrigin(hostname: string, treeId: string | bigint): string {
  if (!isValidKeyName(hostname)) malformed(`rekor hostname ${JSON.stringify(String(hostname).slice(0, 40))} is not a valid note key name`);
  return `${hostname} - ${parseTreeId(treeId)}`;
}

/**
 * True when `origin` looks like a Rekor v1 origin, the test sigstore-go applies to line 1 of a
 * checkpoint (`.* - [0-9]+$`): it ends with " - " and one or more ASCII digits. Implemented as a
 * scan, not a regex, so hostile text cannot make it backtrack.
 */
export function isRekorV1Origin(origin: string): boolean {
  if (typeof origin !== 'string') return false;
  const sep = origin.lastIndexOf(' - ');
  if (sep < 0 || sep + 3 === origin.length) return false;
  for (let i = sep + 3; i < origin.length; i++) {
    const c = origin.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
