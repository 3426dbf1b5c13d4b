// Every metric the gateway exports, defined once: names prefixed llm_gateway_
// with their unit in the name, labels of bounded cardinality only — provider
// ids, route and expert names and upstream models come from the gateway's own
// configuration (never the client's free-form model string), error kinds and
// outcomes from fixed sets. Virtual keys label cost only when the operator
// asks for it (GATEWAY_METRICS_KEY_LABELS: one series per key and model).
// What is read from live state at scrape time instead is in live-metrics.ts.
import { Counter, Histogram, type Registry } from 'prom-client';

/** 1 ms … 120 s: a cache hit and a long reasoning stream both land in a bucket of their own size. */
export const DURATION_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
/** Estimate ÷ reported: 1 is exact; the tokenizer is OpenAI's, so other families spread wider. */
export const RATIO_BUCKETS = [0.5, 0.67, 0.8, 0.9, 0.95, 1, 1.05, 1.1, 1.25, 1.5, 2];

const REQUEST_LABELS = ['surface', 'operation', 'route', 'provider', 'model', 'outcome'] as const;

export interface MetricDefinitionOptions {
  /** Cost gets a key_id label. */
  keyLabels: boolean;
}

export function defineMetrics(registry: Registry, options: MetricDefinitionOptions) {
  const registers = [registry];
  return {
    requests: new Counter({
      name: 'llm_gateway_requests_total',
      help: 'Governed requests finished (chat, streams, embeddings), by surface, operation, route, provider, upstream model and outcome.',
      labelNames: [...REQUEST_LABELS, 'error_kind'],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'llm_gateway_request_duration_seconds',
      help: 'Time from a request’s arrival to its end (a stream: its last chunk).',
      labelNames: REQUEST_LABELS,
      buckets: DURATION_BUCKETS_SECONDS,
      registers,
    }),
    timeToFirstToken: new Histogram({
      name: 'llm_gateway_time_to_first_token_seconds',
      help: 'Streams: time from the request’s arrival to its first output chunk.',
      labelNames: ['surface', 'route', 'provider', 'model'],
      buckets: DURATION_BUCKETS_SECONDS,
      registers,
    }),
    attempts: new Counter({
      name: 'llm_gateway_upstream_attempts_total',
      help: 'Upstream attempts, by provider, upstream model, outcome (ok or the error kind) and kind (first, retry of the same target, failover to another).',
      labelNames: ['provider', 'model', 'outcome', 'attempt'],
      registers,
    }),
    tokens: new Counter({
      name: 'llm_gateway_tokens_total',
      help: 'Tokens consumed upstream (cache hits excluded), by direction: input (all, cached and cache-written included), output (reasoning included), cached_input, cache_write, reasoning.',
      labelNames: ['direction', 'provider', 'model'],
      registers,
    }),
    cost: new Counter({
      name: 'llm_gateway_cost_usd_total',
      help: 'Cost in US dollars at the serving model’s prices (cache hits cost nothing).',
      labelNames: options.keyLabels ? ['provider', 'model', 'key_id'] : ['provider', 'model'],
      registers,
    }),
    unpriced: new Counter({
      name: 'llm_gateway_unpriced_requests_total',
      help: 'Answers served by a model without a price (none on the provider model, none built in): they cost $0, so USD budgets do not count them.',
      labelNames: ['provider', 'model'],
      registers,
    }),
    estimateRatio: new Histogram({
      name: 'llm_gateway_token_estimate_ratio',
      help: 'The gateway’s own input-token count before the call divided by the input tokens the upstream reported, by model family.',
      labelNames: ['family'],
      buckets: RATIO_BUCKETS,
      registers,
    }),
    cacheLookups: new Counter({
      name: 'llm_gateway_cache_lookups_total',
      help: 'Response-cache lookups, by result (hit or miss).',
      labelNames: ['result'],
      registers,
    }),
    refusals: new Counter({
      name: 'llm_gateway_limit_refusals_total',
      help: 'Requests refused by a key’s limits, by kind: requests, tokens, concurrency (rate limits) or budget.',
      labelNames: ['kind'],
      registers,
    }),
    inFlightLimitRefusals: new Counter({
      name: 'llm_gateway_in_flight_limit_refusals_total',
      help: 'Data-plane requests refused at once (503 / UNAVAILABLE) because the process had GATEWAY_MAX_IN_FLIGHT_REQUESTS requests in flight.',
      registers,
    }),
    breakerTransitions: new Counter({
      name: 'llm_gateway_circuit_breaker_transitions_total',
      help: 'Circuit-breaker state changes per target, by the state entered.',
      labelNames: ['provider', 'model', 'to'],
      registers,
    }),
    databaseErrors: new Counter({
      name: 'llm_gateway_database_errors_total',
      help: 'Failed database operations, by kind: unavailable (unreachable or busy), constraint (a unique key), other.',
      labelNames: ['kind'],
      registers,
    }),
    responsesNotStored: new Counter({
      name: 'llm_gateway_responses_not_stored_total',
      help: 'Responses API answers (store: true) the database could not keep: answered with store: false, not retrievable or continuable.',
      registers,
    }),
    configFileApplies: new Counter({
      name: 'llm_gateway_config_file_applies_total',
      help: 'GATEWAY_CONFIG_FILE applied, by reason (start, sighup) and result (ok, failed: the running configuration stayed).',
      labelNames: ['reason', 'result'],
      registers,
    }),
    expertDecisions: new Counter({
      name: 'llm_gateway_expert_decisions_total',
      help: 'Expert-route decisions, by route, expert and source (llm, rules, embedding, fallback, cache).',
      labelNames: ['route', 'expert', 'source'],
      registers,
    }),
  };
}

export type Instruments = ReturnType<typeof defineMetrics>;
