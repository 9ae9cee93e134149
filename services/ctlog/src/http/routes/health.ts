import type { FastifyInstance } from 'fastify';
import type { CtLog } from '../../log/ct-log.js';

/** Ready when the log is open and has not stopped on a fault that needs a restart. */
export function healthRoutes(app: FastifyInstance, ct: CtLog): void {
  app.get('/healthz', async (_req, reply) => {
    if (ct.engine.failure) return reply.code(503).send({ status: 'NOT_SERVING', message: 'the log stopped accepting entries; see the service log' });
    return reply.send({ status: 'SERVING', treeSize: ct.engine.checkpoint.size, pending: ct.engine.pending, roots: ct.roots.all.length });
  });
}
