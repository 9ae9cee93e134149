/**
 * One monitor poll: fetch the latest checkpoint, verify its signature and origin, prove it
 * consistent with the last verified one, then recompute the new part of the tree from the
 * entries themselves (each leaf hash checked against the log's level-0 tile or UUID, appended to
 * the stored compact range) and require the signed root. Only a fully verified checkpoint
 * becomes the new state; identities are reported only from verified entries.
 */
import { bytesEqual, toHex } from '@sigstack/crypto/encoding';
import { CompactRange, hashLeaf } from '@sigstack/crypto/merkle';
import { TILE_HEIGHT, TILE_WIDTH, tilePath, tilesToPublish } from '@sigstack/crypto/tiles';
import { AuditError, checking } from '../errors.js';
import type { Io } from '../io.js';
import { decodeBody, mayHoldCertificate, type CertificateSigner } from '../log/entry-body.js';
import { openLogCheckpoint, type LogKey } from '../log/log-key.js';
import { verifyStep, type TreeHead } from '../log/consistency.js';
import { matchSigner, type IdentityPattern } from './patterns.js';
import { Progress } from './progress.js';
import type { LogSource } from './source.js';
import type { MonitorState } from './state.js';

export type MonitorEvent = { event: string; [field: string]: unknown };

export type MonitorOptions = {
  url: string;
  source: LogSource;
  key: LogKey;
  patterns: readonly IdentityPattern[];
  io: Io;
  emit: (event: MonitorEvent) => void;
  concurrency: number;
  /** Show a progress line for catch-ups of at least this many entries (only on a TTY). */
  progressThreshold?: number;
};

/** `interrupted`: the abort signal fired mid-catch-up; `state` is then the old one. */
export type PollResult = { state: MonitorState; matches: number; entries: number; interrupted?: boolean };

function head(state: Pick<MonitorState, 'size' | 'rootHash' | 'origin' | 'checkpoint'>, source: string): TreeHead {
  return { size: state.size, rootHash: state.rootHash, origin: state.origin, ...(state.checkpoint === '' ? {} : { note: state.checkpoint }), source };
}

function inconsistent(message: string, evidence: Record<string, unknown>): AuditError {
  return new AuditError('inconsistent', 'ERR_LOG_INCONSISTENT', `the log is inconsistent: ${message}`, { evidence: { event: 'inconsistent', reason: message, ...evidence } });
}

type Match = { pattern: string; identities: string[]; index: number; leafHash: string; kind: string; signer: CertificateSigner };

/** The watched identities in one entry body. Bodies that do not decode are not entries we can read; skipped. */
function matchBody(body: Uint8Array, patterns: readonly IdentityPattern[], index: number, leaf: Uint8Array): Match[] {
  if (patterns.length === 0 || !mayHoldCertificate(body)) return [];
  let decoded;
  try {
    decoded = decodeBody(body);
  } catch {
    return [];
  }
  const out: Match[] = [];
  for (const signer of decoded.signers) {
    if (signer.type !== 'certificate') continue;
    for (const p of patterns) {
      const identities = matchSigner(p, signer);
      if (identities.length > 0) out.push({ pattern: p.text, identities, index, leafHash: toHex(leaf), kind: `${decoded.kind} ${decoded.apiVersion}`, signer });
    }
  }
  return out;
}

/**
 * Every tile above level 0 that changed between the two sizes must list exactly the subtree
 * hashes recomputed from the entries (level 0 was checked entry by entry): clients build proofs
 * from these tiles, so a wrong one is the log contradicting its own signed tree.
 */
async function checkUpperTiles(source: LogSource, oldSize: number, newSize: number, computed: Map<string, Uint8Array>, heads: Record<string, TreeHead>): Promise<void> {
  const readTile = source.tile as NonNullable<LogSource['tile']>;
  for (const tile of tilesToPublish(oldSize, newSize)) {
    if (tile.level === 0) continue;
    const bytes = await readTile(tile.level, tile.index, tile.width);
    for (let i = 0; i < tile.width; i++) {
      const want = computed.get(`${tile.level}/${tile.index * TILE_WIDTH + i}`);
      if (want !== undefined && !bytesEqual(want, bytes.subarray(i * 32, (i + 1) * 32))) {
        const path = tilePath(tile.level, tile.index, tile.width);
        throw inconsistent(`${path} lists ${toHex(bytes.subarray(i * 32, (i + 1) * 32))} at position ${i}, the entries hash to ${toHex(want)}`, { ...heads, tile: path });
      }
    }
  }
}

/**
 * Runs one poll from `state` (undefined: first run, starting from the empty tree, or from the
 * latest checkpoint with `fromLatest`). Throws AuditError: inconsistent (13, with evidence), body
 * (15: an entry that does not hash to the leaf the log claims), checkpointKey/Signature (10/11),
 * and client errors (4/5).
 */
