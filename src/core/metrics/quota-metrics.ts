// The upstream quotas' metrics (core/quotas): the queue depth and the requests
// holding quota slots, read from this process's live state at each scrape; the
// time requests waited for their quotas and the refusals, counted as they
// happen. Labels are the provider id and upstream model of the gateway's own
// configuration, and the refusal's cause from a fixed set.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { QuotaObserver, QuotaGateStats } from '../quotas/upstream-quotas.js';

/** 0 (no wait) … 10 minutes, the longest wait a queue may be given. */
const WAIT_BUCKETS_SECONDS = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export interface QuotaMetrics {
  readonly observer: QuotaObserver;
  /** The live gates, read at each scrape. */
  watch(stats: () => QuotaGateStats[]): void;
}

export function defineQuotaMetrics(registry: Registry): QuotaMetrics {
  const registers = [registry];
  let source: (() => QuotaGateStats[]) | undefined;
  const gauge = (name: string, help: string, read: (gate: QuotaGateStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['provider', 'model'],
      registers,
      collect() {
        // Rebuilt at each scrape: a target no longer configured leaves no stale series.
        this.reset();
        for (const gate of source?.() ?? []) this.set({ provider: gate.providerId, model: gate.upstreamModel }, read(gate));
      },
    });
  gauge('llm_gateway_upstream_queue_depth', 'Requests of this process waiting for an upstream quota, per provider and upstream model.', (gate) => gate.queueDepth);
  gauge('llm_gateway_upstream_in_flight', 'Requests of this process holding an upstream quota slot (calling the upstream), per provider and upstream model.', (gate) => gate.inFlight);
  const wait = new Histogram({
    name: 'llm_gateway_upstream_queue_wait_seconds',
    help: 'Time requests to an upstream with a quota waited for it (0: admitted at once).',
    labelNames: ['provider', 'model'],
    buckets: WAIT_BUCKETS_SECONDS,
    registers,
  });
  const rejections = new Counter({
    name: 'llm_gateway_upstream_quota_rejections_total',
    help: 'Requests refused because an upstream quota was exhausted: reason queue_disabled, queue_full or max_wait.',
    labelNames: ['provider', 'model', 'reason'],
    registers,
  });
  return {
    observer: {
      waited: (provider, model, seconds) => wait.observe({ provider, model }, seconds),
      rejected: (provider, model, reason) => rejections.inc({ provider, model, reason }),
    },
    watch(stats) {
      source = stats;
    },
  };
}
