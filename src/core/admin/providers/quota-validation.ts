// Upstream quota and queue settings: proto ⇄ records, validated with field paths.
import { create } from '@bufbuild/protobuf';
import { durationFromMs, durationMs } from '@bufbuild/protobuf/wkt';
import {
  RequestQueueSettingsSchema,
  UpstreamQuotaSchema,
  type RequestQueueSettings,
  type UpstreamQuota,
} from '../../../../gen/llmgateway/v1/providers_service_pb.js';
import type { RequestQueueRecord, UpstreamQuotaRecord } from '../../../domain/provider.js';
import { invalidArgument } from '../../../domain/gateway-error.js';
import { requireNonNegativeInteger } from '../validate.js';

/** Generous bounds: far above any real account, low enough to stay exact in Redis and in memory. */
const MAX_PER_MINUTE = 1_000_000_000;
const MAX_CONCURRENT = 100_000;
const MAX_QUEUE_LENGTH = 100_000;
/** A request waiting longer than 10 minutes is better refused: clients time out long before. */
const MAX_WAIT_MS = 600_000;

/** undefined for an unset message and for an all-zero quota (nothing to enforce). */
export function validateQuota(field: string, quota: UpstreamQuota | undefined): UpstreamQuotaRecord | undefined {
  if (!quota) return undefined;
  const record = {
    requestsPerMinute: requireNonNegativeInteger(`${field}.requests_per_minute`, quota.requestsPerMinute, MAX_PER_MINUTE),
    tokensPerMinute: requireNonNegativeInteger(`${field}.tokens_per_minute`, quota.tokensPerMinute, MAX_PER_MINUTE),
    maxConcurrent: requireNonNegativeInteger(`${field}.max_concurrent`, quota.maxConcurrent, MAX_CONCURRENT),
  };
  return record.requestsPerMinute || record.tokensPerMinute || record.maxConcurrent ? record : undefined;
}

export function validateQueue(field: string, queue: RequestQueueSettings | undefined): RequestQueueRecord | undefined {
  if (!queue) return undefined;
  const maxLength = requireNonNegativeInteger(`${field}.max_length`, queue.maxLength, MAX_QUEUE_LENGTH);
  if (queue.maxWait && (queue.maxWait.seconds < 0n || queue.maxWait.nanos < 0)) throw invalidArgument(`${field}.max_wait`, 'must not be negative');
  const maxWaitMs = queue.maxWait ? Math.round(durationMs(queue.maxWait)) : 0;
  if (maxWaitMs > MAX_WAIT_MS) throw invalidArgument(`${field}.max_wait`, `must be at most ${MAX_WAIT_MS / 1000} s`);
  if (maxLength > 0 && maxWaitMs === 0) throw invalidArgument(`${field}.max_wait`, 'is required (> 0) when max_length is above 0');
  return { maxLength, maxWaitMs };
}

export const quotaToProto = (quota: UpstreamQuotaRecord | undefined): UpstreamQuota | undefined =>
  quota ? create(UpstreamQuotaSchema, quota) : undefined;

export const queueToProto = (queue: RequestQueueRecord | undefined): RequestQueueSettings | undefined =>
  queue ? create(RequestQueueSettingsSchema, { maxLength: queue.maxLength, maxWait: durationFromMs(queue.maxWaitMs) }) : undefined;
