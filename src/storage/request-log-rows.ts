// RequestLogRecord ⇄ request_logs row. Writing is forgiving on purpose: the log
// is written in batches, and one row that does not fit its columns (an over-long
// header value, a NaN cost) must not fail every retry of its batch. So strings
// are cut to their column's length, counters clamped to INT, non-finite numbers
// zeroed; an id longer than the column is replaced by its SHA-256 (deterministic,
// so a retried batch still skips rows already written). The conversion is total:
// even a record with missing fields becomes a row rather than an endless retry.
import { createHash } from 'node:crypto';
import type { Insertable, Selectable } from 'kysely';
import type { RequestLogRecord, RequestOperation, RequestStatus, RequestSurface } from '../domain/request-log.js';
import { attemptTrailToColumn, columnToAttemptTrail } from './attempt-trail-column.js';
import { fit, wellFormed } from './fit-text.js';
import { booleanToColumn, columnToBoolean, columnToTimestamp } from './row-values.js';
import type { RequestLogsTable } from './schema.js';

export type RequestLogRow = Selectable<RequestLogsTable>;
export type NewRequestLogRow = Insertable<RequestLogsTable>;

const INT_MAX = 2_147_483_647;
const ID_LENGTH = 64;

const STATUSES: ReadonlySet<string> = new Set<RequestStatus>(['ok', 'error', 'canceled']);

/** The id as stored: unchanged when it fits, else its SHA-256 hex (64 characters). */
export function storedRequestId(id: string): string {
  const text = wellFormed(id);
  return text.length <= ID_LENGTH ? text : createHash('sha256').update(text).digest('hex');
}

export function requestLogToRow(record: RequestLogRecord): NewRequestLogRow {
  return {
    id: storedRequestId(record.id),
    time: wholeNumber(record.time, Number.MAX_SAFE_INTEGER),
    key_id: fit(record.keyId, 64),
    requested_model: fit(record.requestedModel, 200),
    route: fit(record.route, 200),
    expert: fit(record.expert, 200),
    provider_id: fit(record.providerId, 200),
    upstream_model: fit(record.upstreamModel, 200),
    surface: fit(record.surface, 16),
    operation: fit(record.operation, 16),
    stream: booleanToColumn(record.stream === true),
    status: knownStatus(record.status),
    error_kind: fit(record.errorKind, 32),
    error_message: fit(record.errorMessage, 1000),
    attempts: wholeNumber(record.attempts, INT_MAX),
    attempt_trail: attemptTrailToColumn(record.attemptTrail),
    cache_hit: booleanToColumn(record.cacheHit === true),
    input_tokens: wholeNumber(record.inputTokens, INT_MAX),
    output_tokens: wholeNumber(record.outputTokens, INT_MAX),
    cached_input_tokens: wholeNumber(record.cachedInputTokens, INT_MAX),
    cache_write_tokens: wholeNumber(record.cacheWriteTokens, INT_MAX),
    cache_write_1h_tokens: wholeNumber(record.cacheWrite1hTokens, INT_MAX),
    reasoning_tokens: wholeNumber(record.reasoningTokens, INT_MAX),
    estimated: booleanToColumn(record.estimated === true),
    cost_usd: typeof record.costUsd === 'number' && Number.isFinite(record.costUsd) ? record.costUsd : 0,
    latency_ms: wholeNumber(record.latencyMs, INT_MAX),
    ttft_ms: record.ttftMs === null || record.ttftMs === undefined ? null : wholeNumber(record.ttftMs, INT_MAX),
    client_ip: fit(record.clientIp, 64),
    user_agent: fit(record.userAgent, 300),
    request_id: fit(record.requestId, 200),
    trace_id: fit(record.traceId, 32),
    request_body: record.requestBody === null || record.requestBody === undefined ? null : wellFormed(record.requestBody),
    response_body: record.responseBody === null || record.responseBody === undefined ? null : wellFormed(record.responseBody),
  };
}

export function rowToRequestLog(row: RequestLogRow): RequestLogRecord {
  const field = (column: string) => `request_logs.${column} (id ${row.id})`;
  return {
    id: row.id,
    time: columnToTimestamp(row.time, field('time')),
    keyId: row.key_id,
    requestedModel: row.requested_model,
    route: row.route,
    expert: row.expert,
    providerId: row.provider_id,
    upstreamModel: row.upstream_model,
    // Read leniently: one odd row must not make the whole log unreadable.
    surface: row.surface as RequestSurface,
    operation: row.operation as RequestOperation,
    stream: columnToBoolean(row.stream),
    status: knownStatus(row.status),
    errorKind: row.error_kind,
    errorMessage: row.error_message,
    attempts: toNumber(row.attempts),
    attemptTrail: columnToAttemptTrail(row.attempt_trail),
    cacheHit: columnToBoolean(row.cache_hit),
    inputTokens: toNumber(row.input_tokens),
    outputTokens: toNumber(row.output_tokens),
    cachedInputTokens: toNumber(row.cached_input_tokens),
    cacheWriteTokens: toNumber(row.cache_write_tokens),
    cacheWrite1hTokens: toNumber(row.cache_write_1h_tokens),
    reasoningTokens: toNumber(row.reasoning_tokens),
    estimated: columnToBoolean(row.estimated),
    costUsd: toNumber(row.cost_usd),
    latencyMs: toNumber(row.latency_ms),
    ttftMs: row.ttft_ms === null || row.ttft_ms === undefined ? null : toNumber(row.ttft_ms),
    clientIp: row.client_ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    traceId: row.trace_id ?? '',
    requestBody: row.request_body ?? null,
    responseBody: row.response_body ?? null,
  };
}

/** mysql2 returns DECIMAL sums and huge BIGINTs as strings, a driver may return a bigint. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === null || value === undefined) return 0;
  const converted = Number(value);
  return Number.isFinite(converted) ? converted : 0;
}

/** Anything but a known status counts as an error (aggregates count status <> 'ok' as errors). */
function knownStatus(value: unknown): RequestStatus {
  return typeof value === 'string' && STATUSES.has(value) ? (value as RequestStatus) : 'error';
}

function wholeNumber(value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return 0;
  return Math.min(Math.round(value), max);
}
