import type { FastifyError, FastifyInstance } from 'fastify';
import { SigstackError } from '@sigstack/crypto/errors';
import { PushbackError } from '@sigstack/tlog';
import { EntryExistsError, INTERNAL_MESSAGE, STATUS } from '../errors.js';

/** Fastify's own client-error codes that can reach us, with Rekor's status for each. */
const FASTIFY_STATUS: Record<string, number> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 413,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 415,
  FST_ERR_CTP_EMPTY_JSON_BODY: 400,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 400,
  FST_ERR_VALIDATION: 400,
  FST_ERR_BAD_URL: 400,
};

/** Rekor's error body: the HTTP status again as `code`, and a message clients print. */
export function errorBody(status: number, message: string) {
  return { code: status, message };
}

/**
 * The service's one error handler. Our typed errors map through STATUS; fastify's client errors
 * through FASTIFY_STATUS; anything else is logged with its stack and answered with a generic 500.
 * Entry validation errors carry upstream's `error processing entry: ` prefix.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (err instanceof SigstackError && STATUS[err.code] !== undefined) {
      const status = STATUS[err.code] as number;
      if (err instanceof EntryExistsError) {
        // Clients read the last path segment of Location and GET the existing entry.
        void reply.header('Location', `/api/v1/log/entries/${err.entryId}`);
      }
      if (err instanceof PushbackError) void reply.header('Retry-After', String(err.retryAfterSeconds));
      if (status >= 500) req.log.error({ err }, 'request failed');
      else req.log.warn({ code: err.code, msg: err.message }, 'request refused');
      if (status === 404) return reply.code(404).send();
      const creating = req.routeOptions.url === '/api/v1/log/entries' && req.method === 'POST';
      const prefix = creating && status === 400 ? 'error processing entry: ' : '';
      return reply.code(status).send(errorBody(status, prefix + err.message));
    }
    const fastifyStatus = 'code' in err ? FASTIFY_STATUS[err.code] : undefined;
    if (fastifyStatus !== undefined) {
      req.log.warn({ code: (err as FastifyError).code }, 'request refused');
      return reply.code(fastifyStatus).send(errorBody(fastifyStatus, err.message));
    }
    req.log.error({ err }, 'unexpected error');
    return reply.code(500).send(errorBody(500, INTERNAL_MESSAGE));
  });

  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody(404, `path ${req.url.split('?')[0]} was not found`)));
}
