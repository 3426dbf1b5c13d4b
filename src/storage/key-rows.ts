// VirtualKeyRecord ⇄ virtual_keys row.
import type { Insertable, Selectable } from 'kysely';
import type { BudgetRecord, RateLimitsRecord, VirtualKeyRecord } from '../domain/virtual-key.js';
import { asObject, asStringArray, asStringRecord, jsonToColumn, readJsonColumn, readNumber } from './json-columns.js';
import {
  booleanToColumn,
  columnsToRecordTimes,
  columnToBoolean,
  columnToNullableTimestamp,
  nullableTimestampToColumn,
  recordTimesToColumns,
  StoredValueError,
} from './row-values.js';
import type { VirtualKeysTable } from './schema.js';

export type KeyRow = Selectable<VirtualKeysTable>;
export type NewKeyRow = Insertable<VirtualKeysTable>;

export function keyToRow(key: VirtualKeyRecord): NewKeyRow {
  return {
    id: key.id,
    name: key.name,
    secret_hash: key.secretHash,
    secret_prefix: key.secretPrefix,
    secret_last4: key.secretLast4,
    previous_secret_hash: key.previousSecretHash,
    previous_secret_expires_at: nullableTimestampToColumn(key.previousSecretExpiresAt, 'previousSecretExpiresAt'),
    enabled: booleanToColumn(key.enabled),
    expires_at: nullableTimestampToColumn(key.expiresAt, 'expiresAt'),
    revoked_at: nullableTimestampToColumn(key.revokedAt, 'revokedAt'),
    allowed_models: jsonToColumn(key.allowedModels),
    rate_limits: jsonToColumn(key.rateLimits),
    budget: key.budget === null ? null : jsonToColumn(key.budget),
    cache_enabled: booleanToColumn(key.cacheEnabled),
    log_request_bodies: booleanToColumn(key.logRequestBodies),
    metadata: jsonToColumn(key.metadata),
    ...recordTimesToColumns(key),
  };
}

export function rowToKey(row: KeyRow): VirtualKeyRecord {
  const field = (column: string) => `virtual_keys.${column} (id ${row.id})`;
  return {
    id: row.id,
    name: row.name,
    secretHash: row.secret_hash,
    secretPrefix: row.secret_prefix,
    secretLast4: row.secret_last4,
    previousSecretHash: row.previous_secret_hash ?? null,
    previousSecretExpiresAt: columnToNullableTimestamp(row.previous_secret_expires_at, field('previous_secret_expires_at')),
    enabled: columnToBoolean(row.enabled),
    expiresAt: columnToNullableTimestamp(row.expires_at, field('expires_at')),
    revokedAt: columnToNullableTimestamp(row.revoked_at, field('revoked_at')),
    allowedModels: readJsonColumn(row.allowed_models, field('allowed_models'), asStringArray),
    rateLimits: readJsonColumn(row.rate_limits, field('rate_limits'), toRateLimits),
    budget: readJsonColumn(row.budget, field('budget'), toBudget),
    cacheEnabled: columnToBoolean(row.cache_enabled),
    logRequestBodies: columnToBoolean(row.log_request_bodies),
    metadata: readJsonColumn(row.metadata, field('metadata'), asStringRecord),
    ...columnsToRecordTimes(row, field),
  };
}

function toRateLimits(json: unknown, field: string): RateLimitsRecord {
  const value = asObject(json, field);
  return {
    requestsPerMinute: readNumber(value, 'requestsPerMinute'),
    tokensPerMinute: readNumber(value, 'tokensPerMinute'),
    concurrentRequests: readNumber(value, 'concurrentRequests'),
  };
}

function toBudget(json: unknown, field: string): BudgetRecord | null {
  if (json === null) return null;
  const value = asObject(json, field);
  const { unit, period } = value;
  if (unit !== 'tokens' && unit !== 'usd') throw new StoredValueError(`${field} has an unknown unit`);
  if (period !== 'day' && period !== 'week' && period !== 'month' && period !== 'total') {
    throw new StoredValueError(`${field} has an unknown period`);
  }
  return { amount: readNumber(value, 'amount'), unit, period };
}
