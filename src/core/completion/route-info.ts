import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { AttemptSchema, RouteInfoSchema, type RouteInfo } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { RequestPlan } from './plan-request.js';

/** Which target served the request, and the attempt's outcome and duration. */
export function routeInfoFor(plan: RequestPlan, startedAt: number, finishedAt: number, error?: unknown): RouteInfo {
  const provider = plan.resolved.provider.record;
  return create(RouteInfoSchema, {
    providerId: provider.id,
    providerType: provider.type,
    upstreamModel: plan.target.upstreamModel,
    attempts: [
      create(AttemptSchema, {
        providerId: provider.id,
        upstreamModel: plan.target.upstreamModel,
        outcome: error === undefined ? 'ok' : error instanceof GatewayError ? error.kind : 'internal',
        duration: durationFromMs(finishedAt - startedAt),
        upstreamStatus: error instanceof GatewayError ? (error.upstreamStatus ?? 0) : 0,
      }),
    ],
  });
}
