// ProvidersService.GetUpstreamUsage: per provider and per provider model with a
// quota, this replica's requests in flight and queued, and the minute's window
// as the limiter counts it (shared through Redis when configured).
import { create } from '@bufbuild/protobuf';
import { UpstreamUsageSchema, type UpstreamUsage } from '../../../../gen/llmgateway/v1/providers_service_pb.js';
import { notFound } from '../../../domain/gateway-error.js';
import type { ProviderRecord, ProvidersRepository, UpstreamQuotaRecord } from '../../../domain/provider.js';
import { modelSubjectId, providerSubjectId } from '../../quotas/quota-subjects.js';
import type { QuotaGateStats, UpstreamQuotas } from '../../quotas/upstream-quotas.js';
import { quotaToProto } from './quota-validation.js';

export type UpstreamUsageReport = (providerId: string) => Promise<UpstreamUsage[]>;

export function createUpstreamUsageReport(providers: ProvidersRepository, quotas: UpstreamQuotas): UpstreamUsageReport {
  const usageOf = async (provider: ProviderRecord, upstreamModel: string, subjectId: string, quota: UpstreamQuotaRecord, gates: QuotaGateStats[]) => {
    const holding = gates.filter((gate) => gate.providerId === provider.id && gate.subjects.some((subject) => subject.id === subjectId));
    const state = await quotas.limiter.peek({
      id: subjectId,
      rateLimits: { requestsPerMinute: quota.requestsPerMinute, tokensPerMinute: quota.tokensPerMinute, concurrentRequests: quota.maxConcurrent },
    });
    return create(UpstreamUsageSchema, {
      providerId: provider.id,
      upstreamModel,
      quota: quotaToProto(quota),
      inFlight: holding.reduce((sum, gate) => sum + gate.inFlight, 0),
      queueDepth: holding.reduce((sum, gate) => sum + gate.queueDepth, 0),
      requestsInWindow: state.requests.limit > 0 ? state.requests.limit - state.requests.remaining : 0,
      tokensInWindow: state.tokens.limit > 0 ? state.tokens.limit - state.tokens.remaining : 0,
    });
  };

  return async (providerId) => {
    let selected: ProviderRecord[];
    if (providerId === '') selected = await providers.listAll();
    else {
      const provider = await providers.get(providerId);
      if (!provider) throw notFound('provider', providerId);
      selected = [provider];
    }
    const gates = quotas.stats();
    const usages: UpstreamUsage[] = [];
    for (const provider of selected) {
      if (provider.quota) usages.push(await usageOf(provider, '', providerSubjectId(provider.id), provider.quota, gates));
      for (const model of provider.models) {
        if (model.quota) usages.push(await usageOf(provider, model.upstreamModel, modelSubjectId(provider.id, model.upstreamModel), model.quota, gates));
      }
    }
    return usages;
  };
}
