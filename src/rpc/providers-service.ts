import type { ServiceImpl } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import {
  CreateProviderResponseSchema,
  DeleteProviderResponseSchema,
  GetProviderResponseSchema,
  ListProvidersResponseSchema,
  ProvidersService,
  UpdateProviderResponseSchema,
} from '../../gen/llmgateway/v1/providers_service_pb.js';
import type { ProviderAdmin } from '../core/providers/provider-admin.js';

export function providersService(admin: ProviderAdmin): ServiceImpl<typeof ProvidersService> {
  return {
    createProvider: async (request) => create(CreateProviderResponseSchema, { provider: await admin.create(request) }),
    getProvider: async (request) => create(GetProviderResponseSchema, { provider: await admin.get(request.id) }),
    listProviders: async (request) => create(ListProvidersResponseSchema, await admin.list(request)),
    updateProvider: async (request) => create(UpdateProviderResponseSchema, { provider: await admin.update(request) }),
    deleteProvider: async (request) => {
      await admin.delete(request.id);
      return create(DeleteProviderResponseSchema);
    },
  };
}
