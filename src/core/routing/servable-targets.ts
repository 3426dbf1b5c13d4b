// A route's targets that can serve this request. A family that cannot give the answer the client asked for
// (several choices from Anthropic, log probabilities, …) says so before any call (ProviderAdapter.refusal):
// such a target is passed over, as a media request passes over targets without the endpoint
// (../completion/media-dispatch.ts), so a mixed route is served by the targets that can. When none can, the
// request is refused with the first target's reason: nothing is sent upstream, nothing is billed, and the
// request log records the invalid_argument the client sees.
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GatewayError } from '../../domain/gateway-error.js';
import { keepTargets, type PlannedTarget, type RoutePlan } from './route-plan.js';

export function servableTargets(plan: RoutePlan, request: ChatRequest): RoutePlan {
  let refusal: GatewayError | undefined;
  let kept: PlannedTarget[] | undefined;
  // A plain loop without allocation in the common case: every target serves (docs/performance.md).
  for (let index = 0; index < plan.targets.length; index += 1) {
    const planned = plan.targets[index]!;
    const reason = planned.provider.adapter().refusal?.(request);
    if (reason === undefined) {
      kept?.push(planned);
      continue;
    }
    refusal ??= reason;
    kept ??= plan.targets.slice(0, index);
  }
  if (kept === undefined) return plan;
  if (kept.length === 0) throw refusal!;
  // Inside route targets too, where the same target may be another object: by key.
  const servable = new Set(kept.map((target) => target.key));
  return keepTargets(plan, (target) => servable.has(target.key));
}
