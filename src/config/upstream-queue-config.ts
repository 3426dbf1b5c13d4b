// GATEWAY_UPSTREAM_QUEUE_*: the request queue of a provider over its upstream
// quota (README "Upstream quotas"), for providers without queue settings of
// their own. 0 as the length turns queueing off: over quota is refused at once.
import type { RequestQueueRecord } from '../domain/provider.js';
import type { VariableReader } from './metrics-config.js';

export const DEFAULT_UPSTREAM_QUEUE: RequestQueueRecord = Object.freeze({ maxLength: 100, maxWaitMs: 30_000 });

export function readUpstreamQueueConfig(read: VariableReader): RequestQueueRecord {
  return {
    maxLength: read.integer('GATEWAY_UPSTREAM_QUEUE_MAX_LENGTH', 0, 100_000, DEFAULT_UPSTREAM_QUEUE.maxLength),
    maxWaitMs: read.integer('GATEWAY_UPSTREAM_QUEUE_MAX_WAIT_MS', 0, 600_000, DEFAULT_UPSTREAM_QUEUE.maxWaitMs),
  };
}
