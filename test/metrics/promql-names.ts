// The metric names a PromQL expression reads, the names the gateway exports
// (its own and the process/Node ones, histograms with their series), and the
// dashboard's queries: for the dashboard and alert checks.
import { readFileSync } from 'node:fs';
import { createGatewayMetrics } from '../../src/core/metrics/gateway-metrics.js';
import { collectProcessMetrics } from '../../src/core/metrics/default-metrics.js';
import { defineRedisMetrics } from '../../src/core/metrics/redis-metrics.js';

const METRIC_NAME = /\b(?:llm_gateway|process|nodejs)_[a-z0-9_]+\b/g;

export const metricNamesIn = (expression: string): string[] => [...new Set(expression.match(METRIC_NAME) ?? [])];

/** Every series name a gateway exposes: counters and gauges by name, histograms as _bucket, _sum and _count. */
export async function exportedSeriesNames(): Promise<Set<string>> {
  const metrics = createGatewayMetrics({ keyLabels: false, estimate: { sampleRate: 0 } });
  collectProcessMetrics(metrics.registry);
  // Exported when GATEWAY_REDIS_URL is set (the alerts read them).
  defineRedisMetrics(metrics.registry, { isUp: () => true, onFallback: () => {} });
  const names = new Set<string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    else names.add(metric.name);
  }
  return names;
}

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

export const DASHBOARD = JSON.parse(readFileSync('deploy/grafana/llm-gateway.json', 'utf8')) as { title: string; uid: string; panels: Panel[] };

export const dashboardQueries = (): Array<{ panel: string; expr: string }> =>
  DASHBOARD.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));
