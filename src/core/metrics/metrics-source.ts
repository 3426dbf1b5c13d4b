// What GET /metrics answers: the exposition text of the whole gateway. One
// process answers from its own registry; a --workers worker asks the primary
// for every worker's metrics and aggregates them (src/cluster/metrics-*.ts),
// so a scrape sees the whole gateway, not the worker it happened to reach.
import type { Registry } from 'prom-client';

export interface MetricsSource {
  readonly contentType: string;
  /** Rejects when the whole cannot be gathered (a worker did not answer): the scrape fails rather than lie. */
  collect(): Promise<string>;
}

export function localMetricsSource(registry: Registry): MetricsSource {
  return { contentType: registry.contentType, collect: () => registry.metrics() };
}
