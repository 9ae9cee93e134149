import { join } from 'node:path';
import { startService } from './service.js';
import type { RunningService } from './service.js';
import { startStack } from './stack.js';
import type { Stack } from './stack.js';

export type FullStack = Stack & {
  tsa: RunningService;
  trust: RunningService;
  /** The TUF repository's initial root, what a client is given out of band. */
  tufRootPath: string;
};

/**
 * Everything `sigstack up` runs, as real processes on loopback with free ports: the keyless stack
 * of startStack, the timestamp authority, and the trust service in dev mode publishing their trust
 * material through TUF. Each keeps its data under `dir`.
 */
export async function startFullStack(dir: string): Promise<FullStack> {
  const stack = await startStack(dir);
  const tsa = await startService('tsa', { TSA_PORT: '0', TSA_SIGNER: 'ephemeral', TSA_DATA_DIR: join(dir, 'tsa') });
  const trustDir = join(dir, 'trust');
  const trust = await startService('trust', {
    TRUST_PORT: '0',
    TRUST_DEV_MODE: 'true',
    TRUST_DATA_DIR: trustDir,
    TRUST_FULCIO_URL: stack.fulcio.url,
    TRUST_REKOR_URL: stack.rekor.url,
    TRUST_CTLOG_URL: stack.ctlog.url,
    TRUST_TSA_URL: tsa.url,
    TRUST_OIDC_URL: stack.oidc.url,
    TRUST_CTLOG_PUBLIC_KEY_FILE: join(dir, 'ctlog', 'log-public-key.pem'),
  });
  return {
    ...stack,
    tsa,
    trust,
    tufRootPath: join(trustDir, 'repository', '1.root.json'),
    async stop() {
      await Promise.all([trust.stop(), tsa.stop()]);
      await stack.stop();
    },
  };
}
