// Request ids that stay unique across workers, restarts and replicas (Fastify's
// default "req-1", "req-2" … starts over in every process): a random prefix
// drawn once per process, then a counter — no random draw per request.
import { randomBytes } from 'node:crypto';

export function createRequestIdGenerator(): () => string {
  const prefix = `req_${randomBytes(5).toString('hex')}_`;
  let counter = 0;
  return () => prefix + (counter += 1).toString(36);
}
