import { toHex } from '@sigstack/crypto/encoding';
import { isSigstackError } from '@sigstack/crypto/errors';
import { verifyConsistency } from '@sigstack/crypto/merkle';
import { MAX_NOTE_BYTES } from '@sigstack/crypto/note';
import { exactlyOne, optionalInteger, optionalString, parseFlags } from '../args.js';
import { AuditError, checking, usage } from '../errors.js';
import { EXIT, exitCodeHelp } from '../exit-codes.js';
import { readLocalFile, writeFileAtomic } from '../files.js';
import type { Io } from '../io.js';
import { printFields, printJson } from '../output.js';
import { compactRangeFromTiles, consistencyProofViaTiles } from '../tiles-tree.js';
import { LOG_OPTIONS, LOG_OPTIONS_HELP, logContext, type LogContext } from './context.js';
import { latestCheckpoint } from './latest.js';
import { openLogCheckpoint, resolveLogKey } from './log-key.js';

export const LOG_CONSISTENCY_HELP = `usage: sigstack log consistency --url URL [--key FILE] (--from CHECKPOINT_FILE | --from-size M)
                                [--to-size N] [--save FILE] [--json]

Proves that the log only grew: fetches its latest signed checkpoint and a consistency proof from
an older tree, and verifies that the older tree is a prefix of the newer one. On failure prints
the evidence (both tree heads and the failing proof) as JSON and exits 13.

${LOG_OPTIONS_HELP}
  --from FILE      an older signed checkpoint (from \`log info --save\`, a monitor's state dir, …);
                   its signature and origin are checked too
  --from-size M    an older tree size; its root is read from the log's tiles (tiles API needed),
                   so this proves the log's own history is linear, not what someone saw earlier
  --to-size N      prove up to size N ≤ the latest (root from tiles, itself proven consistent with
                   the latest signed checkpoint); default: the latest checkpoint
  --save FILE      after success, write the latest signed checkpoint to FILE (atomically)

exit codes:
${exitCodeHelp()}
`;

/** A tree head and where its root came from. */
export type TreeHead = { size: number; rootHash: Uint8Array; origin?: string; note?: string; source: string };

function headJson(h: TreeHead): Record<string, unknown> {
  return { size: h.size, rootHash: toHex(h.rootHash), ...(h.origin === undefined ? {} : { origin: h.origin }), ...(h.note === undefined ? {} : { checkpoint: h.note }), source: h.source };
}

/** The consistency proof from the v1 API, or computed from tiles when the log has no v1 API. */
export async function fetchConsistencyProof(ctx: LogContext, size1: number, size2: number): Promise<{ hashes: Uint8Array[]; source: string }> {
  try {
    return { hashes: (await ctx.rekor.consistencyProof(size1, size2)).hashes, source: 'GET /api/v1/log/proof' };
  } catch (err) {
    if (!(isSigstackError(err, 'ERR_CLIENT_STATUS') && (err as { status?: number }).status === 404)) throw err;
    return { hashes: await consistencyProofViaTiles(ctx.tiles, size1, size2), source: 'tiles' };
  }
}

/**
 * Verifies that `older` is a prefix of `newer` with `proof`. Failure is AuditError `inconsistent`
 * carrying the evidence: both heads, the proof and the error.
 */
export function verifyStep(older: TreeHead, newer: TreeHead, proof: { hashes: Uint8Array[]; source: string }): void {
  try {
    verifyConsistency(older.size, newer.size, older.rootHash, newer.rootHash, proof.hashes);
  } catch (err) {
    if (!isSigstackError(err)) throw err;
    const why = older.size === newer.size ? `two different roots for size ${older.size}` : `the consistency proof from size ${older.size} to ${newer.size} does not verify`;
    throw new AuditError('inconsistent', 'ERR_LOG_INCONSISTENT', `the log is inconsistent: ${why}: ${err.message}`, {
      cause: err,
      evidence: {
        event: 'inconsistent',
        reason: why,
        old: headJson(older),
        new: headJson(newer),
        proof: { from: older.size, to: newer.size, source: proof.source, hashes: proof.hashes.map(toHex) },
        error: err.message,
      },
    });
  }
}

