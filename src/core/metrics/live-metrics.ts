// Metrics read from the gateway's live state when Prometheus scrapes, not
// counted on the request path: requests in flight, each target's circuit
// breaker, the request-log writer's queue and totals. The sources are handed
// over once composed (watch()); before that these series are absent.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { HealthCheckRecord, HealthCheckRunRecord } from '../../domain/health-check.js';
import type { RequestLogWriterStats } from '../request-log/request-log-writer.js';
import type { BreakerRegistry } from '../routing/breaker-registry.js';
import type { BreakerState } from '../routing/circuit-breaker.js';
import { splitTargetKey } from './target-labels.js';

export interface LiveSources {
  /** Governed calls running now. */
  inFlight(): number;
  /** The dispatcher's breakers, one per target used (`provider/upstream model`). */
  breakers: Pick<BreakerRegistry, 'keys' | 'peek'>;
  requestLog(): RequestLogWriterStats;
  /** Each scheduled health check with its newest run (read from the database, so any process can report it). */
  healthChecks?(): Promise<ReadonlyArray<{ check: HealthCheckRecord; run: HealthCheckRunRecord | null }>>;
}

const BREAKER_STATES: ReadonlyArray<[BreakerState, string]> = [
  ['closed', 'closed'],
  ['open', 'open'],
  ['half-open', 'half_open'],
];

/** Defines the live metrics in `registry`; returns where to plug the sources in. */
export function defineLiveMetrics(registry: Registry): { watch(sources: LiveSources): void } {
  let sources: LiveSources | undefined;
  const registers = [registry];
  new Gauge({
    name: 'llm_gateway_requests_in_flight',
    help: 'Governed requests running now.',
    registers,
    collect() {
      if (sources) this.set(sources.inFlight());
    },
  });
  new Gauge({
    name: 'llm_gateway_circuit_breaker_state',
    help: 'Circuit breakers per target: 1 for the state each is in (closed, open, half_open); with --workers, how many workers’ breakers are in it.',
    labelNames: ['provider', 'model', 'state'],
    registers,
    collect() {
      // Rebuilt at each scrape: a breaker forgotten (its provider changed) leaves no stale series.
      this.reset();
      if (!sources) return;
      for (const targetKey of sources.breakers.keys()) {
        const current = sources.breakers.peek(targetKey)?.state();
        const { provider, model } = splitTargetKey(targetKey);
        for (const [state, label] of BREAKER_STATES) this.set({ provider, model, state: label }, state === current ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'llm_gateway_request_log_queued_rows',
    help: 'Request-log rows waiting in memory to be written (grows while the database is slow or away).',
    registers,
    collect() {
      if (sources) this.set(sources.requestLog().buffered);
    },
  });
  // Counters whose totals the writer keeps: set to its figures at each scrape.
  const writerTotal = (name: string, help: string, read: (stats: RequestLogWriterStats) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        if (!sources) return;
        this.reset();
        this.inc(read(sources.requestLog()));
      },
    });
  writerTotal('llm_gateway_request_log_rows_written_total', 'Request-log rows written to the database.', (stats) => stats.written);
  writerTotal(
    'llm_gateway_request_log_rows_dropped_total',
    'Request-log rows dropped unwritten: the buffer was full during a database outage, or rows were left at shutdown.',
    (stats) => stats.dropped,
  );
  writerTotal(
    'llm_gateway_request_log_flush_failures_total',
    'Request-log batches that failed to be written (each is retried; see the database errors).',
    (stats) => stats.failedFlushes,
  );
  defineHealthCheckGauges(registers, () => sources);
  return {
    watch(live) {
      sources = live;
    },
  };
}

/**
 * The newest run of each enabled scheduled health check: up (1 ok, 0 failed) and its latency. The same
 * database answers every worker, so with --workers the first worker's value stands (not a sum).
 */
function defineHealthCheckGauges(registers: Registry[], current: () => LiveSources | undefined): void {
  const labelNames = ['check', 'target'];
  const newestRuns = async () => {
    const read = current()?.healthChecks;
    if (!read) return [];
    // The database away: no series this scrape rather than a failed scrape (the database errors are counted).
    const latest = await read().catch(() => []);
    return latest.flatMap(({ check, run }) =>
      check.enabled && run ? [{ labels: { check: check.name, target: check.route || `${check.providerId}/${check.upstreamModel}` }, run }] : [],
    );
  };
  new Gauge({
    name: 'llm_gateway_health_check_up',
    help: 'The newest run of each enabled scheduled health check: 1 when it succeeded, 0 when it failed.',
    labelNames,
    registers,
    aggregator: 'first',
    async collect() {
      this.reset();
      for (const { labels, run } of await newestRuns()) this.set(labels, run.ok ? 1 : 0);
    },
  });
  new Gauge({
    name: 'llm_gateway_health_check_latency_seconds',
    help: 'The latency of the newest run of each enabled scheduled health check.',
    labelNames,
    registers,
    aggregator: 'first',
    async collect() {
      this.reset();
      for (const { labels, run } of await newestRuns()) this.set(labels, run.latencyMs / 1000);
    },
  });
}
