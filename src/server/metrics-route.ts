// GET /metrics on the main port. Not a governed call: it is never counted in
// the request metrics nor written to the request log, and it has no limits of
// its own — only its credential (server/metrics-answer.ts).
import type { FastifyInstance } from 'fastify';
import { answerScrape, type MetricsEndpoint } from './metrics-answer.js';

export function registerMetricsRoute(fastify: FastifyInstance, endpoint: MetricsEndpoint): void {
  fastify.get('/metrics', async (request, reply) => {
    const answer = await answerScrape(endpoint, request.headers.authorization);
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
}
