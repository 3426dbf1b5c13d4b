// Health-check records, runs and summaries ⇄ the proto's messages: milliseconds ⇄ Durations and Timestamps.
import { create } from '@bufbuild/protobuf';
import { durationFromMs, timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  HealthCheckRunSchema,
  HealthCheckSchema,
  HealthCheckSummarySchema,
  type HealthCheck,
  type HealthCheckRun,
  type HealthCheckSummary,
} from '../../../../gen/llmgateway/v1/health_checks_service_pb.js';
import type { HealthCheckRecord, HealthCheckRunRecord, HealthCheckRunSummary } from '../../../domain/health-check.js';

export function healthCheckToProto(record: HealthCheckRecord): HealthCheck {
  return create(HealthCheckSchema, {
    id: record.id,
    name: record.name,
    enabled: record.enabled,
    providerId: record.providerId,
    upstreamModel: record.upstreamModel,
    route: record.route,
    interval: durationFromMs(record.intervalMs),
    timeout: durationFromMs(record.timeoutMs),
    prompt: record.prompt,
    maxOutputTokens: record.maxOutputTokens,
    createdAt: timestampFromMs(record.createdAt),
    updatedAt: timestampFromMs(record.updatedAt),
  });
}

export function healthCheckRunToProto(run: HealthCheckRunRecord): HealthCheckRun {
  return create(HealthCheckRunSchema, {
    id: run.id,
    checkId: run.checkId,
    time: timestampFromMs(run.time),
    ok: run.ok,
    latency: durationFromMs(whole(run.latencyMs)),
    errorKind: run.errorKind,
    errorMessage: run.errorMessage,
    upstreamStatus: run.upstreamStatus,
    providerId: run.providerId,
    upstreamModel: run.upstreamModel,
    attempts: run.attempts,
  });
}

/** `summary` undefined: no run in the window. */
export function healthCheckSummaryToProto(windowMs: number, summary: HealthCheckRunSummary | undefined): HealthCheckSummary {
  if (!summary || summary.runs === 0) return create(HealthCheckSummarySchema, { window: durationFromMs(windowMs) });
  return create(HealthCheckSummarySchema, {
    window: durationFromMs(windowMs),
    runs: summary.runs,
    failures: summary.failures,
    successRate: successRate(summary),
    // Whole milliseconds: an average with a fraction would make fractional (unencodable) nanos.
    averageLatency: summary.averageLatencyMs === null ? undefined : durationFromMs(whole(summary.averageLatencyMs)),
    p95Latency: summary.p95LatencyMs === null ? undefined : durationFromMs(whole(summary.p95LatencyMs)),
    lastFailure: summary.lastFailure === null ? undefined : healthCheckRunToProto(summary.lastFailure),
  });
}

/** The share of successful runs, 0–1; 0 without runs. */
export function successRate(summary: Pick<HealthCheckRunSummary, 'runs' | 'failures'>): number {
  if (summary.runs <= 0) return 0;
  return Math.min(1, Math.max(0, (summary.runs - summary.failures) / summary.runs));
}

function whole(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : 0;
}
