import type { LogStorage } from './storage.js';
import { SqliteStorage } from './sqlite/sqlite-storage.js';
import { LogError } from './errors.js';

/** Storage chosen by configuration. New backends are added to this table, never by import side effects. */
export type StorageConfig = { backend: 'sqlite'; path: string };

export const STORAGE_BACKENDS: { readonly [K in StorageConfig['backend']]: (config: Extract<StorageConfig, { backend: K }>) => LogStorage } = {
  sqlite: (config) => new SqliteStorage({ path: config.path }),
};

export function createStorage(config: StorageConfig): LogStorage {
  const make = STORAGE_BACKENDS[config.backend];
  if (!make) throw new LogError('ERR_CONFIG_INVALID', `unknown storage backend "${String(config.backend)}"`);
  return make(config);
}
