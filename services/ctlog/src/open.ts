import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createStorage, Log, LogError, noteCheckpointSigner } from '@sigstack/tlog';
import type { CheckpointSigner, ImportedExtraData } from '@sigstack/tlog';
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
 * start-up consistency checks (chains included: see `reconcile`), and the tree-head database. Throws ConfigError for unusable settings and LogError when stored state is inconsistent.
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
  return new CtLog({ log, storage, heads, key, roots, validator: new ChainValidator(roots), clock });
}

/**
 * Brings the chain database in line with the engine: drops rows of batches the engine never
 * committed, moves the chains of an old-layout data directory into the engine (see
 * `migrateChains`), checks that the last entry has its chain, and takes back (or signs once) the
 * tree head of the current checkpoint.
 */
async function reconcile(log: Log, storage: CtStorage, extra: ExtraStore, heads: TreeHeads): Promise<void> {
  const { size, rootHash } = log.checkpoint;
  extra.truncate(size);
  await migrateChains(storage, extra, size);
  if (size > 0 && (await log.extraData(size - 1, 1)).length !== 1) {
    throw new LogError('ERR_LOG_INCONSISTENT', `entry ${size - 1} has no chain: was ctlog-extra.db of an older version lost or restored apart from ctlog.db?`);
  }
  const sth = extra.latestSth();
  if (sth && sth.size === size && bytesEqual(sth.rootHash, rootHash)) {
    heads.adopt(sth);
    return;
  }
  // The newest head was never stored (a crash before get-sth showed it or the log closed): sign it
  // again, no older than any entry it covers. This reads the leaves added since the last stored
  // head, which only happens after a crash.
  let notBefore = sth?.timestamp ?? 0;
  for (let start = sth?.size ?? 0; start < size; start += SCAN_CHUNK) {
    for (const e of await storage.getEntries(start, Math.min(SCAN_CHUNK, size - start))) notBefore = Math.max(notBefore, leafTimestamp(e.body));
  }
  heads.committed(size, rootHash, notBefore);
  storage.persistHeads();
}

/**
 * Data directories written before chains moved into the engine's transaction keep them in
 * ctlog-extra.db (`extra` and `certs`). They are copied into the engine in ONE engine transaction
 * (each row checked against its entry's leaf hash; entries that already have their chain are
 * skipped), and only then deleted from ctlog-extra.db. A crash in between leaves both copies, and
 * the next start copies nothing and deletes them: the move is idempotent.
 */
async function migrateChains(storage: CtStorage, extra: ExtraStore, size: number): Promise<void> {
  const stored = extra.countBelow(size);
  if (stored === 0) return;
  if (stored !== size) throw new LogError('ERR_LOG_INCONSISTENT', `the chain database holds chains for ${stored} of the ${size} entries: restore it with the log database`);
  function* rows(): Generator<ImportedExtraData> {
    for (let start = 0; start < size; start += SCAN_CHUNK) {
      for (const row of extra.range(start, Math.min(SCAN_CHUNK, size - start))) yield { index: row.index, leafHash: row.leafHash, extraData: row.extraData };
    }
  }
  try {
    await storage.importExtraData(rows());
  } catch (err) {
    if (err instanceof LogError && err.code === 'ERR_LOG_INCONSISTENT') {
      throw new LogError('ERR_LOG_INCONSISTENT', `the chain database does not belong to this log (${err.message})`, { cause: err });
    }
    throw err;
  }
  extra.clearChains();
}
