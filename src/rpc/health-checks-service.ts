// HealthChecksService: thin — decode, call the health-check admin and history, encode.
import type { ServiceImpl } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import {
  CreateHealthCheckResponseSchema,
  DeleteHealthCheckResponseSchema,
  GetHealthCheckResponseSchema,
  GetHealthCheckStatusResponseSchema,
  HealthChecksService,
  ListHealthCheckRunsResponseSchema,
  ListHealthCheckStatusesResponseSchema,
  ListHealthChecksResponseSchema,
  UpdateHealthCheckResponseSchema,
} from '../../gen/llmgateway/v1/health_checks_service_pb.js';
import type { HealthCheckAdmin } from '../core/admin/health-checks/health-check-admin.js';
import type { HealthCheckHistory } from '../core/admin/health-checks/health-check-history.js';

export function healthChecksService(admin: HealthCheckAdmin, history: HealthCheckHistory): ServiceImpl<typeof HealthChecksService> {
  return {
    createHealthCheck: async (request) => create(CreateHealthCheckResponseSchema, { check: await admin.create(request) }),
    getHealthCheck: async (request) => create(GetHealthCheckResponseSchema, { check: await admin.get(request.id) }),
    listHealthChecks: async (request) => create(ListHealthChecksResponseSchema, await admin.list(request)),
    updateHealthCheck: async (request) => create(UpdateHealthCheckResponseSchema, { check: await admin.update(request) }),
    deleteHealthCheck: async (request) => {
      await admin.delete(request.id);
      return create(DeleteHealthCheckResponseSchema);
    },
    listHealthCheckRuns: async (request) => create(ListHealthCheckRunsResponseSchema, await history.listRuns(request)),
    getHealthCheckStatus: async (request) =>
      create(GetHealthCheckStatusResponseSchema, { status: await history.status(request.id, request.windows) }),
    listHealthCheckStatuses: async (request) => create(ListHealthCheckStatusesResponseSchema, await history.listStatuses(request)),
  };
}
