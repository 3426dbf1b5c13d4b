// HealthCheckRecord ⇄ health_checks row, HealthCheckRunRecord ⇄ health_check_runs row.
// A run's texts are cut to their columns: a long upstream error message must not fail the write.
import type { Insertable, Selectable } from 'kysely';
import type { HealthCheckRecord, HealthCheckRunRecord } from '../domain/health-check.js';
import { fit } from './fit-text.js';
import { toNumber } from './request-log-rows.js';
import { booleanToColumn, columnsToRecordTimes, columnToBoolean, columnToTimestamp, recordTimesToColumns, StoredValueError, timestampToColumn } from './row-values.js';
import type { HealthCheckRunsTable, HealthChecksTable } from './schema.js';

const INT_MAX = 2_147_483_647;

export function healthCheckToRow(check: HealthCheckRecord): Insertable<HealthChecksTable> {
  for (const field of ['intervalMs', 'timeoutMs', 'maxOutputTokens'] as const) {
    if (!Number.isSafeInteger(check[field]) || check[field] < 0 || check[field] > INT_MAX) throw new TypeError(`${field} must be a whole number`);
  }
  return {
    id: check.id,
    name: check.name,
    enabled: booleanToColumn(check.enabled),
    provider_id: check.providerId,
    upstream_model: check.upstreamModel,
    route: check.route,
    interval_ms: check.intervalMs,
    timeout_ms: check.timeoutMs,
    prompt: check.prompt,
    max_output_tokens: check.maxOutputTokens,
    ...recordTimesToColumns(check),
  };
}

export function rowToHealthCheck(row: Selectable<HealthChecksTable>): HealthCheckRecord {
  const field = (column: string) => `health_checks.${column} (id ${row.id})`;
  const whole = (value: unknown, column: string) => {
    const number = Number(value);
    if (!Number.isSafeInteger(number)) throw new StoredValueError(`${field(column)} is not an integer`);
    return number;
  };
  return {
    id: row.id,
    name: row.name,
    enabled: columnToBoolean(row.enabled),
    providerId: row.provider_id,
    upstreamModel: row.upstream_model,
    route: row.route,
    intervalMs: whole(row.interval_ms, 'interval_ms'),
    timeoutMs: whole(row.timeout_ms, 'timeout_ms'),
    prompt: row.prompt,
    maxOutputTokens: whole(row.max_output_tokens, 'max_output_tokens'),
    ...columnsToRecordTimes(row, field),
  };
}

export function runToRow(run: HealthCheckRunRecord): Insertable<HealthCheckRunsTable> {
  return {
    id: fit(run.id, 64),
    check_id: fit(run.checkId, 64),
    time: timestampToColumn(run.time, 'time'),
    ok: booleanToColumn(run.ok),
    latency_ms: clampInt(run.latencyMs),
    error_kind: fit(run.errorKind, 32),
    error_message: fit(run.errorMessage, 1000),
    upstream_status: clampInt(run.upstreamStatus),
    provider_id: fit(run.providerId, 200),
    upstream_model: fit(run.upstreamModel, 200),
    attempts: clampInt(run.attempts),
  };
}

export function rowToRun(row: Selectable<HealthCheckRunsTable>): HealthCheckRunRecord {
  return {
    id: row.id,
    checkId: row.check_id,
    time: columnToTimestamp(row.time, `health_check_runs.time (id ${row.id})`),
    ok: columnToBoolean(row.ok),
    latencyMs: toNumber(row.latency_ms),
    errorKind: row.error_kind,
    errorMessage: row.error_message,
    upstreamStatus: toNumber(row.upstream_status),
    providerId: row.provider_id,
    upstreamModel: row.upstream_model,
    attempts: toNumber(row.attempts),
  };
}

function clampInt(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.min(Math.round(value), INT_MAX) : 0;
}
