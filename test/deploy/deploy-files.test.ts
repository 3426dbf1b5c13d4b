// deploy/: the Grafana dashboard and the Prometheus alerts. The dashboard is
// valid JSON whose every query reads only metrics the gateway exports and
// which covers what an operator looks at first; the alert rules pass
// `promtool check rules`, fire on the series they are meant for (`promtool
// test rules`) and read only exported metrics. (The Prometheus scrape test
// also runs every dashboard query against real data.)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertAvailable, prometheusAvailability, prometheusRequired, promtool, warnNotRun } from '../helpers/prometheus.js';
import { DASHBOARD, dashboardQueries, exportedSeriesNames, metricNamesIn } from '../metrics/promql-names.js';

const ALERTS_DIR = path.resolve('deploy/prometheus');
const ALERTS = readFileSync(path.join(ALERTS_DIR, 'alerts.yml'), 'utf8');

let exported: Set<string>;
beforeAll(async () => {
  exported = await exportedSeriesNames();
});

describe('the Grafana dashboard', () => {
  it('is a dashboard whose every graph has a query', () => {
    expect(DASHBOARD).toMatchObject({ title: 'LLM Gateway', uid: 'llm-gateway' });
    const graphs = DASHBOARD.panels.filter((panel) => panel.type !== 'row');
    expect(graphs.length).toBeGreaterThanOrEqual(15);
    for (const panel of graphs) expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
  });

  it('reads only metrics the gateway exports, at least one per query', () => {
    for (const { panel, expr } of dashboardQueries()) {
      const names = metricNamesIn(expr);
      expect(names.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      expect(names.filter((name) => !exported.has(name)), `${panel}: ${expr}`).toEqual([]);
    }
  });

  it('shows traffic, errors, latency p50/p95/p99, TTFT, tokens and cost by model, cache hit rate, breakers, refusals', () => {
    const queries = dashboardQueries().map((query) => query.expr);
    const some = (pattern: RegExp) => queries.some((expr) => pattern.test(expr));
    expect(some(/rate\(llm_gateway_requests_total\{job=~"\$job"\}/)).toBe(true);
    expect(some(/llm_gateway_requests_total\{[^}]*outcome="server_error"/)).toBe(true);
    for (const quantile of ['0.5', '0.95', '0.99']) {
      expect(some(new RegExp(`histogram_quantile\\(${quantile}, .*llm_gateway_request_duration_seconds_bucket`))).toBe(true);
      expect(some(new RegExp(`histogram_quantile\\(${quantile}, .*llm_gateway_time_to_first_token_seconds_bucket`))).toBe(true);
    }
    expect(some(/sum by \(model, direction\) \(rate\(llm_gateway_tokens_total/)).toBe(true);
    expect(some(/sum by \(provider, model\) \(rate\(llm_gateway_cost_usd_total/)).toBe(true);
    expect(some(/llm_gateway_cache_lookups_total\{[^}]*result="hit"[^)]*\)\) \/ sum\(rate\(llm_gateway_cache_lookups_total/)).toBe(true);
    expect(some(/llm_gateway_circuit_breaker_state/)).toBe(true);
    expect(some(/sum by \(kind\) \(rate\(llm_gateway_limit_refusals_total/)).toBe(true);
  });
});

const availability = prometheusAvailability();
warnNotRun('promtool checks of deploy/prometheus/alerts.yml', availability);

describe('the Prometheus alerts', () => {
  it('read only metrics the gateway exports, and name the alerts an operator needs', () => {
    const expressions = [...ALERTS.matchAll(/expr: (?:\|\n((?: {10}.*\n)+)|(.+)\n)/g)].map((match) => match[1] ?? match[2]!);
    expect(expressions.length).toBe(10);
    for (const expr of expressions) {
      const names = metricNamesIn(expr);
      expect(names.length, expr).toBeGreaterThan(0);
      expect(names.filter((name) => !exported.has(name)), expr).toEqual([]);
    }
    for (const alert of ['LlmGatewayHighErrorRate', 'LlmGatewayHighLatencyP95', 'LlmGatewayCircuitBreakerOpen', 'LlmGatewayRequestLogDropping', 'LlmGatewayBudgetRefusalsSpike', 'LlmGatewayHealthCheckFailing', 'LlmGatewayRedisUnreachable', 'LlmGatewayUpstreamQuotaRejections', 'LlmGatewayInFlightLimitRefusals']) {
      expect(ALERTS).toContain(`alert: ${alert}`);
    }
  });

  it.runIf(prometheusRequired(availability))('pass promtool check rules, and fire as their promtool tests expect', () => {
    assertAvailable(availability);
    const checked = promtool(['check', 'rules', 'alerts.yml'], ALERTS_DIR);
    expect(checked.status, checked.output).toBe(0);
    expect(checked.output).toContain('SUCCESS: 10 rules found');
    const tested = promtool(['test', 'rules', 'alerts.test.yml'], ALERTS_DIR);
    expect(tested.status, tested.output).toBe(0);
  });
});
