import type { FastifyInstance } from 'fastify';
import type { RekorLog } from '../../log/rekor-log.js';

/** Ready when the log is open and has not stopped on a fault that needs a restart. */
export function healthRoutes(app: FastifyInstance, rekor: RekorLog): void {
  app.get('/healthz', async (_req, reply) => {
    const failure = rekor.engine.failure;
    if (failure) return reply.code(503).send({ status: 'NOT_SERVING', message: 'the log stopped accepting entries; see the service log' });
    return reply.send({ status: 'SERVING', treeSize: rekor.engine.checkpoint.size, pending: rekor.engine.pending });
  });
}
