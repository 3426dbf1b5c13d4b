// Step 2 of the pipeline: the requested model → the targets to try and how.
// A route name wins over provider models of the same name; the key's
// allowed-model patterns apply to the name the client asked for when it is a
// route, and to the resolved model otherwise.
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { RouteRecord } from '../../domain/route.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { assertModelAllowed, isModelAllowed, modelNotAvailable } from '../completion/model-access.js';
import type { CatalogSnapshot } from '../completion/provider-catalog.js';
import { namesOf, resolveModel } from '../completion/resolve-model.js';
import { DIRECT_MODEL_SETTINGS, type PlannedTarget, type RoutePlan } from './route-plan.js';

/** Nested routes deeper than this are ignored (the admin refuses to save them). */
const MAX_ROUTE_DEPTH = 4;

export interface CallerContext {
  key: VirtualKeyRecord;
  /** The key's patterns were already checked for this request (an expert route chose the model). */
  accessGranted: boolean;
  /** GatewayOptions.session_id or the x-session-id header. */
  sessionId: string;
  user: string;
}

export function planRoute(
  model: string,
  caller: CallerContext,
  routes: ReadonlyMap<string, RouteRecord>,
  snapshot: CatalogSnapshot,
): RoutePlan {
  const route = routes.get(model.trim());
  if (route?.enabled) {
    if (!caller.accessGranted) assertModelAllowed(caller.key.allowedModels, [route.name], model);
    const targets = flattenTargets(route, routes, snapshot);
    if (targets.length === 0) {
      throw new GatewayError('unavailable', `route "${route.name}" has no available targets (providers or models disabled or deleted)`);
    }
    return { routeName: route.name, strategy: route.strategy, targets, settings: route.settings, affinityKey: affinityKeyOf(route, caller) };
  }
  const resolved = resolveFor(caller, model, snapshot);
  if (!caller.accessGranted) assertModelAllowed(caller.key.allowedModels, namesOf(resolved), model);
  return {
    routeName: '',
    strategy: 'priority',
    targets: [toPlannedTarget(resolved.provider, resolved.model, 1, false)],
    settings: DIRECT_MODEL_SETTINGS,
    affinityKey: '',
  };
}

/**
 * For a key restricted to some models, a model that does not resolve gets the same answer as one the
 * key may not use (model-access.ts): which providers exist, or are disabled, is not the key's business.
 */
function resolveFor(caller: CallerContext, model: string, snapshot: CatalogSnapshot): ReturnType<typeof resolveModel> {
  const restricted = caller.key.allowedModels.length > 0 && !caller.accessGranted;
  try {
    return resolveModel(model, snapshot, restricted ? (candidate) => isModelAllowed(caller.key.allowedModels, namesOf(candidate)) : undefined);
  } catch (error) {
    if (restricted && error instanceof GatewayError && error.kind === 'not_found') throw modelNotAvailable(model);
    throw error;
  }
}

function toPlannedTarget(provider: PlannedTarget['provider'], model: PlannedTarget['model'], weight: number, drained: boolean): PlannedTarget {
  return {
    key: `${provider.record.id}/${model.upstreamModel}`,
    provider,
    model,
    target: { upstreamModel: model.upstreamModel, deployment: model.deployment },
    weight: Math.max(1, weight),
    ...(drained ? { drained } : {}),
  };
}

/** The route's provider targets in order, nested routes expanded in place, each target once. */
function flattenTargets(route: RouteRecord, routes: ReadonlyMap<string, RouteRecord>, snapshot: CatalogSnapshot): PlannedTarget[] {
  const planned: PlannedTarget[] = [];
  const seen = new Set<string>();
  // A drained route target drains every target it leads to.
  const visit = (current: RouteRecord, depth: number, trail: Set<string>, drainedAbove: boolean) => {
    for (const target of current.targets) {
      const drained = drainedAbove || target.drained === true;
      if (target.route) {
        const nested = routes.get(target.route);
        if (nested?.enabled && depth < MAX_ROUTE_DEPTH && !trail.has(nested.name)) {
          visit(nested, depth + 1, new Set([...trail, nested.name]), drained);
        }
        continue;
      }
      const provider = snapshot.providers.get(target.providerId);
      const model = provider?.record.models.find((candidate) => candidate.upstreamModel === target.upstreamModel);
      if (!provider?.record.enabled || !model?.enabled) continue;
      const plannedTarget = toPlannedTarget(provider, model, target.weight, drained);
      if (seen.has(plannedTarget.key)) continue;
      seen.add(plannedTarget.key);
      planned.push(plannedTarget);
    }
  };
  visit(route, 1, new Set([route.name]), false);
  return planned;
}

function affinityKeyOf(route: RouteRecord, caller: CallerContext): string {
  if (route.strategy !== 'affinity') return '';
  const scope = route.settings.affinityScope;
  const value = scope === 'session' ? caller.sessionId : scope === 'user' ? caller.user : caller.key.id;
  // Without the scoped value the key is the caller's identity.
  return `${scope}:${value || caller.key.id}`;
}

/**
 * The request's own session id (GatewayOptions) wins over the edge's (`x-session-id`).
 * `accessGrantedFor`: a model an expert route the key may use chose for this request.
 */
export function callerOf(request: ChatRequest, key: VirtualKeyRecord, sessionId: string, accessGrantedFor = ''): CallerContext {
  return {
    key,
    accessGranted: accessGrantedFor !== '' && accessGrantedFor === request.model,
    sessionId: request.gateway?.sessionId || sessionId,
    user: request.user,
  };
}
