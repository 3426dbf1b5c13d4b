// The route of a request that failed after upstream attempts: no target
// served it, but its row, log line and trace still name the route and count
// every attempt (the dispatcher keeps them with the error it threw:
// routing/failed-attempts.ts). Without this a request that failed after three
// retries looked, in the request log, like one that never left the gateway.
import { create } from '@bufbuild/protobuf';
import { RouteInfoSchema, type RouteInfo } from '../../../gen/llmgateway/v1/chat_pb.js';
import { attemptsBehind } from '../routing/failed-attempts.js';
import type { RoutePlan } from '../routing/route-plan.js';

/** undefined when the request failed before any upstream call (a refusal, a bad request, no target). */
export function failedRouteOf(error: unknown, plan: RoutePlan | undefined): RouteInfo | undefined {
  const attempts = attemptsBehind(error);
  if (attempts.length === 0) return undefined;
  return create(RouteInfoSchema, { route: plan?.routeName ?? '', attempts: [...attempts] });
}
