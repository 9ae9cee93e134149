import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { createServiceApp } from '@sigstack/service-kit';
import type { Config } from './config.js';
import { registerErrorHandler } from './http/error-handler.js';
import { healthRoutes } from './http/routes/health.js';
import { repositoryRoutes } from './http/routes/repository.js';

export type AppOptions = {
  config: Pick<Config, 'logRequests'>;
  /** The repository directory served (dataDir/repository). */
  repositoryDir: string;
  /** For the health check's expiry test; defaults to the wall clock. */
  now?: () => Date;
  logger?: FastifyBaseLogger;
};

/** Builds the trust distribution app (read-only, GET and HEAD only); it does not listen. */
export function buildApp({ config, repositoryDir, now = () => new Date(), logger }: AppOptions): FastifyInstance {
  // No request bodies are accepted: 1 KiB is the smallest limit the kit allows meaningfully.
  const app = createServiceApp({ maxRequestBytes: 1024, logRequests: config.logRequests, logger });
  registerErrorHandler(app);
  app.removeAllContentTypeParsers();
  healthRoutes(app, repositoryDir, now);
  repositoryRoutes(app, repositoryDir);
  return app;
}

export { loadConfig } from './config.js';
export type { Config } from './config.js';
export { openTrust } from './open.js';
