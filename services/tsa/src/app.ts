import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { createServiceApp, registerJsonParser } from '@sigstack/service-kit';
import type { Config } from './config.js';
import { registerErrorHandler } from './http/error-handler.js';
import { healthRoutes } from './http/routes/health.js';
import { timestampRoutes } from './http/routes/timestamp.js';
import type { TimestampAuthority } from './timestamp/authority.js';
import { MAX_TIMESTAMP_REQUEST_BYTES } from './timestamp/request.js';

export type AppOptions = {
  config: Pick<Config, 'maxRequestBytes' | 'logRequests'>;
  authority: TimestampAuthority;
  logger?: FastifyBaseLogger;
};

/** Builds the TSA HTTP app; it does not listen (main.ts does, tests use inject()). */
export function buildApp({ config, authority, logger }: AppOptions): FastifyInstance {
  const app = createServiceApp({ maxRequestBytes: config.maxRequestBytes, logRequests: config.logRequests, logger });
  registerErrorHandler(app);
  // A JSON timestamp request is one flat object of five short fields: bound it hard before parsing
  // (upstream parsed a megabyte-long nonce at quadratic cost).
  registerJsonParser(app, { maxBytes: MAX_TIMESTAMP_REQUEST_BYTES, maxDepth: 2, maxValues: 32, maxStringLength: MAX_TIMESTAMP_REQUEST_BYTES });
  // DER requests arrive as raw bytes; parseDerRequest bounds and checks them.
  app.addContentTypeParser('application/timestamp-query', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  timestampRoutes(app, authority);
  healthRoutes(app, authority);
  return app;
}

export { openAuthority } from './open.js';
export type { OpenedAuthority, OpenOptions } from './open.js';
export { loadConfig, SCHEMA } from './config.js';
export type { Config } from './config.js';
export type { TimestampAuthority } from './timestamp/authority.js';
