// The GATEWAY_REDIS_* variables (README "Running several replicas"): unset
// GATEWAY_REDIS_URL keeps every replica on its own (today's behaviour); set,
// replicas share rate limits, budgets, the response cache, breaker
// transitions and admin-write invalidation through Redis.
import type { VariableReader } from './metrics-config.js';

export type RedisFailureMode = 'open' | 'closed';

export interface RedisConfig {
  url: string;
  /** Redis unreachable: 'open' limits each replica locally (in memory), 'closed' refuses limited keys. */
  failureMode: RedisFailureMode;
  /** A concurrency slot's lease: renewed while its request runs, freed this long after a replica died. */
  leaseMs: number;
  /** Prefix of every key and channel (several gateways, or tests, can share one Redis). */
  keyPrefix: string;
  /** A Redis command unanswered this long fails, and its feature falls back (a hung Redis never hangs requests). */
  commandTimeoutMs: number;
  /** A response larger than this is not put in the shared cache (one entry must not crowd out the others). */
  cacheMaxEntryBytes: number;
}

export function readRedisConfig(read: VariableReader): RedisConfig | undefined {
  const url = read.optional('GATEWAY_REDIS_URL');
  const mode = read.optional('GATEWAY_REDIS_FAILURE_MODE') ?? 'open';
  if (mode !== 'open' && mode !== 'closed') read.problems.push('GATEWAY_REDIS_FAILURE_MODE: must be open or closed');
  const leaseMs = read.integer('GATEWAY_REDIS_LEASE_MS', 1_000, 3_600_000, 30_000);
  const keyPrefix = read.optional('GATEWAY_REDIS_KEY_PREFIX') ?? 'llmgw:';
  const commandTimeoutMs = read.integer('GATEWAY_REDIS_COMMAND_TIMEOUT_MS', 10, 60_000, 1_000);
  const cacheMaxEntryBytes = read.integer('GATEWAY_REDIS_CACHE_MAX_ENTRY_BYTES', 1_024, 512 * 1024 * 1024, 1024 * 1024);
  if (url === undefined) return undefined;
  if (!/^rediss?:\/\//.test(url)) read.problems.push('GATEWAY_REDIS_URL: must start with redis:// or rediss://');
  return { url, failureMode: mode === 'closed' ? 'closed' : 'open', leaseMs, keyPrefix, commandTimeoutMs, cacheMaxEntryBytes };
}
