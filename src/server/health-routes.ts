import type { FastifyInstance } from 'fastify';

/**
 * `/healthz`: the process answers. `/readyz`: and its database does too (server/readiness.ts).
 * `details` adds to the ready body what degrades without making the replica unready (e.g. `redis: local-fallback`).
 */
export function registerHealthRoutes(fastify: FastifyInstance, isReady: () => Promise<boolean>, details: () => object = () => ({})): void {
  fastify.get('/healthz', async () => ({ status: 'ok' }));
  fastify.get('/readyz', async (_request, reply) => {
    if (await isReady()) return { status: 'ready', ...details() };
    return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
  });
}
