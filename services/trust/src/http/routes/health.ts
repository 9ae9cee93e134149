import type { FastifyInstance } from 'fastify';
import { repositoryStatus } from '@sigstack/trust';

/** Serving once the repository exists and its timestamp has not expired (an expired one makes every client fail). */
export function healthRoutes(app: FastifyInstance, repositoryDir: string, now: () => Date): void {
  app.get('/healthz', async (req, reply) => {
    let status;
    try {
      status = await repositoryStatus(repositoryDir, now());
    } catch (err) {
      req.log.error({ err }, 'repository unreadable');
      return reply.code(503).send({ status: 'NOT_SERVING', message: 'the repository is unreadable; see the service log' });
    }
    if (!status) return reply.code(503).send({ status: 'NOT_SERVING', message: 'no repository yet' });
    if (status.expired) return reply.code(503).send({ status: 'NOT_SERVING', message: `timestamp.json expired at ${status.timestampExpires}`, ...status });
    return reply.send({ status: 'SERVING', ...status });
  });
}
