// A gateway's first scrape, before any traffic: the counters whose label
// values are fixed are there at 0 for each value (deploy/prometheus/alerts.yml
// and the dashboard read them with rate()/increase(), which need a sample before
// the first jump; a series first scraped already holding a burst hides it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { parseExposition, scrape, type Exposition } from './exposition.js';

const METRICS_TOKEN = 'known-series-metrics-token-0123456789';

let gateway: StartedGateway;
let exposition: Exposition;

beforeAll(async () => {
  gateway = await startGateway({ GATEWAY_METRICS_TOKEN: METRICS_TOKEN });
  const answer = await scrape(`${gateway.url}/metrics`, METRICS_TOKEN);
  expect(answer.status, answer.text).toBe(200);
  exposition = parseExposition(answer.text);
});
afterAll(() => gateway?.close());

/** The value of the one series `name{labels}` (exactly these labels). */
function valueOf(name: string, labels: Record<string, string>): string | undefined {
  const matching = exposition.samples(name, labels).filter((sample) => Object.keys(sample.labels ?? {}).length === Object.keys(labels).length);
  expect(matching.length, `${name}${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return matching[0]?.value;
}

describe('GET /metrics before any request', () => {
  it('exports each limit refusal kind, database error kind and cache result at 0', () => {
    for (const kind of ['requests', 'tokens', 'concurrency', 'budget']) expect(valueOf('llm_gateway_limit_refusals_total', { kind }), kind).toBe('0');
    for (const kind of ['unavailable', 'constraint', 'other']) expect(valueOf('llm_gateway_database_errors_total', { kind }), kind).toBe('0');
    for (const result of ['hit', 'miss']) expect(valueOf('llm_gateway_cache_lookups_total', { result }), result).toBe('0');
  });

  it('exports each configuration-file apply at 0, and the unlabelled counters the alerts read', () => {
    for (const reason of ['start', 'sighup']) {
      for (const result of ['ok', 'failed']) expect(valueOf('llm_gateway_config_file_applies_total', { reason, result }), `${reason} ${result}`).toBe('0');
    }
    expect(valueOf('llm_gateway_in_flight_limit_refusals_total', {})).toBe('0');
    expect(valueOf('llm_gateway_request_log_rows_dropped_total', {})).toBe('0');
  });
});
