// What replicas share through Redis when GATEWAY_REDIS_URL is set: per-key
// rate limits (with the failure policy), budget reservations, the response
// cache with its single-flight, breaker transitions, and admin-write invalidation. Loaded by
// the composition root only when configured, so a gateway without Redis never
// loads ioredis.
import type { RedisConfig } from '../config/redis-config.js';
import { createFailoverRateLimiter, type FailoverRateLimiter } from '../core/limits/failover-rate-limiter.js';
import { createInMemoryRateLimiter } from '../core/limits/in-memory-rate-limiter.js';
import type { RateLimiter } from '../core/limits/rate-limiter.js';
import { createAdminChannel, type AdminChannel } from './admin-channel.js';
import { connectRedis } from './redis-client.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';
import { createSharedStoreHealth } from '../core/shared-store/shared-store-health.js';
import type { SharedStoreParts } from '../core/shared-store/shared-store-parts.js';
import { createRedisBudgetLedger } from './redis-budget-ledger.js';
import { createRedisCacheStore } from './redis-cache-store.js';
import { createBreakerChannel } from './breaker-channel.js';

export interface SharedStateLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface SharedState<Scope extends string> {
  limiter: FailoverRateLimiter;
  admin: AdminChannel<Scope>;
  /** Budgets and the health the features share (core/shared-store). */
  store: SharedStoreParts;
  /** What /readyz adds: shared, or the fallback in force while Redis is away. */
  readiness(): { redis: 'shared' | 'local-fallback' | 'refusing' };
  close(): Promise<void>;
}

/** Start-up waits this long for Redis; past it the gateway starts in its failure mode and joins when Redis answers. */
const CONNECT_WAIT_MS = 3_000;

/**
 * `localLimiter`: what holds the limits while Redis is away (open mode). Under --workers it is the primary's
 * (one limit for the replica's workers, as without Redis); a worker's own would give a key N times its limit.
 */
export async function connectSharedState<Scope extends string>(
  config: RedisConfig,
  scopes: readonly Scope[],
  log: SharedStateLog,
  localLimiter: RateLimiter = createInMemoryRateLimiter(),
): Promise<SharedState<Scope>> {
  // ioredis reports every failed reconnect; the health's transitions are what is logged (once each).
  const connection = connectRedis(config.url, () => {}, config.commandTimeoutMs);
  // One state for every feature: a request that found Redis away in one check does not wait for it in the next.
  const health = createSharedStoreHealth({
    probe: () => connection.ping(),
    onTransition: (available, error) =>
      available
        ? log.info({}, 'redis reachable again: rate limits, budgets, the response cache and circuit breakers are shared across replicas again')
        : log.warn(
            { err: error, failureMode: config.failureMode },
            config.failureMode === 'open'
              ? 'redis unreachable: rate limits and budgets are enforced per replica, the response cache misses, circuit breakers are per replica until it returns'
              : 'redis unreachable: requests of keys with rate limits or a budget are refused, the response cache misses, circuit breakers are per replica until it returns',
          ),
  });
  const redisLimiter = createRedisRateLimiter({
    connection,
    keyPrefix: config.keyPrefix,
    leaseMs: config.leaseMs,
    onError: (error) => health.failed(error),
  });
  const limiter: FailoverRateLimiter = createFailoverRateLimiter({ mode: config.failureMode, shared: redisLimiter, local: localLimiter, health });
  const budgetLedger = createRedisBudgetLedger({
    connection,
    keyPrefix: config.keyPrefix,
    leaseMs: config.leaseMs,
    onError: (error) => health.fellBack('budgets', error),
  });
  const cacheStore = createRedisCacheStore({
    connection,
    keyPrefix: config.keyPrefix,
    // A dead filler's waiters take over after this (capped: they wait meanwhile).
    lockMs: Math.min(config.leaseMs, 10_000),
    onError: (error) => health.fellBack('cache', error),
  });
  // Back after an outage: shared again from the next call — /readyz and the log say so now, not once some
  // request of a limited key and one with a budget or the cache happened to come by.
  connection.onReady(() => health.succeeded());
  if (!(await connection.ready(CONNECT_WAIT_MS))) health.failed(new Error(`no connection to Redis within ${CONNECT_WAIT_MS} ms`));
  const admin = createAdminChannel(connection, config.keyPrefix, scopes, () => {});
  return {
    limiter,
    admin,
    store: {
      health,
      mode: config.failureMode,
      isUp: () => connection.isUp(),
      budgetLedger, cacheStore,
      cacheMaxEntryBytes: config.cacheMaxEntryBytes,
      breakers: createBreakerChannel(connection, config.keyPrefix, (error) => health.fellBack('breakers', error)),
    },
    readiness: () => ({
      redis: connection.isUp() && health.available() ? 'shared' : config.failureMode === 'open' ? 'local-fallback' : 'refusing',
    }),
    close: async () => {
      health.close();
      redisLimiter.close();
      budgetLedger.close();
      await connection.close();
    },
  };
}
