// Request-log records and aggregates ⇄ the UsageService messages.
import { create } from '@bufbuild/protobuf';
import { durationFromMs, timestampFromMs, timestampMs } from '@bufbuild/protobuf/wkt';
import {
  RequestLogEntrySchema,
  RequestStatus,
  UsageAggregateSchema,
  UsageGrouping,
  type RequestFilter,
  type RequestLogEntry,
  type UsageAggregate,
} from '../../../../gen/llmgateway/v1/usage_service_pb.js';
import type { RequestLogFilter, RequestLogRecord, RequestStatus as StatusName, UsageAggregateRow, UsageGrouping as GroupingName } from '../../../domain/request-log.js';
import { invalidArgument } from '../../../domain/gateway-error.js';
import { enumNames } from '../enum-names.js';

const STATUSES = enumNames<RequestStatus, StatusName>(RequestStatus.UNSPECIFIED, {
  [RequestStatus.OK]: 'ok',
  [RequestStatus.ERROR]: 'error',
  [RequestStatus.CANCELED]: 'canceled',
});

const GROUPINGS = enumNames<UsageGrouping, GroupingName>(UsageGrouping.UNSPECIFIED, {
  [UsageGrouping.KEY]: 'key',
  [UsageGrouping.MODEL]: 'model',
  [UsageGrouping.PROVIDER]: 'provider',
  [UsageGrouping.DAY]: 'day',
  [UsageGrouping.HOUR]: 'hour',
});

/** Unset/empty fields do not filter; an unknown status or an empty time range is InvalidArgument. */
export function filterFromProto(field: string, filter: RequestFilter | undefined): RequestLogFilter {
  if (!filter) return {};
  const result: RequestLogFilter = {};
  const keyId = filter.keyId.trim();
  const model = filter.model.trim();
  const providerId = filter.providerId.trim();
  if (keyId) result.keyId = keyId;
  if (model) result.model = model;
  if (providerId) result.providerId = providerId;
  if (filter.status !== RequestStatus.UNSPECIFIED) {
    const status = STATUSES.nameOf(filter.status);
    if (!status) throw invalidArgument(`${field}.status`, 'is not a known status');
    result.status = status;
  }
  const from = filter.from ? instant(`${field}.from`, timestampMs(filter.from)) : undefined;
  const to = filter.to ? instant(`${field}.to`, timestampMs(filter.to)) : undefined;
  if (from !== undefined) result.from = from;
  if (to !== undefined) result.to = to;
  if (from !== undefined && to !== undefined && to <= from) throw invalidArgument(`${field}.to`, 'must be after from');
  return result;
}

export function groupingFromProto(field: string, grouping: UsageGrouping): GroupingName {
  const name = GROUPINGS.nameOf(grouping);
  if (!name) throw invalidArgument(field, 'must be KEY, MODEL, PROVIDER, DAY or HOUR');
  return name;
}

export function requestLogToProto(record: RequestLogRecord): RequestLogEntry {
  return create(RequestLogEntrySchema, {
    id: record.id,
    time: timestampFromMs(record.time),
    keyId: record.keyId,
    requestedModel: record.requestedModel,
    route: record.route,
    expert: record.expert,
    providerId: record.providerId,
    upstreamModel: record.upstreamModel,
    surface: record.surface,
    operation: record.operation,
    stream: record.stream,
    status: STATUSES.valueOf(record.status),
    errorKind: record.errorKind,
    errorMessage: record.errorMessage,
    attempts: int32(record.attempts),
    cacheHit: record.cacheHit,
    inputTokens: int32(record.inputTokens),
    outputTokens: int32(record.outputTokens),
    cachedInputTokens: int32(record.cachedInputTokens),
    cacheWriteTokens: int32(record.cacheWriteTokens),
    cacheWrite1hTokens: int32(record.cacheWrite1hTokens),
    reasoningTokens: int32(record.reasoningTokens),
    estimated: record.estimated,
    costUsd: record.costUsd,
    latency: durationFromMs(record.latencyMs),
    timeToFirstToken: record.ttftMs === null ? undefined : durationFromMs(record.ttftMs),
    clientIp: record.clientIp,
    userAgent: record.userAgent,
    requestId: record.requestId,
    traceId: record.traceId,
    requestBody: record.requestBody ?? '',
    responseBody: record.responseBody ?? '',
    attemptTrail: record.attemptTrail.map((attempt) => ({
      providerId: attempt.providerId,
      upstreamModel: attempt.upstreamModel,
      outcome: attempt.outcome,
      upstreamStatus: int32(attempt.upstreamStatus),
      duration: durationFromMs(attempt.durationMs),
    })),
  });
}

export function aggregateToProto(row: UsageAggregateRow): UsageAggregate {
  return create(UsageAggregateSchema, {
    group: row.group,
    requests: int32(row.requests),
    errors: int32(row.errors),
    inputTokens: int64(row.inputTokens),
    outputTokens: int64(row.outputTokens),
    costUsd: row.costUsd,
    p50Latency: durationFromMs(row.p50LatencyMs),
    p95Latency: durationFromMs(row.p95LatencyMs),
    cacheHits: int32(row.cacheHits),
    cacheHitInputTokens: int64(row.cacheHitInputTokens),
    cacheHitOutputTokens: int64(row.cacheHitOutputTokens),
    cachedInputTokens: int64(row.cachedInputTokens),
    cacheWriteTokens: int64(row.cacheWriteTokens),
  });
}

function instant(field: string, ms: number): number {
  if (!Number.isSafeInteger(ms)) throw invalidArgument(field, 'is out of range');
  return ms;
}

function int64(value: number): bigint {
  return BigInt(Math.trunc(value));
}

/** The proto's int32 fields: saturate instead of wrapping. */
function int32(value: number): number {
  return Math.max(-2_147_483_648, Math.min(2_147_483_647, Math.trunc(value)));
}
