import { bytesEqual, toHex } from '@sigstack/crypto/encoding';
import { isSigstackError } from '@sigstack/crypto/errors';
import type { OpenedCheckpoint } from '@sigstack/crypto/note';
import { warn } from '../output.js';
import type { LogContext } from './context.js';
import { openLogCheckpoint, type LogKey } from './log-key.js';

export type SignedCheckpoint = OpenedCheckpoint & { note: string };

/**
 * The log's latest checkpoint, verified with `key`: from `GET /api/v1/log`, or from the tiles API
 * when the log has no v1 API (404). Only the signed values are used; when the v1 answer's unsigned
 * size or root differ from them, a warning says so.
 */
export async function latestCheckpoint(ctx: LogContext, key: LogKey): Promise<SignedCheckpoint> {
  let note: string;
  let unsigned: { treeSize: number; rootHash: Uint8Array } | undefined;
  try {
    const info = await ctx.rekor.logInfo();
    note = info.signedTreeHead;
    unsigned = info;
  } catch (err) {
    if (!(isSigstackError(err, 'ERR_CLIENT_STATUS') && (err as { status?: number }).status === 404)) throw err;
    const tiled = await ctx.tiles.checkpoint();
    if (tiled === undefined) throw err;
    note = tiled;
  }
  const opened = openLogCheckpoint(key, note, ctx.url, 'log');
  const cp = opened.checkpoint;
  if (unsigned && (unsigned.treeSize !== cp.size || !bytesEqual(unsigned.rootHash, cp.rootHash))) {
    warn(ctx.io, `the log's unsigned tree head (size ${unsigned.treeSize}, root ${toHex(unsigned.rootHash)}) differs from its signed checkpoint; using the signed one`);
  }
  return { ...opened, note };
}