/** Proves older → newer (fetching the proof unless the sizes are equal or older is empty). */
export async function proveConsistency(ctx: LogContext, older: TreeHead, newer: TreeHead): Promise<void> {
  if (older.size > newer.size) {
    throw new AuditError('inconsistent', 'ERR_LOG_INCONSISTENT', `the log is inconsistent: it shrank from size ${older.size} to ${newer.size}`, {
      evidence: { event: 'inconsistent', reason: 'the tree shrank', old: headJson(older), new: headJson(newer) },
    });
  }
  if (older.size === 0) return;
  const proof = older.size === newer.size ? { hashes: [], source: 'none needed' } : await fetchConsistencyProof(ctx, older.size, newer.size);
  verifyStep(older, newer, proof);
}

async function rootFromTiles(ctx: LogContext, size: number, treeSize: number): Promise<Uint8Array> {
  if ((await ctx.tiles.checkpoint()) === undefined) throw usage(`the log serves no tiles at ${ctx.tiles.prefix}; use --from CHECKPOINT_FILE`);
  const range = await checking('badResponse', `tiles of size ${treeSize}`, () => compactRangeFromTiles(ctx.tiles, size, treeSize));
  return range.root();
}

export async function logConsistency(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, { ...LOG_OPTIONS, from: { type: 'string' }, 'from-size': { type: 'string' }, 'to-size': { type: 'string' }, save: { type: 'string' } });
  if (values.help) return io.stdout.write(LOG_CONSISTENCY_HELP), EXIT.ok;
  const ctx = logContext(values, io);
  const which = exactlyOne(values, ['from', 'from-size']);
  const fromSize = optionalInteger(values, 'from-size');
  const toSizeFlag = optionalInteger(values, 'to-size');
  const key = await resolveLogKey(ctx);
  const latest = await latestCheckpoint(ctx, key);
  const head: TreeHead = { size: latest.checkpoint.size, rootHash: latest.checkpoint.rootHash, origin: latest.checkpoint.origin, note: latest.note, source: `${ctx.url} (latest, signed)` };

  let older: TreeHead;
  if (which === 'from') {
    const path = optionalString(values, 'from') as string;
    const text = Buffer.from(await readLocalFile(path, 'checkpoint file', MAX_NOTE_BYTES)).toString('utf8');
    const opened = openLogCheckpoint(key, text, `file ${path}`, 'file');
    if (opened.checkpoint.origin !== head.origin) {
      throw new AuditError('checkpointKey', 'ERR_NOTE_UNVERIFIED', `checkpoint in ${path} is for origin ${JSON.stringify(opened.checkpoint.origin)}, the log's is ${JSON.stringify(head.origin)}`);
    }
    older = { size: opened.checkpoint.size, rootHash: opened.checkpoint.rootHash, origin: opened.checkpoint.origin, note: text, source: path };
  } else {
    const size = fromSize as number;
    if (size > head.size) throw new AuditError('notFound', 'ERR_ENTRY_NOT_FOUND', `--from-size ${size} is beyond the log's size ${head.size}`);
    older = { size, rootHash: await rootFromTiles(ctx, size, head.size), source: 'tiles' };
  }

  const toSize = toSizeFlag ?? head.size;
  if (toSize > head.size) throw new AuditError('notFound', 'ERR_ENTRY_NOT_FOUND', `--to-size ${toSize} is beyond the log's size ${head.size}`);
  let newer = head;
  if (toSize < head.size) {
    if (toSize < older.size) throw usage(`--to-size ${toSize} is below the older tree's size ${older.size}`);
    newer = { size: toSize, rootHash: await rootFromTiles(ctx, toSize, head.size), source: 'tiles' };
    // The root read from tiles is only trusted once it is proven a prefix of the signed head.
    await proveConsistency(ctx, newer, head);
  }
  await proveConsistency(ctx, older, newer);

  const save = optionalString(values, 'save');
  if (save !== undefined) await writeFileAtomic(save, latest.note);
  if (ctx.json) {
    printJson(io, { consistent: true, old: headJson(older), new: headJson(newer), latest: headJson(head), keyPinned: key.pinned, ...(save === undefined ? {} : { saved: save }) });
  } else {
    printFields(io, [
      ['consistent', `the tree of size ${older.size} is a prefix of the tree of size ${newer.size}`],
      ['old root', `${toHex(older.rootHash)} (${older.source})`],
      ['new root', `${toHex(newer.rootHash)} (${newer.source})`],
      ...(newer === head ? [] : [['latest', `size ${head.size} root ${toHex(head.rootHash)}, also proven consistent`] as [string, string]]),
      ['key', `${key.label} (${key.pinned ? 'pinned' : 'UNPINNED'})`],
      ...(save === undefined ? [] : [['saved to', save] as [string, string]]),
    ]);
  }
  return EXIT.ok;
}
