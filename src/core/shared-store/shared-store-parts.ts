// What the composition root gets from a shared store (Redis) beyond rate limits
// and invalidation: the features that use it are wrapped in compose-shared-store.ts.
import type { SharedBudgetLedger } from './shared-budget-ledger.js';
import type { SharedCacheStore } from './shared-cache-store.js';
import type { BreakerBus } from './shared-breaker-bus.js';
import type { SharedStoreHealth } from './shared-store-health.js';

export interface SharedStoreParts {
  health: SharedStoreHealth;
  /** GATEWAY_REDIS_FAILURE_MODE: what budgets do while the store is away. */
  mode: 'open' | 'closed';
  /** The connection answers commands now (gauge llm_gateway_redis_up). */
  isUp(): boolean;
  budgetLedger: SharedBudgetLedger;
  cacheStore: SharedCacheStore;
  /** Larger answers are served but not shared (GATEWAY_REDIS_CACHE_MAX_ENTRY_BYTES). */
  cacheMaxEntryBytes: number;
  breakers: BreakerBus;
}
