import { join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError } from '@sigstack/service-kit';
import { DEV_EXPIRY, repositoryStatus, updateRepository } from '@sigstack/trust';
import type { Config } from './config.js';
import { collectMaterial } from './dev/collect.js';
import { generateRepository } from './dev/generate.js';
import { loadOrCreateKeys } from './dev/keys.js';

export type OpenDeps = {
  now?: () => Date;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
};

export type OpenedTrust = {
  repositoryDir: string;
  /** Fields for the ready log line. */
  ready: Record<string, unknown>;
  /** Stops the dev-mode refresh timer and waits for a refresh in progress. */
  close(): Promise<void>;
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Prepares the repository the service serves. Dev mode: loads or generates the TUF keys, collects
 * the material from the services, (re)generates the repository, and starts a timer that signs
 * metadata close to expiry again. Otherwise: checks that `sigstack trust` has produced a repository
 * whose timestamp has not expired. Throws ConfigError when there is nothing servable.
 */
export async function openTrust(config: Config, logger: Logger, deps: OpenDeps = {}): Promise<OpenedTrust> {
  const now = deps.now ?? (() => new Date());
  const repositoryDir = join(config.dataDir, 'repository');
  if (!config.devMode) {
    const status = await repositoryStatus(repositoryDir, now());
    if (!status) throw new ConfigError([`no TUF repository in ${repositoryDir}: build one with \`sigstack trust update\` (or set TRUST_DEV_MODE=true)`]);
    if (status.expired) throw new ConfigError([`the timestamp of ${repositoryDir} expired at ${status.timestampExpires}: run \`sigstack trust update\` again`]);
    return { repositoryDir, ready: { devMode: false, url: config.publicUrl, ...status }, close: async () => undefined };
  }

  const keys = await loadOrCreateKeys(join(config.dataDir, 'keys'));
  if (keys.generated.length > 0) logger.info({ roles: keys.generated }, 'generated dev TUF keys');
  const collectLog = logger.child({ component: 'collect' });
  const material = await collectMaterial(
    {
      fulcioFetchUrl: config.fulcioFetchUrl || config.fulcioUrl,
      rekorFetchUrl: config.rekorFetchUrl || config.rekorUrl,
      tsaFetchUrl: config.tsaUrl === '' ? '' : config.tsaFetchUrl || config.tsaUrl,
      ctlogPublicKeyFile: config.ctlogPublicKeyFile,
      timeoutMs: config.collectTimeoutSeconds * 1000,
    },
    {
      now: () => now().getTime(),
      sleep: deps.sleep ?? defaultSleep,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      onRetry: (err) => collectLog.debug({ err }, 'trust material not available yet; retrying'),
    },
  );
  if (material.ctKeyPem === undefined) logger.warn('no CT log key (TRUST_CTLOG_PUBLIC_KEY_FILE): clients will reject certificates that carry SCTs');
  const result = await generateRepository(repositoryDir, material, config, keys, now());
  logger.info({ changed: result.changed, versions: Object.fromEntries(Object.entries(result.roles).map(([r, s]) => [r, s.version])) }, 'repository generated');

  const refreshLog = logger.child({ component: 'refresh' });
  let running: Promise<void> | undefined;
  const refresh = () => {
    running ??= updateRepository({ dir: repositoryDir, keys, now: now(), expiry: DEV_EXPIRY })
      .then((r) => {
        if (r.changed.length > 0) refreshLog.info({ changed: r.changed, timestampExpires: r.roles.timestamp.expires }, 'metadata signed again');
      })
      .catch((err: unknown) => refreshLog.error({ err }, 'refreshing the repository failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(refresh, config.refreshIntervalSeconds * 1000);
  timer.unref();
  return {
    repositoryDir,
    ready: { devMode: true, url: config.publicUrl, rootVersion: result.roles.root.version, targetsVersion: result.roles.targets.version, timestampExpires: result.roles.timestamp.expires },
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
