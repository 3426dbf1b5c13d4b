// The shared store's metrics (GATEWAY_REDIS_URL set): whether Redis answers
// now, and each time a feature served without it (its documented fallback).
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SharedFeature } from '../shared-store/shared-store-health.js';

export interface RedisMetricSources {
  isUp(): boolean;
  onFallback(listener: (feature: SharedFeature) => void): void;
}

export function defineRedisMetrics(registry: Registry, sources: RedisMetricSources): void {
  new Gauge({
    name: 'llm_gateway_redis_up',
    help: 'Whether the shared store (Redis, GATEWAY_REDIS_URL) is connected: 1 yes, 0 no (the features fall back).',
    registers: [registry],
    // --workers: one scrape answers every worker's; 0 when any worker has lost Redis.
    aggregator: 'min',
    collect() {
      this.set(sources.isUp() ? 1 : 0);
    },
  });
  const fallbacks = new Counter({
    name: 'llm_gateway_redis_fallbacks_total',
    help: 'Operations served without Redis, by feature (rate_limits, budgets, cache, breakers): the documented fallback ran.',
    labelNames: ['feature'],
    registers: [registry],
  });
  for (const feature of ['rate_limits', 'budgets', 'cache', 'breakers'] as const) fallbacks.inc({ feature }, 0);
  sources.onFallback((feature) => fallbacks.inc({ feature }));
}
