// The plan of a chat call the key's limits refuse before routing (a rate limit, an exhausted budget), made
// only from what is in memory and never through an expert's classifier (a refused key costs none). It is
// not dispatched: it goes with the call's row to the metrics, which then label the refusal by the target
// of the model the client named, as they label a refusal after routing (a budget reservation that did not
// fit) — the provider and upstream model of a configured target, never the client's string. A model that
// is unknown, not allowed or an expert route has no such plan, and its refusal keeps `''` labels.
import type { CompletionCore } from '../completion/completion-core.js';
import type { RouteTable } from '../routing/route-table.js';
import type { RoutePlan } from '../routing/route-plan.js';
import { expertRouteFor } from './choose-expert.js';
import type { ChatCall } from './governance-step.js';

export type RefusedCallPlanner = (call: ChatCall) => RoutePlan | undefined;

export function refusedCallPlanner(core: Partial<Pick<CompletionCore, 'planInMemory'>>, routeTable: RouteTable): RefusedCallPlanner {
  return (call) => {
    const routes = routeTable.peek?.();
    if (routes === undefined || expertRouteFor(routes, call.request.model)) return undefined;
    try {
      return core.planInMemory?.({ request: call.request, key: call.key, signal: call.signal, context: call.context });
    } catch {
      return undefined; // the refusal stands; without a plan its labels are empty
    }
  };
}
