import type { FastifyInstance } from 'fastify';
import { registerErrorHandler as register } from '@sigstack/service-kit';
import { PushbackError } from '@sigstack/tlog';
import { EntryExistsError, INTERNAL_MESSAGE, STATUS } from '../errors.js';

/** Rekor's error body: the HTTP status again as `code`, and a message clients print. */
export function errorBody(status: number, message: string) {
  return { code: status, message };
}

/**
 * Rekor's conventions on the shared handler: 404 with an empty body, `Location` on 409,
 * `Retry-After` on pushback, and upstream's `error processing entry: ` prefix on rejected entries.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  register(app, {
    status: STATUS,
    body: errorBody,
    internalMessage: INTERNAL_MESSAGE,
    emptyBody: [404],
    decorate(err, req, reply, status) {
      // Clients read the last path segment of Location and GET the existing entry.
      if (err instanceof EntryExistsError) void reply.header('Location', `/api/v1/log/entries/${err.entryId}`);
      if (err instanceof PushbackError) void reply.header('Retry-After', String(err.retryAfterSeconds));
      const creating = req.method === 'POST' && req.routeOptions.url === '/api/v1/log/entries';
      return creating && status === 400 ? `error processing entry: ${err.message}` : undefined;
    },
  });
}
