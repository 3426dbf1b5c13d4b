import type { ServiceImpl } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import {
  CreateProviderResponseSchema,
  DeleteProviderResponseSchema,
  DiscoverModelsResponseSchema,
  GetProviderResponseSchema,
  GetUpstreamUsageResponseSchema,
  ListProvidersResponseSchema,
  ProvidersService,
  UpdateProviderResponseSchema,
} from '../../gen/llmgateway/v1/providers_service_pb.js';
import type { ProviderAdmin } from '../core/admin/providers/provider-admin.js';
import type { ProviderProbe } from '../core/admin/providers/provider-probe.js';
import type { UpstreamUsageReport } from '../core/admin/providers/upstream-usage.js';

export function providersService(admin: ProviderAdmin, probe: ProviderProbe, upstreamUsage: UpstreamUsageReport): ServiceImpl<typeof ProvidersService> {
  return {
    createProvider: async (request) => create(CreateProviderResponseSchema, { provider: await admin.create(request) }),
    getProvider: async (request) => create(GetProviderResponseSchema, { provider: await admin.get(request.id) }),
    listProviders: async (request) => create(ListProvidersResponseSchema, await admin.list(request)),
    updateProvider: async (request) => create(UpdateProviderResponseSchema, { provider: await admin.update(request) }),
    deleteProvider: async (request) => {
      await admin.delete(request.id);
      return create(DeleteProviderResponseSchema);
    },
    testProvider: (request) => probe.test(request.id, request.upstreamModel.trim()),
    discoverModels: async (request) => create(DiscoverModelsResponseSchema, { models: await probe.discover(request.id) }),
    getUpstreamUsage: async (request) => create(GetUpstreamUsageResponseSchema, { usages: await upstreamUsage(request.providerId.trim()) }),
  };
}
