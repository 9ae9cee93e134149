import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { createServiceApp, registerJsonParser } from '@sigstack/service-kit';
import type { Config } from './config.js';
import type { CtLog } from './log/ct-log.js';
import { registerErrorHandler } from './http/error-handler.js';
import { ctRoutes } from './http/routes/ct.js';
import { healthRoutes } from './http/routes/health.js';

export type AppOptions = {
  config: Pick<Config, 'maxRequestBytes' | 'logRequests' | 'pathPrefix' | 'maxChainLength'>;
  ct: CtLog;
  logger?: FastifyBaseLogger;
};

/** Builds the CT log's HTTP app; it does not listen (main.ts does, tests use inject()). */
export function buildApp({ config, ct, logger }: AppOptions): FastifyInstance {
  const app = createServiceApp({ maxRequestBytes: config.maxRequestBytes, logRequests: config.logRequests, logger });
  registerErrorHandler(app);
  // An add-chain body is an object holding one array of at most 20 base64 certificates of 64 KiB.
  registerJsonParser(app, { maxBytes: config.maxRequestBytes, maxDepth: 8, maxValues: 1000, maxStringLength: 100_000 });
  ctRoutes(app, ct, { prefix: config.pathPrefix, maxChainLength: config.maxChainLength });
  healthRoutes(app, ct);
  return app;
}

export { openCtLog } from './open.js';
export type { CtLog } from './log/ct-log.js';
export { loadConfig } from './config.js';
export type { Config } from './config.js';
