import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

export type ServiceAppOptions = {
  /** Largest request body; larger ones are refused with 413 while streaming, before they are buffered whole. */
  maxRequestBytes: number;
  /** Log every request and response at info level; refusals and failures are logged either way. */
  logRequests: boolean;
  logger?: FastifyBaseLogger;
};

/**
 * The fastify instance every service starts from, with the settings they share: the body limit,
 * a 30 s request timeout (slow-body protection), 503 while closing, optional access logging, and
 * a router that never rewrites paths (entry IDs and tile paths are case-sensitive).
 */
export function createServiceApp({ maxRequestBytes, logRequests, logger }: ServiceAppOptions): FastifyInstance {
  return Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit: maxRequestBytes,
    requestTimeout: 30_000,
    return503OnClosing: true,
    logController: new LogController({ disableRequestLogging: !logRequests }),
    routerOptions: { caseSensitive: true, ignoreTrailingSlash: false, maxParamLength: 200 },
  });
}
