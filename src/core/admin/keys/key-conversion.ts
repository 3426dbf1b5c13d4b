// Virtual key records ⇄ the proto's messages.
import { create } from '@bufbuild/protobuf';
import { timestampFromMs, timestampMs, type Timestamp } from '@bufbuild/protobuf/wkt';
import {
  BudgetPeriod,
  BudgetSchema,
  BudgetUnit,
  RateLimitsSchema,
  VirtualKeySchema,
  type Budget,
  type RateLimits,
  type VirtualKey,
} from '../../../../gen/llmgateway/v1/keys_service_pb.js';
import type { BudgetRecord, RateLimitsRecord, VirtualKeyRecord } from '../../../domain/virtual-key.js';
import { invalidArgument } from '../../../domain/gateway-error.js';
import { requireNonNegativeInteger } from '../validate.js';
import { displaySecret } from '../../auth/virtual-key-secret.js';

const UNIT_NAMES = { [BudgetUnit.TOKENS]: 'tokens', [BudgetUnit.USD]: 'usd' } as const;
const PERIOD_NAMES = {
  [BudgetPeriod.DAY]: 'day',
  [BudgetPeriod.WEEK]: 'week',
  [BudgetPeriod.MONTH]: 'month',
  [BudgetPeriod.TOTAL]: 'total',
} as const;

const optionalTimestamp = (ms: number | null): Timestamp | undefined => (ms === null ? undefined : timestampFromMs(ms));

export function keyRecordToProto(record: VirtualKeyRecord): VirtualKey {
  return create(VirtualKeySchema, {
    id: record.id,
    name: record.name,
    enabled: record.enabled && record.revokedAt === null,
    expiresAt: optionalTimestamp(record.expiresAt),
    allowedModels: record.allowedModels,
    rateLimits: create(RateLimitsSchema, record.rateLimits),
    budget: record.budget ? budgetRecordToProto(record.budget) : undefined,
    cacheEnabled: record.cacheEnabled,
    logRequestBodies: record.logRequestBodies,
    metadata: record.metadata,
    display: displaySecret(record.secretPrefix, record.secretLast4),
    createdAt: timestampFromMs(record.createdAt),
    updatedAt: timestampFromMs(record.updatedAt),
    revokedAt: optionalTimestamp(record.revokedAt),
    previousSecretExpiresAt: optionalTimestamp(record.previousSecretExpiresAt),
  });
}

const PERIOD_VALUES: Record<BudgetRecord['period'], BudgetPeriod> = {
  day: BudgetPeriod.DAY,
  week: BudgetPeriod.WEEK,
  month: BudgetPeriod.MONTH,
  total: BudgetPeriod.TOTAL,
};

function budgetRecordToProto(budget: BudgetRecord): Budget {
  const unit = budget.unit === 'usd' ? BudgetUnit.USD : BudgetUnit.TOKENS;
  return create(BudgetSchema, { amount: budget.amount, unit, period: PERIOD_VALUES[budget.period] });
}

export function rateLimitsFromProto(field: string, limits: RateLimits | undefined): RateLimitsRecord {
  return {
    requestsPerMinute: requireNonNegativeInteger(`${field}.requests_per_minute`, limits?.requestsPerMinute ?? 0),
    tokensPerMinute: requireNonNegativeInteger(`${field}.tokens_per_minute`, limits?.tokensPerMinute ?? 0),
    concurrentRequests: requireNonNegativeInteger(`${field}.concurrent_requests`, limits?.concurrentRequests ?? 0),
  };
}

export function budgetFromProto(field: string, budget: Budget | undefined): BudgetRecord | null {
  if (!budget) return null;
  if (!Number.isFinite(budget.amount) || budget.amount <= 0) throw invalidArgument(`${field}.amount`, 'must be a number > 0');
  const unit = UNIT_NAMES[budget.unit as keyof typeof UNIT_NAMES];
  if (!unit) throw invalidArgument(`${field}.unit`, 'must be BUDGET_UNIT_TOKENS or BUDGET_UNIT_USD');
  const period = PERIOD_NAMES[budget.period as keyof typeof PERIOD_NAMES];
  if (!period) throw invalidArgument(`${field}.period`, 'must be DAY, WEEK, MONTH or TOTAL');
  if (unit === 'tokens' && !Number.isInteger(budget.amount)) throw invalidArgument(`${field}.amount`, 'must be whole tokens');
  return { amount: budget.amount, unit, period };
}

/** Expiry must lie in the future; unset means never. */
export function expiryFromProto(field: string, expiresAt: Timestamp | undefined, now: number): number | null {
  if (!expiresAt) return null;
  const ms = timestampMs(expiresAt);
  if (!Number.isFinite(ms) || ms <= now) throw invalidArgument(field, 'must be in the future');
  return ms;
}
