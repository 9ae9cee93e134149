import type { FastifyInstance } from 'fastify';
import { registerErrorHandler as register } from '@sigstack/service-kit';
import { INTERNAL_MESSAGE, STATUS } from '../errors.js';

/** The trust service's error body: the HTTP status again as `code`, and a message. */
export function errorBody(status: number, message: string) {
  return { code: status, message };
}

export function registerErrorHandler(app: FastifyInstance): void {
  register(app, { status: STATUS, body: errorBody, internalMessage: INTERNAL_MESSAGE });
}
