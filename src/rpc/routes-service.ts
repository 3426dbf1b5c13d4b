// RoutesService: thin — decode, call the route admin, encode.
import type { ServiceImpl } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import {
  CreateRouteResponseSchema,
  DeleteRouteResponseSchema,
  GetRouteResponseSchema,
  ListExpertDecisionsResponseSchema,
  ListRoutesResponseSchema,
  RoutesService,
  UpdateRouteResponseSchema,
} from '../../gen/llmgateway/v1/routes_service_pb.js';
import type { RouteAdmin } from '../core/admin/routes/route-admin.js';
import { routeHealthResponse } from '../core/admin/health-checks/route-health.js';
import type { LatestResults } from '../core/health-checks/latest-results.js';
import type { TargetHealthSource } from '../core/routing/target-health.js';

export function routesService(
  admin: RouteAdmin,
  targetHealth: TargetHealthSource,
  scheduledChecks: Pick<LatestResults, 'byTarget'>,
): ServiceImpl<typeof RoutesService> {
  return {
    createRoute: async (request) => create(CreateRouteResponseSchema, { route: await admin.create(request) }),
    getRoute: async (request) => create(GetRouteResponseSchema, { route: await admin.get(request.name) }),
    listRoutes: async (request) => create(ListRoutesResponseSchema, await admin.list(request)),
    updateRoute: async (request) => create(UpdateRouteResponseSchema, { route: await admin.update(request) }),
    deleteRoute: async (request) => {
      await admin.delete(request.name);
      return create(DeleteRouteResponseSchema);
    },
    listExpertDecisions: async (request) => create(ListExpertDecisionsResponseSchema, await admin.listExpertDecisions(request)),
    getRouteHealth: async (request) =>
      routeHealthResponse(request.name.trim(), await admin.providerTargets(request.name), targetHealth, await scheduledChecks.byTarget()),
  };
}
