// The metrics of finished requests, attempts, breakers, experts and database
// errors, fed by hand and read back from the exposition text with an
// independent parser: labels, units, key labels only when asked for, the
// refusal kinds, and when the token-estimate accuracy is measured (a budget's
// count reused, a sample tokenized, never for estimates, cache hits or failures).
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ChatRequestSchema, Role, UsageSchema } from '../../gen/llmgateway/v1/chat_pb.js';
import type { RequestFacts } from '../../src/core/governance/request-facts.js';
import { BudgetExceededError, RateLimitError } from '../../src/core/limits/limit-errors.js';
import { UNLIMITED_STATE } from '../../src/core/limits/rate-limiter.js';
import { createGatewayMetrics, type GatewayMetricsOptions } from '../../src/core/metrics/gateway-metrics.js';
import { modelFamilyOf } from '../../src/core/metrics/model-family.js';
import { GatewayError } from '../../src/domain/gateway-error.js';
import type { RequestLogRecord } from '../../src/domain/request-log.js';
import { makeRequestLog } from '../storage/fixtures.js';
import { parseExposition } from './exposition.js';

const request = create(ChatRequestSchema, {
  model: 'smart',
  messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'How many tokens is this sentence, counted locally?' } } }] }],
});

const facts = (overrides: Partial<RequestFacts> = {}): RequestFacts => ({
  error: undefined,
  usage: undefined,
  cache: undefined,
  chatRequest: request,
  inputEstimate: undefined,
  plan: undefined,
  ...overrides,
});

function metricsWith(options: Partial<GatewayMetricsOptions> = {}) {
  const deferred: Array<() => void> = [];
  const metrics = createGatewayMetrics({
    keyLabels: false,
    ...options,
    estimate: { sampleRate: 0, random: () => 0.5, defer: (work) => deferred.push(work), ...options.estimate },
  });
  const read = async () => parseExposition(await metrics.registry.metrics());
  return { metrics, read, runDeferred: () => deferred.splice(0).forEach((work) => work()) };
}

const finish = (metrics: ReturnType<typeof metricsWith>['metrics'], record: Partial<RequestLogRecord>, extra: Partial<RequestFacts> = {}) =>
  metrics.requestFinished(makeRequestLog(record), facts(extra));

