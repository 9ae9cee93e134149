import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '@sigstack/crypto/encoding';
import { loadP256LogKey } from '@sigstack/service-kit';
import type { LogKeySettings, P256LogKey } from '@sigstack/service-kit';
import { ConfigError } from '../config.js';

/** The log's signing key: it signs checkpoints and SETs. */
export type LogKey = P256LogKey & {
  /** hex SHA-256 of the DER SPKI: the Rekor logID. */
  logId: string;
};

/** Loads the log key (see service-kit's loadP256LogKey: key file, or generated in dev mode). */
export function loadLogKey(settings: LogKeySettings): LogKey {
  const key = loadP256LogKey(settings);
  return { ...key, logId: toHex(key.keyId) };
}

/** The tree ID: configured, or generated once (a random positive int63) and kept in `dataDir/tree-id`. */
export function loadTreeId(configured: string, dataDir: string, random: () => bigint): string {
  if (configured !== '') {
    if (!/^[1-9][0-9]{0,18}$/.test(configured) || BigInt(configured) > (1n << 63n) - 1n) throw new ConfigError([`treeId: must be a positive int64 in decimal, got "${configured}"`]);
    return configured;
  }
  const path = join(dataDir, 'tree-id');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  let id = 0n;
  while (id === 0n) id = random() & ((1n << 63n) - 1n);
  writeFileSync(path, `${id}\n`, { flag: 'wx' });
  return String(id);
}
