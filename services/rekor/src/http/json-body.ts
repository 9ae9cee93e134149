import type { FastifyInstance } from 'fastify';
import { parseJson } from '@sigstack/crypto/canonical-json';
import type { JsonLimits } from '@sigstack/crypto/canonical-json';

/**
 * Replaces fastify's JSON.parse with our strict parser for every JSON body. JSON.parse keeps the
 * last of duplicate keys, rounds integers above 2^53 and accepts lone surrogates; an attacker can
 * use each to make two parties read one entry differently. Size is bounded by fastify's bodyLimit
 * before parsing (413), depth and value counts by the parser (400).
 */
export function registerJsonParser(app: FastifyInstance, limits: Partial<JsonLimits>): void {
  // JSON only: every other media type is 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJson(body as Buffer, limits));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
