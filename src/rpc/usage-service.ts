// UsageService: thin — decode, call the usage admin, encode.
import type { ServiceImpl } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import {
  AggregateUsageResponseSchema,
  ListRequestsResponseSchema,
  UsageService,
} from '../../gen/llmgateway/v1/usage_service_pb.js';
import type { UsageAdmin } from '../core/admin/usage/usage-admin.js';

export function usageService(admin: UsageAdmin): ServiceImpl<typeof UsageService> {
  return {
    listRequests: async (request) => create(ListRequestsResponseSchema, await admin.listRequests(request)),
    aggregateUsage: async (request) => create(AggregateUsageResponseSchema, { rows: await admin.aggregateUsage(request) }),
    getKeySpend: (request) => admin.getKeySpend(request.keyId),
  };
}
