import type { FastifyInstance } from 'fastify';

interface Pingable {
  ping(): Promise<void>;
}

/** `/healthz`: the process answers. `/readyz`: and its database does too. */
export function registerHealthRoutes(fastify: FastifyInstance, database: Pingable): void {
  fastify.get('/healthz', async () => ({ status: 'ok' }));
  fastify.get('/readyz', async (_request, reply) => {
    try {
      await database.ping();
      return { status: 'ready' };
    } catch (error) {
      fastify.log.warn({ err: error }, 'readiness check: database unreachable');
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
}
