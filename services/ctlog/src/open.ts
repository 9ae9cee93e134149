import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createStorage, Log, LogError, noteCheckpointSigner } from '@sigstack/tlog';
import type { CheckpointSigner } from '@sigstack/tlog';
import { bytesEqual } from '@sigstack/crypto/encoding';
import type { Config } from './config.js';
import { ConfigError } from './config.js';
import { CtLog } from './log/ct-log.js';
import { CtStorage, leafTimestamp } from './log/ct-storage.js';
import { ExtraStore } from './log/extra-store.js';
import { loadLogKey } from './log/log-key.js';
import { TreeHeads } from './log/tree-heads.js';
import { ChainValidator } from './x509/chain.js';
import { AcceptedRoots } from './x509/roots.js';

export type OpenOptions = {
  /** Milliseconds since the epoch; injected for deterministic tests. */
  clock?: () => number;
  /** Told when a dev-mode roots file is re-read. */
  onRootsReload?: (event: { count: number; error?: string }) => void;
};

/** Entries read per query when scanning leaf timestamps at start. */
const SCAN_CHUNK = 1000;

/** The checkpoint origin: configured, or the host of publicUrl followed by the path prefix. */
export function originOf(config: Pick<Config, 'origin' | 'publicUrl' | 'pathPrefix'>): string {
  return config.origin !== '' ? config.origin : new URL(config.publicUrl).host + config.pathPrefix;
}

/**
 * Opens the CT log described by `config`: data directory, key, accepted roots, the engine with its
 * start-up consistency checks, and the chain database, which must hold a chain for every entry of
 * the tree. Throws ConfigError for unusable settings and LogError when stored state is inconsistent.
 */
export async function openCtLog(config: Config, options: OpenOptions = {}): Promise<CtLog> {
  const clock = options.clock ?? Date.now;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = loadLogKey(config);
  const roots = AcceptedRoots.load({
    path: config.rootsFile !== '' ? config.rootsFile : join(config.dataDir, 'roots.pem'),
    follow: config.devMode,
    clock,
    onReload: options.onRootsReload,
  });
  const origin = originOf(config);
  let signer: CheckpointSigner;
  try {
    signer = noteCheckpointSigner({ origin, name: origin, privateKey: key.privateKey, publicKey: key.publicKey });
  } catch (err) {
    throw new ConfigError([`origin: ${(err as Error).message}`]);
  }
  const extra = ExtraStore.open(config.extraDatabaseFile !== '' ? config.extraDatabaseFile : join(config.dataDir, 'ctlog-extra.db'));
  const heads = new TreeHeads(key, clock);
  const storage = new CtStorage(createStorage({ backend: 'sqlite', path: config.databaseFile !== '' ? config.databaseFile : join(config.dataDir, 'ctlog.db') }), extra, heads);
  let log: Log;
  try {
    log = await Log.open({
      storage,
      signer,
      checkpointFile: join(config.dataDir, 'checkpoint'),
      clock,
      sequencer: { maxBatch: config.batchMaxEntries, maxDelayMs: config.batchMaxDelayMs, maxPending: config.maxPending },
      recoverCheckpointFile: config.recoverCheckpointFile,
    });
  } catch (err) {
    extra.close();
    throw err;
  }
  try {
    await reconcile(log, storage, extra, heads);
  } catch (err) {
    await log.close();
    throw err;
  }
  return new CtLog({ log, storage, extra, heads, key, roots, validator: new ChainValidator(roots), clock });
}

/**
 * Brings the chain database in line with the engine: drops rows of batches the engine never
 * committed, refuses to start when a committed entry has no chain, and takes back (or signs once)
 * the tree head of the current checkpoint.
 */
async function reconcile(log: Log, storage: CtStorage, extra: ExtraStore, heads: TreeHeads): Promise<void> {
  const { size, rootHash } = log.checkpoint;
  extra.truncate(size);
  const stored = extra.countBelow(size);
  if (stored !== size) throw new LogError('ERR_LOG_INCONSISTENT', `the chain database holds chains for ${stored} of the ${size} entries: restore it with the log database`);
  if (size > 0) {
    const [last] = extra.range(size - 1, 1);
    const entry = await log.getEntry(size - 1);
    if (!last || !entry || !bytesEqual(last.leafHash, entry.leafHash)) throw new LogError('ERR_LOG_INCONSISTENT', `the chain database does not belong to this log (entry ${size - 1} differs)`);
  }
  const sth = extra.latestSth();
  if (sth && sth.size === size && bytesEqual(sth.rootHash, rootHash)) {
    heads.adopt(sth);
    return;
  }
  // The newest head was lost (a crash before it was written): sign it again, no older than any
  // entry it covers. Heads are written at least once per batch, so this scans one or two batches.
  let notBefore = sth?.timestamp ?? 0;
  for (let start = sth?.size ?? 0; start < size; start += SCAN_CHUNK) {
    for (const e of await storage.getEntries(start, Math.min(SCAN_CHUNK, size - start))) notBefore = Math.max(notBefore, leafTimestamp(e.body));
  }
  heads.committed(size, rootHash, notBefore);
  storage.persistHeads();
}
