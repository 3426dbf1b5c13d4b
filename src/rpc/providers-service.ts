import type { ServiceImpl } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import {
  CreateProviderResponseSchema,
  DeleteProviderResponseSchema,
  DiscoverModelsResponseSchema,
  GetProviderResponseSchema,
  ListProvidersResponseSchema,
  ProvidersService,
  UpdateProviderResponseSchema,
} from '../../gen/llmgateway/v1/providers_service_pb.js';
import type { ProviderAdmin } from '../core/admin/providers/provider-admin.js';
import type { ProviderProbe } from '../core/admin/providers/provider-probe.js';

export function providersService(admin: ProviderAdmin, probe: ProviderProbe): ServiceImpl<typeof ProvidersService> {
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
  };
}
