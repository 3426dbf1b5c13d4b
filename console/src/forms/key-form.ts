// The key editor's form ↔ the KeysService messages. The update's update_mask names the fields the user
// changed (against the key as loaded), so clearing a field clears it on the key, and a field changed
// meanwhile elsewhere (another tab, the CLI) is not overwritten with the value this form loaded.
import { create } from '@bufbuild/protobuf';
import { FieldMaskSchema } from '@bufbuild/protobuf/wkt';
import {
  BudgetPeriod,
  BudgetSchema,
  BudgetUnit,
  CreateKeyRequestSchema,
  RateLimitsSchema,
  UpdateKeyRequestSchema,
  type CreateKeyRequest,
  type UpdateKeyRequest,
  type VirtualKey,
} from '../../../gen/llmgateway/v1/keys_service_pb.js';
import { changedPaths, fieldProblem, formatPairs, localInputToTimestamp, optionalDecimal, parsePairs, splitList, timestampToLocalInput, wholeNumber } from './form-values.js';

export interface KeyForm {
  name: string;
  enabled: boolean;
  /** datetime-local value; '' never expires. */
  expiresAt: string;
  /** Model patterns, comma or newline separated; '' allows all. */
  allowedModels: string;
  requestsPerMinute: string;
  tokensPerMinute: string;
  concurrentRequests: string;
  /** '' = no budget. */
  budgetAmount: string;
  budgetUnit: BudgetUnit;
  budgetPeriod: BudgetPeriod;
  cacheEnabled: boolean;
  logRequestBodies: boolean;
  /** `name=value` per line. */
  metadata: string;
}

export function emptyKeyForm(): KeyForm {
  return {
    name: '',
    enabled: true,
    expiresAt: '',
    allowedModels: '',
    requestsPerMinute: '',
    tokensPerMinute: '',
    concurrentRequests: '',
    budgetAmount: '',
    budgetUnit: BudgetUnit.USD,
    budgetPeriod: BudgetPeriod.MONTH,
    cacheEnabled: false,
    logRequestBodies: false,
    metadata: '',
  };
}

export function keyToForm(key: VirtualKey): KeyForm {
  const limit = (value: number | undefined) => (value ? String(value) : '');
  return {
    name: key.name,
    enabled: key.enabled,
    expiresAt: timestampToLocalInput(key.expiresAt),
    allowedModels: key.allowedModels.join(', '),
    requestsPerMinute: limit(key.rateLimits?.requestsPerMinute),
    tokensPerMinute: limit(key.rateLimits?.tokensPerMinute),
    concurrentRequests: limit(key.rateLimits?.concurrentRequests),
    budgetAmount: key.budget ? String(key.budget.amount) : '',
    budgetUnit: key.budget?.unit || BudgetUnit.USD,
    budgetPeriod: key.budget?.period || BudgetPeriod.MONTH,
    cacheEnabled: key.cacheEnabled,
    logRequestBodies: key.logRequestBodies,
    metadata: formatPairs(key.metadata, '='),
  };
}

/** The fields both requests share, validated; throws FieldProblem naming the proto field. */
function keyFields(form: KeyForm) {
  if (form.name.trim() === '') throw fieldProblem('name', 'required');
  const amount = optionalDecimal('budget.amount', form.budgetAmount, 'budget');
  if (amount === 0) throw fieldProblem('budget.amount', 'budget');
  return {
    name: form.name.trim(),
    enabled: form.enabled,
    expiresAt: localInputToTimestamp('expires_at', form.expiresAt),
    allowedModels: splitList(form.allowedModels),
    rateLimits: create(RateLimitsSchema, {
      requestsPerMinute: wholeNumber('rate_limits.requests_per_minute', form.requestsPerMinute),
      tokensPerMinute: wholeNumber('rate_limits.tokens_per_minute', form.tokensPerMinute),
      concurrentRequests: wholeNumber('rate_limits.concurrent_requests', form.concurrentRequests),
    }),
    budget: amount === undefined ? undefined : create(BudgetSchema, { amount, unit: form.budgetUnit, period: form.budgetPeriod }),
    cacheEnabled: form.cacheEnabled,
    logRequestBodies: form.logRequestBodies,
    metadata: parsePairs('metadata', form.metadata, '='),
  };
}

export function toCreateKeyRequest(form: KeyForm): CreateKeyRequest {
  return create(CreateKeyRequestSchema, keyFields(form));
}

/** What each updatable field is made of on the form (a rate limit or budget is sent whole). */
const KEY_VALUES: Record<string, (form: KeyForm) => unknown> = {
  name: (form) => form.name.trim(),
  enabled: (form) => form.enabled,
  expires_at: (form) => form.expiresAt,
  allowed_models: (form) => splitList(form.allowedModels),
  rate_limits: (form) => [form.requestsPerMinute.trim(), form.tokensPerMinute.trim(), form.concurrentRequests.trim()],
  budget: (form) => [form.budgetAmount.trim(), form.budgetUnit, form.budgetPeriod],
  cache_enabled: (form) => form.cacheEnabled,
  log_request_bodies: (form) => form.logRequestBodies,
  metadata: (form) => form.metadata,
};

/**
 * The update of `key` (as loaded into the form) with the fields the user changed; an empty mask changes nothing.
 * It names the version loaded, so a save over someone else's change since is refused (ABORTED), not silent.
 */
export function toUpdateKeyRequest(key: VirtualKey, form: KeyForm): UpdateKeyRequest {
  const paths = changedPaths(keyToForm(key), form, KEY_VALUES);
  return create(UpdateKeyRequestSchema, { id: key.id, ...keyFields(form), expectedVersion: key.version, updateMask: create(FieldMaskSchema, { paths }) });
}
