import type { FastifyInstance } from 'fastify';
import { registerErrorHandler as register } from '@sigstack/service-kit';
import { GRPC_CODE, INTERNAL_MESSAGE, MESSAGES, STATUS } from '../errors.js';

/** grpc-gateway's error body: gRPC code, message, details. */
export function errorBody(status: number, message: string) {
  return { code: GRPC_CODE[status] ?? 2, message, details: [] };
}

/**
 * Fulcio's conventions on the shared handler: upstream's fixed message per code, so clients see
 * the same text they see from Fulcio; the real reason (and an identity error's `reason`) is logged.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  register(app, {
    status: STATUS,
    body: errorBody,
    internalMessage: INTERNAL_MESSAGE,
    decorate(err, req) {
      const reason = (err as { reason?: unknown }).reason;
      if (typeof reason === 'string') req.log.warn({ code: err.code, reason }, 'identity refused');
      return MESSAGES[err.code];
    },
  });
}