describe('request metrics', () => {
  it('count a request with its labels, duration, TTFT, tokens by direction and cost', async () => {
    const { metrics, read } = metricsWith();
    finish(metrics, { stream: true, ttftMs: 120, latencyMs: 850, inputTokens: 100, outputTokens: 20, cachedInputTokens: 30, reasoningTokens: 5, costUsd: 0.5 }, {
      usage: create(UsageSchema, { inputTokens: 100, outputTokens: 20, cachedInputTokens: 30, cacheWriteTokens: 40, reasoningTokens: 5 }),
    });
    const exposition = await read();
    const labels = { surface: 'openai', operation: 'chat', route: 'smart', provider: 'prov-1', model: 'gpt-4o', outcome: 'ok' };
    expect(exposition.sum('llm_gateway_requests_total', { ...labels, error_kind: '' })).toBe(1);
    expect(exposition.count('llm_gateway_request_duration_seconds', labels)).toBe(1);
    expect(exposition.sum('llm_gateway_request_duration_seconds_sum', labels)).toBeCloseTo(0.85);
    expect(exposition.sum('llm_gateway_time_to_first_token_seconds_sum', { surface: 'openai', route: 'smart', provider: 'prov-1', model: 'gpt-4o' })).toBeCloseTo(0.12);
    const tokens = (direction: string) => exposition.sum('llm_gateway_tokens_total', { direction, provider: 'prov-1', model: 'gpt-4o' });
    expect([tokens('input'), tokens('output'), tokens('cached_input'), tokens('cache_write'), tokens('reasoning')]).toEqual([100, 20, 30, 40, 5]);
    expect(exposition.sum('llm_gateway_cost_usd_total', { provider: 'prov-1', model: 'gpt-4o' })).toBeCloseTo(0.5);
    expect(exposition.samples('llm_gateway_cost_usd_total')[0]!.labels).not.toHaveProperty('key_id');
  });

  it('label cost by key only with GATEWAY_METRICS_KEY_LABELS', async () => {
    const { metrics, read } = metricsWith({ keyLabels: true });
    finish(metrics, { keyId: 'key_abc', costUsd: 0.25 });
    expect((await read()).sum('llm_gateway_cost_usd_total', { provider: 'prov-1', model: 'gpt-4o', key_id: 'key_abc' })).toBeCloseTo(0.25);
  });

  it('count a cache hit as a lookup, without tokens or cost', async () => {
    const { metrics, read } = metricsWith();
    finish(metrics, { cacheHit: true, costUsd: 0 }, { cache: 'hit' });
    finish(metrics, {}, { cache: 'miss' });
    const exposition = await read();
    expect(exposition.sum('llm_gateway_cache_lookups_total', { result: 'hit' })).toBe(1);
    expect(exposition.sum('llm_gateway_cache_lookups_total', { result: 'miss' })).toBe(1);
    expect(exposition.sum('llm_gateway_tokens_total', { direction: 'input' })).toBe(100);
  });

  it('tell the key’s refusals by kind from an upstream’s 429', async () => {
    const { metrics, read } = metricsWith();
    const refused = { status: 'error' as const, errorKind: 'resource_exhausted', providerId: '', upstreamModel: '', inputTokens: 0, outputTokens: 0, costUsd: 0 };
    finish(metrics, refused, { error: new RateLimitError('tokens', 'too many tokens', UNLIMITED_STATE, 3) });
    finish(metrics, refused, { error: new RateLimitError('concurrency', 'too many at once', UNLIMITED_STATE, 1) });
    finish(metrics, refused, { error: new BudgetExceededError('spent', { unit: 'usd', spent: 1, reserved: 0, requested: 1, budget: 1, resetsAt: null }) });
    finish(metrics, { ...refused, providerId: 'prov-1' }, { error: new GatewayError('resource_exhausted', 'upstream 429') });
    const exposition = await read();
    expect(['requests', 'tokens', 'concurrency', 'budget'].map((kind) => exposition.sum('llm_gateway_limit_refusals_total', { kind }))).toEqual([0, 1, 1, 1]);
    expect(exposition.sum('llm_gateway_requests_total', { outcome: 'client_error', error_kind: 'resource_exhausted' })).toBe(3);
    expect(exposition.sum('llm_gateway_requests_total', { outcome: 'server_error', error_kind: 'resource_exhausted', provider: 'prov-1' })).toBe(1);
  });

  it('name the planned target of a failed direct call, never the client’s model string', async () => {
    const { metrics, read } = metricsWith();
    const plan = { targets: [{ provider: { record: { id: 'prov-9' } }, target: { upstreamModel: 'claude-x' } }] } as unknown as RequestFacts['plan'];
    finish(metrics, { status: 'error', errorKind: 'unavailable', route: '', requestedModel: 'whatever the client typed', upstreamModel: '', providerId: 'prov-9' }, { plan });
    const exposition = await read();
    expect(exposition.sum('llm_gateway_requests_total', { provider: 'prov-9', model: 'claude-x', outcome: 'server_error' })).toBe(1);
    expect(JSON.stringify(exposition.families)).not.toContain('whatever the client typed');
  });
});

describe('token-estimate accuracy', () => {
  it('reuses the budget’s count, by model family, without tokenizing', async () => {
    const { metrics, read } = metricsWith();
    finish(metrics, { inputTokens: 100, upstreamModel: 'claude-sonnet-4-5' }, { inputEstimate: { tokens: 90, upstreamModel: 'claude-sonnet-4-5' } });
    const exposition = await read();
    expect(exposition.count('llm_gateway_token_estimate_ratio', { family: 'claude' })).toBe(1);
    expect(exposition.sum('llm_gateway_token_estimate_ratio_sum', { family: 'claude' })).toBeCloseTo(0.9);
  });

  it('tokenizes a sampled request after the answer (deferred), and none at a zero rate', async () => {
    const sampled = metricsWith({ estimate: { sampleRate: 0.6 } });
    finish(sampled.metrics, { inputTokens: 12, upstreamModel: 'gpt-4o' });
    expect((await sampled.read()).count('llm_gateway_token_estimate_ratio')).toBe(0);
    sampled.runDeferred();
    expect((await sampled.read()).count('llm_gateway_token_estimate_ratio', { family: 'gpt' })).toBe(1);

    const unsampled = metricsWith({ estimate: { sampleRate: 0.4 } }); // random() is 0.5: not drawn
    finish(unsampled.metrics, { inputTokens: 12, upstreamModel: 'gpt-4o' });
    unsampled.runDeferred();
    expect((await unsampled.read()).count('llm_gateway_token_estimate_ratio')).toBe(0);
  });

  it('measures nothing that has no reported count to compare with: estimates, cache hits, failures, embeddings', async () => {
    const { metrics, read, runDeferred } = metricsWith({ estimate: { sampleRate: 1 } });
    const counted = { inputEstimate: { tokens: 90, upstreamModel: 'gpt-4o' } };
    finish(metrics, { estimated: true }, counted);
    finish(metrics, { cacheHit: true }, counted);
    finish(metrics, { status: 'error', errorKind: 'unavailable' }, counted);
    finish(metrics, { operation: 'embeddings' }, { ...counted, chatRequest: undefined });
    runDeferred();
    expect((await read()).count('llm_gateway_token_estimate_ratio')).toBe(0);
  });

  it('counts again when a failover changed the encoding the budget counted with', async () => {
    const { metrics, read, runDeferred } = metricsWith({ estimate: { sampleRate: 1 } });
    // Counted for gpt-4 (cl100k), served by gpt-4o (o200k): the reused count would measure the wrong encoding.
    finish(metrics, { inputTokens: 12, upstreamModel: 'gpt-4o' }, { inputEstimate: { tokens: 1000, upstreamModel: 'gpt-4' } });
    runDeferred();
    const exposition = await read();
    expect(exposition.count('llm_gateway_token_estimate_ratio')).toBe(1);
    expect(exposition.sum('llm_gateway_token_estimate_ratio_sum')).toBeLessThan(10);
  });

  it('keeps the family label bounded', () => {
    expect(['gpt-4o-mini', 'o3', 'claude-opus-4', 'gemini-2.5-pro', 'deepseek-chat', 'my-finetune-v7'].map(modelFamilyOf)).toEqual([
      'gpt',
      'gpt',
      'claude',
      'gemini',
      'deepseek',
      'other',
    ]);
  });
});

