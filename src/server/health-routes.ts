import type { FastifyInstance } from 'fastify';

/** `/healthz`: the process answers. `/readyz`: and its database does too (server/readiness.ts). */
export function registerHealthRoutes(fastify: FastifyInstance, isReady: () => Promise<boolean>): void {
  fastify.get('/healthz', async () => ({ status: 'ok' }));
  fastify.get('/readyz', async (_request, reply) => {
    if (await isReady()) return { status: 'ready' };
    return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
  });
}
