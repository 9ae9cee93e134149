import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseJson } from '@sigstack/crypto/canonical-json';
import type { JsonLimits } from '@sigstack/crypto/canonical-json';
import { SigstackError } from '@sigstack/crypto/errors';
import type { ErrorCode } from '@sigstack/crypto/errors';

/**
 * Replaces fastify's body parsers with our strict JSON parser and nothing else (every other media
 * type is 415). JSON.parse keeps the last of duplicate keys, rounds integers above 2^53 and accepts
 * lone surrogates; an attacker can use each to make two parties read one request differently. Size
 * is bounded by fastify's bodyLimit while streaming (413), depth and counts by the parser (400).
 */
export function registerJsonParser(app: FastifyInstance, limits: Partial<JsonLimits>): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJson(body as Buffer, limits));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

/** Fastify's own client-error codes that can reach a handler, with their HTTP status. */
const FASTIFY_STATUS: Record<string, number> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 413,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 415,
  FST_ERR_CTP_EMPTY_JSON_BODY: 400,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 400,
  FST_ERR_VALIDATION: 400,
  FST_ERR_BAD_URL: 400,
};

/** Errors of the shared JSON parser are always the client's fault. */
const KIT_STATUS: Partial<Record<ErrorCode, number>> = { ERR_JSON_INVALID: 400, ERR_JSON_LIMIT: 400 };

export type ErrorHandlerOptions = {
  /** The service's one code → HTTP status table. Codes not in it are our fault: 500. */
  status: Partial<Record<ErrorCode, number>>;
  /** The error body for a status and a client-facing message. */
  body: (status: number, message: string) => unknown;
  /** What a client sees for a 500; the real error goes to the log. */
  internalMessage: string;
  /** Statuses answered with an empty body (Rekor's 404). */
  emptyBody?: readonly number[];
  /** Adds headers or rewrites the message of a mapped error before it is sent. */
  decorate?: (err: SigstackError, req: FastifyRequest, reply: FastifyReply, status: number) => string | undefined;
};

/**
 * The one error handler of a service: typed errors through `status`, fastify's client errors through
 * its table, anything else logged with its stack and answered with a generic 500. Never a stack
 * trace or internal detail on the wire.
 */
export function registerErrorHandler(app: FastifyInstance, options: ErrorHandlerOptions): void {
  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    const mapped = err instanceof SigstackError ? (options.status[err.code] ?? KIT_STATUS[err.code]) : undefined;
    if (err instanceof SigstackError && mapped !== undefined) {
      const message = options.decorate?.(err, req, reply, mapped) ?? err.message;
      if (mapped >= 500) req.log.error({ err }, 'request failed');
      else req.log.warn({ code: err.code, msg: err.message }, 'request refused');
      if (options.emptyBody?.includes(mapped)) return reply.code(mapped).send();
      return reply.code(mapped).send(options.body(mapped, message));
    }
    const fastifyStatus = 'code' in err ? FASTIFY_STATUS[err.code] : undefined;
    if (fastifyStatus !== undefined) {
      req.log.warn({ code: (err as FastifyError).code }, 'request refused');
      return reply.code(fastifyStatus).send(options.body(fastifyStatus, err.message));
    }
    req.log.error({ err }, 'unexpected error');
    return reply.code(500).send(options.body(500, options.internalMessage));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(options.body(404, `path ${req.url.split('?')[0]} was not found`)));
}
