import type { FastifyInstance } from 'fastify';
import type { TimestampAuthority } from '../../timestamp/authority.js';

/** Serving while tokens are issued; the clock verdict either way, so that monitoring sees a jump. */
export function healthRoutes(app: FastifyInstance, authority: TimestampAuthority): void {
  app.get('/healthz', async (_req, reply) => {
    const { serving, clock, problem } = authority.health();
    const body = {
      status: serving ? 'SERVING' : 'NOT_SERVING',
      ...(problem ? { message: problem } : {}),
      clock: {
        trusted: clock.trusted,
        now: new Date(clock.now).toISOString(),
        ...(clock.lastJump ? { lastJump: { at: new Date(clock.lastJump.at).toISOString(), byMs: Math.round(clock.lastJump.byMs) } } : {}),
      },
    };
    return reply.code(serving ? 200 : 503).header('Cache-Control', 'no-store').send(body);
  });
}
