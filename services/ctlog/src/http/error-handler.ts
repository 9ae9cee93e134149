import type { FastifyInstance } from 'fastify';
import { registerErrorHandler as register } from '@sigstack/service-kit';
import { PushbackError } from '@sigstack/tlog';
import { INTERNAL_MESSAGE, STATUS } from '../errors.js';

/**
 * The error body: the HTTP status again as `code`, and a message. CTFE answers errors in plain
 * text; CT clients (certificate-transparency-go's jsonclient, Fulcio) only keep the status and the
 * raw body, so a JSON body with the same message costs them nothing.
 */
export function errorBody(status: number, message: string) {
  return { code: status, message };
}

/** The shared handler with the CT log's table, and `Retry-After` on pushback. */
export function registerErrorHandler(app: FastifyInstance): void {
  register(app, {
    status: STATUS,
    body: errorBody,
    internalMessage: INTERNAL_MESSAGE,
    decorate(err, _req, reply) {
      if (err instanceof PushbackError) void reply.header('Retry-After', String(err.retryAfterSeconds));
      return undefined;
    },
  });
}
