import type { FastifyInstance } from 'fastify';
import { registerErrorHandler as register } from '@sigstack/service-kit';
import { INTERNAL_MESSAGE, STATUS } from '../errors.js';

/** Upstream's error body (its OpenAPI `Error`): the HTTP status again as `code`, and a message clients print. */
export function errorBody(status: number, message: string) {
  return { code: status, message };
}

/** Seconds a client should wait when the clock or the signer is unavailable. */
const RETRY_AFTER_SECONDS = '10';

export function registerErrorHandler(app: FastifyInstance): void {
  register(app, {
    status: STATUS,
    body: errorBody,
    internalMessage: INTERNAL_MESSAGE,
    decorate(_err, _req, reply, status) {
      if (status === 503) void reply.header('Retry-After', RETRY_AFTER_SECONDS);
      return undefined;
    },
  });
}
