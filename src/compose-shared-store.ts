// The features shared through a store (Redis, GATEWAY_REDIS_URL) wrapped around
// their per-process parts, and the store's metrics. Without a store every part
// stays as it is (each replica on its own).
import type { BudgetGuard } from './core/limits/budget-types.js';
import type { GatewayMetrics } from './core/metrics/gateway-metrics.js';
import { defineRedisMetrics } from './core/metrics/redis-metrics.js';
import type { ResponseCache } from './core/cache/response-cache.js';
import type { BreakerRegistry } from './core/routing/breaker-registry.js';
import { createSharedBudgetGuard } from './core/shared-store/shared-budget-guard.js';
import { createSharedResponseCache } from './core/shared-store/shared-response-cache.js';
import type { SharedStoreParts } from './core/shared-store/shared-store-parts.js';

export function shareBudgets(local: BudgetGuard, store: SharedStoreParts | undefined): BudgetGuard {
  return store ? createSharedBudgetGuard({ local, ledger: store.budgetLedger, health: store.health, mode: store.mode }) : local;
}

export function watchSharedStore(metrics: GatewayMetrics, store: SharedStoreParts | undefined): void {
  if (store) defineRedisMetrics(metrics.registry, { isUp: store.isUp, onFallback: store.health.onFallback });
}

/** The process's cache in front of the shared one (absent: no cache configured, shared or not). */
export function shareCache(local: ResponseCache | undefined, store: SharedStoreParts | undefined, ttlMs: number): ResponseCache | undefined {
  if (!local || !store) return local;
  return createSharedResponseCache({ local, store: store.cacheStore, health: store.health, ttlMs, maxEntryBytes: store.cacheMaxEntryBytes });
}

/** Breakers open and close on every replica together; returns what to call with each local transition. */
export function shareBreakers(breakers: () => BreakerRegistry, store: SharedStoreParts | undefined) {
  store?.breakers.onAnnounced((targetKey, to, reason) => breakers().applyRemote(targetKey, to, `${reason} (on another replica)`));
  return (targetKey: string, to: string, reason: string, remote: boolean | undefined) => {
    if (store && !remote && (to === 'open' || to === 'closed')) store.breakers.announce(targetKey, to, reason);
  };
}
