// The gateway's metrics: one registry per composed gateway (tests compose many
// in one process, so nothing goes to prom-client's global registry), fed by
// observers the composition root plugs in — each finished request (its
// request-log row), each upstream attempt and breaker change (the dispatcher),
// each expert decision, each database error — and by live state read at
// scrape time (live-metrics.ts). The process and Node.js metrics are added by
// the server only (default-metrics.ts).
import { Registry } from 'prom-client';
import type { Attempt } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { RequestLogRecord } from '../../domain/request-log.js';
import type { RequestFacts } from '../governance/request-facts.js';
import type { BreakerState } from '../routing/circuit-breaker.js';
import type { AttemptKind } from '../routing/dispatcher.js';
import { createEstimateSampler, type EstimateSamplerOptions } from './estimate-accuracy.js';
import { defineLiveMetrics, type LiveSources } from './live-metrics.js';
import { DATABASE_ERROR_KINDS, exportKnownSeriesAtZero } from './known-series.js';
import { defineMetrics } from './metric-definitions.js';
import { modelFamilyOf } from './model-family.js';
import { observeRequest } from './request-metrics.js';
import { defineQuotaMetrics, type QuotaMetrics } from './quota-metrics.js';
import { splitTargetKey } from './target-labels.js';

export type DatabaseErrorKind = (typeof DATABASE_ERROR_KINDS)[number];

export interface GatewayMetricsOptions {
  /** Cost by virtual key (GATEWAY_METRICS_KEY_LABELS). */
  keyLabels: boolean;
  /** GATEWAY_METRICS_ESTIMATE_SAMPLE_RATE; tests also pass the sampler's random and defer. */
  estimate: EstimateSamplerOptions;
}

export interface GatewayMetrics {
  readonly registry: Registry;
  requestFinished(record: RequestLogRecord, facts: RequestFacts): void;
  attemptEnded(attempt: Pick<Attempt, 'providerId' | 'upstreamModel' | 'outcome'>, kind: AttemptKind): void;
  breakerChanged(targetKey: string, to: BreakerState): void;
  expertDecided(decision: { route: string; expert: string; source: string }): void;
  databaseFailed(kind: DatabaseErrorKind): void;
  /** A Responses API answer the database could not keep (compose-responses.ts). */
  responseNotStored(): void;
  /** An answer served by a model without a price (core/completion/unpriced-model.ts). */
  unpricedServed(providerId: string, upstreamModel: string): void;
  /** A request refused by the process's in-flight cap (server/in-flight-limit.ts). */
  inFlightLimitRefused(): void;
  /** GATEWAY_CONFIG_FILE applied (or not) at start or on SIGHUP. */
  configFileApplied(reason: 'start' | 'sighup', ok: boolean): void;
  /** The live state read at each scrape (requests in flight, breakers, the request-log writer). */
  watch(sources: LiveSources): void;
  /** The upstream quotas' queue and slots (core/quotas). */
  readonly quotas: QuotaMetrics;
}

export function createGatewayMetrics(options: GatewayMetricsOptions): GatewayMetrics {
  const registry = new Registry();
  const metrics = defineMetrics(registry, { keyLabels: options.keyLabels });
  const unpricedChildren = new Map<string, ReturnType<typeof metrics.unpriced.labels>>();
  exportKnownSeriesAtZero(metrics);
  const live = defineLiveMetrics(registry);
  const sampleEstimate = createEstimateSampler(options.estimate);
  return {
    registry,
    quotas: defineQuotaMetrics(registry),
    requestFinished(record, facts) {
      observeRequest(metrics, record, facts, options.keyLabels);
      sampleEstimate(record, facts, (ratio) => metrics.estimateRatio.observe({ family: modelFamilyOf(record.upstreamModel) }, ratio));
    },
    attemptEnded(attempt, kind) {
      metrics.attempts.inc({ provider: attempt.providerId, model: attempt.upstreamModel, outcome: attempt.outcome, attempt: kind });
    },
    breakerChanged(targetKey, to) {
      metrics.breakerTransitions.inc({ ...splitTargetKey(targetKey), to: to === 'half-open' ? 'half_open' : to });
    },
    expertDecided(decision) {
      metrics.expertDecisions.inc({ route: decision.route, expert: decision.expert, source: decision.source });
    },
    databaseFailed(kind) {
      metrics.databaseErrors.inc({ kind });
    },
    responseNotStored() {
      metrics.responsesNotStored.inc();
    },
    unpricedServed(providerId, upstreamModel) {
      // Per answer of such a model: the labelled child kept, so prom-client hashes its labels once per model.
      const name = `${providerId}\u0000${upstreamModel}`;
      let child = unpricedChildren.get(name);
      if (child === undefined) {
        if (unpricedChildren.size >= 1_000) unpricedChildren.clear();
        unpricedChildren.set(name, (child = metrics.unpriced.labels({ provider: providerId, model: upstreamModel })));
      }
      child.inc();
    },
    inFlightLimitRefused() {
      metrics.inFlightLimitRefusals.inc();
    },
    configFileApplied(reason, ok) {
      metrics.configFileApplies.inc({ reason, result: ok ? 'ok' : 'failed' });
    },
    watch: (sources) => live.watch(sources),
  };
}
