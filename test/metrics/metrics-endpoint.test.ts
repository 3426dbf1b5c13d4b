// GET /metrics through the real server after known traffic, read with an
// independent Prometheus text parser: each metric the issue names has the
// series the traffic must have produced (requests by surface, route, provider,
// model and outcome; attempts with their retry and failover; tokens, TTFT,
// cache lookups, limit refusals, a breaker that opened, the estimate's
// accuracy, the request-log writer), the process and Node.js metrics are
// there, the credential is required, and a scrape counts nothing itself.
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { freePort } from '../helpers/gateway-process.js';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';
import { parseExposition, scrape, type Exposition } from './exposition.js';

const METRICS_TOKEN = 'metrics-scrape-token-0123456789abcdef';

let harness: RoutingHarness;
let metricsPort = 0;
let exposition: Exposition;

async function createKey(body: object): Promise<string> {
  return String((await harness.admin('KeysService/CreateKey', body))['secret']);
}

function rpcFor(secret: string) {
  const transport = createConnectTransport({
    baseUrl: harness.gateway.url,
    httpVersion: '1.1',
    interceptors: [(next) => (request) => (request.header.set('authorization', `Bearer ${secret}`), next(request))],
  });
  return createClient(CompletionService, transport);
}

const settle = (promise: Promise<unknown>) => promise.then(() => 'ok', () => 'failed');

/** The governed requests the traffic below sends, all kinds together. */
const SENT = 17;