export async function poll(options: MonitorOptions, state: MonitorState | undefined, fromLatest = false): Promise<PollResult> {
  const { source, key, io } = options;
  const note = await source.checkpoint();
  const opened = openLogCheckpoint(key, note, options.url, 'log');
  const cp = opened.checkpoint;
  const time = () => new Date(io.now()).toISOString();
  const next = (range: CompactRange): MonitorState => ({ url: options.url, key: key.text, origin: cp.origin, checkpoint: note, size: cp.size, rootHash: cp.rootHash, range });
  const newHead: TreeHead = { size: cp.size, rootHash: cp.rootHash, origin: cp.origin, note, source: `${options.url} (${source.name})` };

  if (state === undefined && fromLatest) {
    if (source.compactRange === undefined) throw new AuditError('usage', 'ERR_USAGE', '--from-latest needs the tiles API, which the log does not serve');
    const range = await checking('badResponse', `tiles of size ${cp.size}`, () => (source.compactRange as NonNullable<LogSource['compactRange']>)(cp.size, cp.size));
    if (!bytesEqual(range.root(), cp.rootHash)) throw inconsistent(`the tiles of size ${cp.size} do not hash to the signed root`, { new: newHead });
    options.emit({ event: 'verified', time: time(), origin: cp.origin, from: cp.size, to: cp.size, rootHash: toHex(cp.rootHash), entries: 0, source: source.name, start: 'latest' });
    return { state: next(range), matches: 0, entries: 0 };
  }

  const old: MonitorState = state ?? { url: options.url, key: key.text, origin: cp.origin, checkpoint: '', size: 0, rootHash: CompactRange.empty().root(), range: CompactRange.empty() };
  const oldHead = head(old, 'last verified checkpoint');
  if (cp.origin !== old.origin) {
    throw new AuditError('checkpointKey', 'ERR_NOTE_UNVERIFIED', `the log's checkpoint is for origin ${JSON.stringify(cp.origin)}, the monitored log's is ${JSON.stringify(old.origin)}`);
  }
  if (cp.size < old.size) throw inconsistent(`the tree shrank from size ${old.size} to ${cp.size}`, { old: oldHead, new: newHead });
  if (cp.size === old.size) {
    if (!bytesEqual(cp.rootHash, old.rootHash)) verifyStep(oldHead, newHead, { hashes: [], source: 'none needed' });
    return { state: { ...old, checkpoint: old.checkpoint === '' ? note : old.checkpoint }, matches: 0, entries: 0 };
  }
  if (old.size > 0) {
    const proofSize = old.size;
    const hashes = await checking('badResponse', `consistency proof from ${proofSize} to ${cp.size}`, () => source.consistencyProof(proofSize, cp.size));
    verifyStep(oldHead, newHead, { hashes, source: source.name });
  }

  const range = old.range.clone();
  const total = cp.size - old.size;
  const progress = io.stderr.isTTY && total >= (options.progressThreshold ?? 4096) ? new Progress(io.stderr, () => io.now(), total) : undefined;
  const matches: Match[] = [];
  // Hashes of the new nodes that tiles above level 0 list (tree levels 8, 16, …), checked below.
  const upper = new Map<string, Uint8Array>();
  const keepUpper = (n: { level: number; index: number; hash: Uint8Array }) => {
    if (n.level >= TILE_HEIGHT && n.level % TILE_HEIGHT === 0) upper.set(`${n.level / TILE_HEIGHT}/${n.index}`, n.hash);
  };
  try {
    for await (const chunk of source.entries(old.size, cp.size, cp.size, options.concurrency)) {
      if (chunk.first !== range.size) throw new AuditError('badResponse', 'ERR_CLIENT_RESPONSE', `expected entry ${range.size}, the source gave ${chunk.first}`);
      for (let k = 0; k < chunk.bodies.length; k++) {
        const body = chunk.bodies[k] as Uint8Array;
        const leaf = hashLeaf(body);
        const index = chunk.first + k;
        if (!bytesEqual(leaf, chunk.claimedLeaves[k] as Uint8Array)) {
          throw new AuditError('body', 'ERR_ENTRY_INVALID', `entry ${index} hashes to leaf ${toHex(leaf)} but the log lists leaf ${toHex(chunk.claimedLeaves[k] as Uint8Array)}`, {
            evidence: { event: 'entry-mismatch', index, leafHash: toHex(leaf), claimedLeafHash: toHex(chunk.claimedLeaves[k] as Uint8Array), source: source.name, checkpoint: note },
          });
        }
        range.append(leaf, keepUpper);
        matches.push(...matchBody(body, options.patterns, index, leaf));
      }
      progress?.update(range.size - old.size);
      if (io.signal?.aborted) return { state: old, matches: 0, entries: 0, interrupted: true };
    }
  } finally {
    progress?.finish();
  }
  if (range.size !== cp.size) throw new AuditError('badResponse', 'ERR_CLIENT_RESPONSE', `the log served entries up to ${range.size}, its checkpoint has ${cp.size}`);
  if (!bytesEqual(range.root(), cp.rootHash)) {
    throw inconsistent(`entries ${old.size} to ${cp.size - 1} do not hash to the signed root`, { old: oldHead, new: newHead, computedRootHash: toHex(range.root()) });
  }
  if (source.tile !== undefined) await checkUpperTiles(source, old.size, cp.size, upper, { old: oldHead, new: newHead });
  for (const m of matches) {
    options.emit({
      event: 'identity', time: time(), pattern: m.pattern, identities: m.identities, issuer: m.signer.issuer ?? null, index: m.index, leafHash: m.leafHash, kind: m.kind,
      certificate: { serial: m.signer.serial, subject: m.signer.subject, issuer: m.signer.certificateIssuer, notBefore: m.signer.notBefore, notAfter: m.signer.notAfter },
      checkpoint: { origin: cp.origin, size: cp.size, rootHash: toHex(cp.rootHash) },
    });
  }
  options.emit({ event: 'verified', time: time(), origin: cp.origin, from: old.size, to: cp.size, rootHash: toHex(cp.rootHash), entries: total, source: source.name });
  return { state: next(range), matches: matches.length, entries: total };
}
