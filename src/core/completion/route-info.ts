import { create } from '@bufbuild/protobuf';
import { RouteInfoSchema, type Attempt, type RouteInfo } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { PlannedTarget, RoutePlan } from '../routing/route-plan.js';

/** Which target served the request (none when every attempt failed), through which route, and every attempt. */
export function routeInfoFor(plan: RoutePlan, served: PlannedTarget | undefined, attempts: readonly Attempt[]): RouteInfo {
  return create(RouteInfoSchema, {
    providerId: served?.provider.record.id ?? '',
    providerType: served?.provider.record.type ?? '',
    upstreamModel: served?.target.upstreamModel ?? '',
    route: plan.routeName,
    attempts: [...attempts],
  });
}
