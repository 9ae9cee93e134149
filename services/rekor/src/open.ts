import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createStorage, Log, noteCheckpointSigner } from '@sigstack/tlog';
import { rekorOrigin } from '@sigstack/crypto/note';
import type { Config } from './config.js';
import { ConfigError } from './config.js';
import { createKindRegistry } from './kinds/index.js';
import { loadLogKey, loadTreeId } from './log/log-key.js';
import { RekorLog } from './log/rekor-log.js';

export type OpenOptions = {
  /** Milliseconds since the epoch; injected for deterministic tests. */
  clock?: () => number;
  random?: () => bigint;
};

/**
 * Opens the log described by `config`: data directory, key, tree ID, storage and the engine with
 * its start-up consistency checks. Throws ConfigError for unusable settings and LogError when the
 * stored log is inconsistent.
 */
export async function openRekorLog(config: Config, options: OpenOptions = {}): Promise<RekorLog> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = loadLogKey(config);
  const treeId = loadTreeId(config.treeId, config.dataDir, options.random ?? (() => randomBytes(8).readBigUInt64BE()));
  const hostname = config.hostname !== '' ? config.hostname : new URL(config.publicUrl).hostname;
  let origin: string;
  try {
    origin = rekorOrigin(hostname, treeId);
  } catch (err) {
    throw new ConfigError([`hostname: ${(err as Error).message}`]);
  }
  const log = await Log.open({
    storage: createStorage({ backend: 'sqlite', path: config.databaseFile !== '' ? config.databaseFile : join(config.dataDir, 'rekor.db') }),
    signer: noteCheckpointSigner({ origin, name: hostname, privateKey: key.privateKey, publicKey: key.publicKey }),
    checkpointFile: join(config.dataDir, 'checkpoint'),
    clock: options.clock,
    sequencer: { maxBatch: config.batchMaxEntries, maxDelayMs: config.batchMaxDelayMs, maxPending: config.maxPending },
    recoverCheckpointFile: config.recoverCheckpointFile,
  });
  const kinds = createKindRegistry({ enabled: config.enabledKinds, algorithms: config.clientSigningAlgorithms });
  return new RekorLog({ log, kinds, key, treeId });
}
