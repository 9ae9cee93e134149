/**
 * The monitor's durable state in `--state DIR`:
 *  - `state.json`: the newest verified checkpoint (note text, size, root), the compact range of
 *    that tree (popcount(size) hashes: all the monitor needs to verify what comes next), the log
 *    URL and the log key pinned at first use. Replaced atomically (temp file, fsync, rename, fsync
 *    of the directory): after a crash it holds the old or the new state, never a mix;
 *  - `checkpoint`: a copy of the newest verified checkpoint note, written after state.json, for
 *    `sigstack log consistency --from DIR/checkpoint` and for publishing. state.json is the truth.
 * A state that does not load, or whose compact range does not hash to its root, is refused (exit
 * 3): silently starting over would hide a rollback.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJson, type JsonObject } from '@sigstack/crypto/canonical-json';
import { parseHex, toHex, bytesEqual } from '@sigstack/crypto/encoding';
import { CompactRange } from '@sigstack/crypto/merkle';
import { AuditError } from '../errors.js';
import { readLocalFile, writeFileAtomic } from '../files.js';

export type MonitorState = {
  url: string;
  /** The log key (PEM or vkey text) pinned at first use, or given with --key. */
  key: string;
  origin: string;
  /** The newest verified checkpoint note; empty before the first verified poll. */
  checkpoint: string;
  size: number;
  rootHash: Uint8Array;
  range: CompactRange;
};

const STATE_FILE = 'state.json';
const CHECKPOINT_FILE = 'checkpoint';
const MAX_STATE = 1024 * 1024;

function corrupt(dir: string, why: string, cause?: unknown): AuditError {
  return new AuditError('input', 'ERR_ENCODING_INVALID', `monitor state in ${dir} is unusable: ${why}`, cause === undefined ? {} : { cause });
}

/** The state in `dir`, or undefined when there is none yet (the directory is created). */
export async function loadState(dir: string): Promise<MonitorState | undefined> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new AuditError('input', 'ERR_ENCODING_INVALID', `couldn't create state directory ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  let bytes: Uint8Array;
  try {
    bytes = await readLocalFile(join(dir, STATE_FILE), 'monitor state', MAX_STATE);
  } catch (err) {
    if ((err as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') return undefined;
    throw err;
  }
  let s: JsonObject;
  try {
    s = parseJson(bytes, { maxDepth: 4 }) as JsonObject;
    if (s.version !== 1) throw new Error(`version ${String(s.version)} is not 1`);
    const field = (name: string) => {
      const v = s[name];
      if (typeof v !== 'string') throw new Error(`${name} is not a string`);
      return v;
    };
    const size = s.size;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new Error('size is not an integer ≥ 0');
    const hashes = s.compactRange;
    if (!Array.isArray(hashes)) throw new Error('compactRange is not a list');
    const range = CompactRange.fromHashes(size, hashes.map((h, i) => parseHex(String(h), 32, `compactRange[${i}]`)));
    const rootHash = parseHex(field('rootHash'), 32, 'rootHash');
    if (!bytesEqual(range.root(), rootHash)) throw new Error('its compact range does not hash to its root');
    return { url: field('url'), key: field('key'), origin: field('origin'), checkpoint: field('checkpoint'), size, rootHash, range };
  } catch (err) {
    throw corrupt(dir, (err as Error).message, err);
  }
}

/** Stores `state` durably (state.json first, then the checkpoint copy). */
export async function saveState(dir: string, state: MonitorState): Promise<void> {
  const json = {
    version: 1,
    url: state.url,
    key: state.key,
    origin: state.origin,
    size: state.size,
    rootHash: toHex(state.rootHash),
    checkpoint: state.checkpoint,
    compactRange: state.range.hashes().map(toHex),
  };
  await writeFileAtomic(join(dir, STATE_FILE), `${JSON.stringify(json, null, 2)}\n`);
  if (state.checkpoint !== '') await writeFileAtomic(join(dir, CHECKPOINT_FILE), state.checkpoint);
}
