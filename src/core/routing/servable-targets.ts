// A route's targets that can serve this request. A family that cannot give the answer the client asked for
// (several choices from Anthropic, log probabilities, …) says so before any call (ProviderAdapter.refusal):
// such a target is passed over, as a media request passes over targets without the endpoint
// (../completion/media-dispatch.ts), so a mixed route is served by the targets that can. When none can, the
// request is refused with every target's reason (the first one's kind and field, so the client's param is
// the first target's): nothing is sent upstream, nothing is billed, and the request log records the
// invalid_argument the client sees.
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { keepTargets, type PlannedTarget, type RoutePlan } from './route-plan.js';

export function servableTargets(plan: RoutePlan, request: ChatRequest): RoutePlan {
  let refusals: Array<{ target: string; reason: GatewayError }> | undefined;
  let kept: PlannedTarget[] | undefined;
  // A plain loop without allocation in the common case: every target serves (docs/performance.md).
  for (let index = 0; index < plan.targets.length; index += 1) {
    const planned = plan.targets[index]!;
    const reason = planned.provider.adapter().refusal?.(request);
    if (reason === undefined) {
      kept?.push(planned);
      continue;
    }
    (refusals ??= []).push({ target: planned.key, reason });
    kept ??= plan.targets.slice(0, index);
  }
  if (kept === undefined) return plan;
  if (kept.length === 0) throw everyTargetRefused(plan.routeName, refusals!);
  // Inside route targets too, where the same target may be another object: by key.
  const servable = new Set(kept.map((target) => target.key));
  return keepTargets(plan, (target) => servable.has(target.key));
}

/**
 * One refusal: alone (a direct model, or every target gave the same reason) the first as it is; else
 * `<field>: no target of route "R" can serve this request: a/x: …; b/y: …`, each distinct reason once
 * (with the targets that gave it), its own field prefix dropped where it is the first's.
 */
function everyTargetRefused(routeName: string, refusals: Array<{ target: string; reason: GatewayError }>): GatewayError {
  const first = refusals[0]!.reason;
  const targetsByReason = new Map<string, string[]>();
  for (const { target, reason } of refusals) {
    const prefix = `${first.field}: `;
    const text = first.field !== undefined && reason.message.startsWith(prefix) ? reason.message.slice(prefix.length) : reason.message;
    const targets = targetsByReason.get(text) ?? [];
    if (!targets.includes(target)) targets.push(target);
    targetsByReason.set(text, targets);
  }
  if (routeName === '' || targetsByReason.size === 1) return first;
  const reasons = [...targetsByReason].map(([text, targets]) => `${targets.join(', ')}: ${text}`).join('; ');
  const summary = `no target of route "${routeName}" can serve this request: ${reasons}`;
  return new GatewayError(first.kind, first.field === undefined ? summary : `${first.field}: ${summary}`, {
    ...(first.field === undefined ? {} : { field: first.field }),
    retryable: first.retryable,
  });
}
