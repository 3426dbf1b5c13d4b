// The limiter subjects of one target: its provider's quota and its model's own,
// as the rate limiter counts them (ids prefixed `upstream:` so they can never
// meet a virtual key's window, in memory or in Redis).
import type { ProviderModelRecord, ProviderRecord, UpstreamQuotaRecord } from '../../domain/provider.js';
import type { LimitSubject } from '../limits/rate-limiter.js';

export interface QuotaSubject extends LimitSubject {
  /** What a refusal message names: "provider openai-main" or "model openai-main/gpt-4o". */
  readonly label: string;
}

const subjectOf = (id: string, label: string, quota: UpstreamQuotaRecord): QuotaSubject => ({
  id,
  label,
  rateLimits: { requestsPerMinute: quota.requestsPerMinute, tokensPerMinute: quota.tokensPerMinute, concurrentRequests: quota.maxConcurrent },
});

/** Whether anything limits calls to this target (a cheap check before any quota work). */
export const hasQuota = (target: { provider: { record: ProviderRecord }; model: ProviderModelRecord }): boolean =>
  target.provider.record.quota !== undefined || target.model.quota !== undefined;

export const providerSubjectId = (providerId: string) => `upstream:p:${providerId}`;
export const modelSubjectId = (providerId: string, upstreamModel: string) => `upstream:m:${providerId}/${upstreamModel}`;

/** Provider first, then model; empty when neither has a quota. */
export function subjectsOf(provider: ProviderRecord, model: ProviderModelRecord): QuotaSubject[] {
  const subjects: QuotaSubject[] = [];
  if (provider.quota) subjects.push(subjectOf(providerSubjectId(provider.id), `provider ${provider.id}`, provider.quota));
  if (model.quota) subjects.push(subjectOf(modelSubjectId(provider.id, model.upstreamModel), `model ${provider.id}/${model.upstreamModel}`, model.quota));
  return subjects;
}

/** "5 requests per minute, 2 concurrent requests" — the limits a refusal names. */
export function describeQuota(limits: LimitSubject['rateLimits']): string {
  const parts: string[] = [];
  if (limits.requestsPerMinute > 0) parts.push(`${limits.requestsPerMinute} requests per minute`);
  if (limits.tokensPerMinute > 0) parts.push(`${limits.tokensPerMinute} tokens per minute`);
  if (limits.concurrentRequests > 0) parts.push(`${limits.concurrentRequests} concurrent requests`);
  return parts.join(', ');
}