beforeAll(async () => {
  metricsPort = await freePort();
  harness = await startRoutingHarness({ GATEWAY_METRICS_TOKEN: METRICS_TOKEN, GATEWAY_METRICS_PORT: String(metricsPort) });
  const { rpc, openai } = harness;
  // Direct models on two surfaces, a stream, a client error.
  await rpc.complete(harness.chat('fault/ok-x'));
  await rpc.complete(harness.chat('fault/ok-x'));
  await openai.chat.completions.create({ model: 'fault/ok-x', messages: [{ role: 'user', content: 'Hi' }] });
  for await (const chunk of await openai.chat.completions.create({ model: 'fault/ok-y', stream: true, messages: [{ role: 'user', content: 'Hi' }] })) void chunk;
  expect(await settle(rpc.complete(harness.chat('fault/bad-e')))).toBe('failed');
  // A route: the first target fails twice (first try, one retry), the second serves (a failover).
  await harness.createRoute('failover', 'priority', ['down-a', 'ok-c'], { maxRetries: 1 });
  await rpc.complete(harness.chat('failover'));
  // A key limited to one request a minute: the second is refused, and so is a model that is not configured.
  const limited = rpcFor(await createKey({ name: 'limited', rateLimits: { requestsPerMinute: 1 } }));
  expect([await settle(limited.complete(harness.chat('fault/ok-z'))), await settle(limited.complete(harness.chat('fault/ok-z')))]).toEqual(['ok', 'failed']);
  expect(await settle(limited.complete(harness.chat('nowhere/made-up-model')))).toBe('failed');
  // A key with a budget: its reservation counts the input, which the accuracy histogram reuses.
  const budgeted = rpcFor(await createKey({ name: 'budgeted', budget: { amount: 1_000_000, unit: 'BUDGET_UNIT_TOKENS', period: 'BUDGET_PERIOD_MONTH' } }));
  await budgeted.complete(harness.chat('fault/ok-q'));
  // A key with the cache: a miss, then a hit.
  const cached = rpcFor(await createKey({ name: 'cached', cacheEnabled: true }));
  await cached.complete(harness.chat('fault/ok-e', 'cache me'));
  await cached.complete(harness.chat('fault/ok-e', 'cache me'));
  // Five consecutive upstream failures open the target's breaker.
  for (let index = 0; index < 5; index += 1) expect(await settle(rpc.complete(harness.chat('fault/down-r')))).toBe('failed');
  await harness.gateway.gateway.requestLog.flush();

  const answer = await scrape(`${harness.gateway.url}/metrics`, METRICS_TOKEN);
  expect(answer.status, answer.text).toBe(200);
  expect(answer.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  exposition = parseExposition(answer.text);
});
afterAll(() => harness?.close());

describe('GET /metrics after known traffic', () => {
  it('counts every governed request once, by outcome, surface, route, provider and upstream model', () => {
    expect(exposition.sum('llm_gateway_requests_total')).toBe(SENT);
    expect(exposition.sum('llm_gateway_requests_total', { outcome: 'ok' })).toBe(9);
    expect(exposition.sum('llm_gateway_requests_total', { outcome: 'client_error' })).toBe(3);
    expect(exposition.sum('llm_gateway_requests_total', { outcome: 'server_error', error_kind: 'unavailable', model: 'down-r' })).toBe(5);
    expect(exposition.sum('llm_gateway_requests_total', { surface: 'rpc', operation: 'chat', route: '', provider: 'fault', model: 'ok-x', outcome: 'ok' })).toBe(2);
    expect(exposition.sum('llm_gateway_requests_total', { surface: 'openai', model: 'ok-x' })).toBe(1);
    expect(exposition.sum('llm_gateway_requests_total', { route: 'failover', provider: 'fault', model: 'ok-c', outcome: 'ok' })).toBe(1);
    // A key's rate-limit refusal, before routing, names the target of the model asked for, as a refusal after
    // routing does; a model that is not configured has no target (never the client's free-form model string).
    expect(exposition.sum('llm_gateway_requests_total', { error_kind: 'resource_exhausted', provider: 'fault', model: 'ok-z', outcome: 'client_error' })).toBe(1);
    expect(exposition.sum('llm_gateway_requests_total', { error_kind: 'resource_exhausted', provider: '', model: '' })).toBe(1);
    expect(exposition.sum('llm_gateway_requests_total', { model: 'made-up-model' }) + exposition.sum('llm_gateway_requests_total', { model: 'nowhere/made-up-model' })).toBe(0);
    expect(exposition.count('llm_gateway_request_duration_seconds')).toBe(SENT);
  });

  it('has duration buckets from 1 ms to 120 s', () => {
    const bounds = exposition.bucketBounds('llm_gateway_request_duration_seconds');
    expect(bounds[0]).toBe(0.001);
    expect(bounds).toContain(120);
    expect(bounds.at(-1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts upstream attempts with their retries and failovers', () => {
    const attempts = (labels: Record<string, string>) => exposition.sum('llm_gateway_upstream_attempts_total', { provider: 'fault', ...labels });
    expect(attempts({ model: 'down-a', outcome: 'unavailable', attempt: 'first' })).toBe(1);
    expect(attempts({ model: 'down-a', outcome: 'unavailable', attempt: 'retry' })).toBe(1);
    expect(attempts({ model: 'ok-c', outcome: 'ok', attempt: 'failover' })).toBe(1);
    expect(attempts({ model: 'ok-x', outcome: 'ok', attempt: 'first' })).toBe(3);
  });

  it('counts tokens by direction and model, and time to first token for streams', () => {
    // The fault upstream reports 5 input and 3 output tokens per answer.
    expect(exposition.sum('llm_gateway_tokens_total', { direction: 'input', provider: 'fault', model: 'ok-x' })).toBe(15);
    expect(exposition.sum('llm_gateway_tokens_total', { direction: 'output', provider: 'fault', model: 'ok-x' })).toBe(9);
    // The cache hit consumed nothing upstream: one answer's tokens for ok-e.
    expect(exposition.sum('llm_gateway_tokens_total', { direction: 'input', model: 'ok-e' })).toBe(5);
    expect(exposition.count('llm_gateway_time_to_first_token_seconds', { surface: 'openai', model: 'ok-y' })).toBe(1);
    expect(exposition.count('llm_gateway_time_to_first_token_seconds')).toBe(1);
  });

  it('counts cache lookups, limit refusals and expert-free routes', () => {
    expect(exposition.sum('llm_gateway_cache_lookups_total', { result: 'miss' })).toBe(1);
    expect(exposition.sum('llm_gateway_cache_lookups_total', { result: 'hit' })).toBe(1);
    expect(exposition.sum('llm_gateway_limit_refusals_total', { kind: 'requests' })).toBe(2);
    expect(exposition.sum('llm_gateway_limit_refusals_total')).toBe(2);
  });

  it('shows the breaker that opened, per target, and its transition', () => {
    expect(exposition.sum('llm_gateway_circuit_breaker_state', { provider: 'fault', model: 'down-r', state: 'open' })).toBe(1);
    expect(exposition.sum('llm_gateway_circuit_breaker_state', { provider: 'fault', model: 'down-r', state: 'closed' })).toBe(0);
    expect(exposition.sum('llm_gateway_circuit_breaker_state', { provider: 'fault', model: 'ok-x', state: 'closed' })).toBe(1);
    expect(exposition.sum('llm_gateway_circuit_breaker_transitions_total', { provider: 'fault', model: 'down-r', to: 'open' })).toBe(1);
  });

  it('measures the estimate’s accuracy from the budget’s own count (no extra tokenizing)', () => {
    expect(exposition.count('llm_gateway_token_estimate_ratio')).toBe(1);
    expect(exposition.count('llm_gateway_token_estimate_ratio', { family: 'other' })).toBe(1);
  });

  it('reports live state: nothing in flight, the request log written and nothing dropped', () => {
    expect(exposition.sum('llm_gateway_requests_in_flight')).toBe(0);
    expect(exposition.sum('llm_gateway_request_log_rows_written_total')).toBeGreaterThanOrEqual(SENT);
    expect(exposition.sum('llm_gateway_request_log_rows_dropped_total')).toBe(0);
    expect(exposition.sum('llm_gateway_request_log_queued_rows')).toBe(0);
    expect(exposition.family('llm_gateway_database_errors_total')?.type).toBe('COUNTER');
  });

  it('has the process and Node.js metrics: CPU, memory, heap, event-loop lag, GC', () => {
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect(exposition.family(name), name).toBeDefined();
    }
    expect(exposition.histograms.has('nodejs_gc_duration_seconds')).toBe(true);
  });

  it('names every gateway metric llm_gateway_ with its unit or _total', () => {
    const own = [...exposition.families.map((family) => family.name), ...exposition.histograms].filter(
      (name) => name.startsWith('llm_gateway_') && !/_(bucket|sum|count)$/.test(name),
    );
    expect(own.length).toBeGreaterThanOrEqual(15);
    // `_up`: a 0/1 gauge, named like Prometheus' own `up`; `_depth`: requests waiting in a queue.
    for (const name of own) expect(name).toMatch(/_(total|seconds|ratio|rows|in_flight|state|up|depth)$/);
  });
});

describe('who may scrape', () => {
  it('refuses no credential and a virtual key; takes the admin token and the scrape token', async () => {
    const url = `${harness.gateway.url}/metrics`;
    const refused = await scrape(url, undefined);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(refused.text).not.toContain('llm_gateway_');
    expect((await scrape(url, harness.secret)).status).toBe(401);
    expect((await scrape(url, `${METRICS_TOKEN}x`)).status).toBe(401);
    expect((await scrape(url, harness.gateway.adminToken)).status).toBe(200);
  });

  it('serves the same on GATEWAY_METRICS_PORT, and nothing else there', async () => {
    const url = `http://127.0.0.1:${metricsPort}`;
    expect((await scrape(`${url}/metrics`, undefined)).status).toBe(401);
    const answer = await scrape(`${url}/metrics`, METRICS_TOKEN);
    expect(answer.status).toBe(200);
    expect(parseExposition(answer.text).sum('llm_gateway_requests_total')).toBe(SENT);
    expect((await scrape(`${url}/v1/models`, METRICS_TOKEN)).status).toBe(404);
  });

  it('counts no scrape as a request, and writes no request-log row for it', async () => {
    for (let index = 0; index < 3; index += 1) await scrape(`${harness.gateway.url}/metrics`, METRICS_TOKEN);
    await harness.gateway.gateway.requestLog.flush();
    const again = parseExposition((await scrape(`${harness.gateway.url}/metrics`, METRICS_TOKEN)).text);
    expect(again.sum('llm_gateway_requests_total')).toBe(SENT);
    expect(again.sum('llm_gateway_request_log_rows_written_total')).toBe(exposition.sum('llm_gateway_request_log_rows_written_total'));
  });
});