describe('attempts, breakers, experts, database errors', () => {
  it('count each by its labels', async () => {
    const { metrics, read } = metricsWith();
    metrics.attemptEnded({ providerId: 'p', upstreamModel: 'm', outcome: 'unavailable' }, 'first');
    metrics.attemptEnded({ providerId: 'p', upstreamModel: 'm', outcome: 'ok' }, 'retry');
    metrics.breakerChanged('p/m', 'open');
    metrics.breakerChanged('p/m', 'half-open');
    metrics.expertDecided({ route: 'experts', expert: 'code', source: 'rules' });
    metrics.databaseFailed('unavailable');
    const exposition = await read();
    expect(exposition.sum('llm_gateway_upstream_attempts_total', { provider: 'p', model: 'm', outcome: 'unavailable', attempt: 'first' })).toBe(1);
    expect(exposition.sum('llm_gateway_upstream_attempts_total', { outcome: 'ok', attempt: 'retry' })).toBe(1);
    expect(exposition.sum('llm_gateway_circuit_breaker_transitions_total', { provider: 'p', model: 'm', to: 'half_open' })).toBe(1);
    expect(exposition.sum('llm_gateway_expert_decisions_total', { route: 'experts', expert: 'code', source: 'rules' })).toBe(1);
    expect(exposition.sum('llm_gateway_database_errors_total', { kind: 'unavailable' })).toBe(1);
  });

  it('read live state at scrape time: in flight, breakers (no stale series), the request-log writer', async () => {
    const { metrics, read } = metricsWith();
    const states = new Map([['p/m', 'open'], ['p/other/model', 'closed']]);
    let inFlight = 3;
    metrics.watch({
      inFlight: () => inFlight,
      breakers: { keys: () => [...states.keys()], peek: (key) => ({ state: () => states.get(key) }) as never },
      requestLog: () => ({ buffered: 7, written: 40, dropped: 2, failedFlushes: 1 }),
    });
    let exposition = await read();
    expect(exposition.sum('llm_gateway_requests_in_flight')).toBe(3);
    expect(exposition.sum('llm_gateway_circuit_breaker_state', { provider: 'p', model: 'm', state: 'open' })).toBe(1);
    expect(exposition.sum('llm_gateway_circuit_breaker_state', { provider: 'p', model: 'other/model', state: 'closed' })).toBe(1);
    expect(exposition.sum('llm_gateway_request_log_queued_rows')).toBe(7);
    expect(exposition.sum('llm_gateway_request_log_rows_written_total')).toBe(40);
    expect(exposition.sum('llm_gateway_request_log_rows_dropped_total')).toBe(2);
    expect(exposition.sum('llm_gateway_request_log_flush_failures_total')).toBe(1);
    states.clear();
    inFlight = 0;
    exposition = await read();
    expect(exposition.samples('llm_gateway_circuit_breaker_state')).toEqual([]);
    expect(exposition.sum('llm_gateway_requests_in_flight')).toBe(0);
  });
});
