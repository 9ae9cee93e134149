import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { RekorLog } from './log/rekor-log.js';
import { registerErrorHandler } from './http/error-handler.js';
import { createServiceApp, registerJsonParser } from '@sigstack/service-kit';
import { entryRoutes } from './http/routes/entries.js';
import { logRoutes } from './http/routes/log.js';
import { tileRoutes } from './http/routes/tiles.js';
import { healthRoutes } from './http/routes/health.js';

export type AppOptions = {
  config: Pick<Config, 'maxRequestBytes' | 'logRequests'>;
  rekor: RekorLog;
  logger?: FastifyBaseLogger;
};

/** Builds the Rekor HTTP app; it does not listen (main.ts does, tests use inject()). */
export function buildApp({ config, rekor, logger }: AppOptions): FastifyInstance {
  const app = createServiceApp({ maxRequestBytes: config.maxRequestBytes, logRequests: config.logRequests, logger });
  registerErrorHandler(app);
  // Depth 64 covers every entry kind (the deepest, intoto, nests 6 levels).
  registerJsonParser(app, { maxBytes: config.maxRequestBytes, maxDepth: 64 });
  entryRoutes(app, rekor);
  logRoutes(app, rekor);
  tileRoutes(app, rekor);
  healthRoutes(app, rekor);
  return app;
}

export { openRekorLog } from './open.js';
export type { RekorLog } from './log/rekor-log.js';
export { loadConfig } from './config.js';
export type { Config } from './config.js';
