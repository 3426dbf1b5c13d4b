// RoutesService.GetRouteHealth's answer: each provider target's live state in
// this process (breaker, latency, error rate) beside the newest scheduled
// health-check run of that target, and of the route itself.
import { create } from '@bufbuild/protobuf';
import { GetRouteHealthResponseSchema, type GetRouteHealthResponse } from '../../../../gen/llmgateway/v1/routes_service_pb.js';
import type { TargetHealthSource } from '../../routing/target-health.js';
import type { LatestByTarget } from '../../health-checks/latest-results.js';
import { targetHealthToProto } from '../routes/route-conversion.js';
import { healthCheckRunToProto } from './health-check-conversion.js';

export function routeHealthResponse(
  route: string,
  targets: ReadonlyArray<{ providerId: string; upstreamModel: string }>,
  live: TargetHealthSource,
  checks: LatestByTarget,
): GetRouteHealthResponse {
  const routeRun = checks.byRoute.get(route);
  return create(GetRouteHealthResponseSchema, {
    targets: targets.map((target) => {
      const key = `${target.providerId}/${target.upstreamModel}`;
      const health = targetHealthToProto(target, live.healthOf(key));
      const run = checks.byTarget.get(key);
      if (run) health.lastCheck = healthCheckRunToProto(run);
      return health;
    }),
    routeCheck: routeRun ? healthCheckRunToProto(routeRun) : undefined,
  });
}
