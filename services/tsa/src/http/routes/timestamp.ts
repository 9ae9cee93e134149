import type { FastifyInstance } from 'fastify';
import type { JsonValue } from '@sigstack/crypto/canonical-json';
import type { TimestampAuthority } from '../../timestamp/authority.js';
import { parseDerRequest, parseJsonRequest } from '../../timestamp/request.js';

/**
 * sigstore/timestamp-authority's API. POST takes `application/timestamp-query` (DER, read as raw
 * bytes by the parser in app.ts) or `application/json` (our strict JSON parser); other media types
 * get 415 from fastify. Tokens are answered 200, as upstream does by default.
 */
export function timestampRoutes(app: FastifyInstance, authority: TimestampAuthority): void {
  app.post('/api/v1/timestamp', async (req, reply) => {
    const request = Buffer.isBuffer(req.body) ? parseDerRequest(req.body) : parseJsonRequest(req.body as JsonValue | undefined);
    const response = await authority.timestamp(request);
    return reply.header('Content-Type', 'application/timestamp-reply').send(Buffer.from(response.buffer, response.byteOffset, response.byteLength));
  });

  app.get('/api/v1/timestamp/certchain', async (_req, reply) => reply.header('Content-Type', 'application/pem-certificate-chain').send(authority.certChainPem));
}
