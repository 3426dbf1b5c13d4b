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
import { DIRECT_MODEL_SETTINGS, isNestedRoute, type PlanNode, type PlannedTarget, type RoutePlan } from './route-plan.js';

/** Route targets deeper than this are ignored (the admin refuses to save them). */
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
    const routePlan = planOfRoute(route, caller, routes, snapshot, 1, new Set([route.name]));
    if (routePlan.targets.length === 0) {
      throw new GatewayError('unavailable', `route "${route.name}" has no available targets (providers or models disabled or deleted)`);
    }
    return routePlan;
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

/**
 * The route's own targets in order, each provider target once; a route target becomes a nested plan of its
 * own (its strategy and settings pick inside it: dispatch-loop.ts). `targets` lists every provider target
 * reached, nested ones in place.
 */
function planOfRoute(
  route: RouteRecord,
  caller: CallerContext,
  routes: ReadonlyMap<string, RouteRecord>,
  snapshot: CatalogSnapshot,
  depth: number,
  trail: ReadonlySet<string>,
): RoutePlan {
  const nodes: PlanNode[] = [];
  const ownKeys = new Set<string>();
  for (const target of route.targets) {
    if (target.route) {
      const nested = routes.get(target.route);
      if (!nested?.enabled || depth >= MAX_ROUTE_DEPTH || trail.has(nested.name)) continue;
      const plan = planOfRoute(nested, caller, routes, snapshot, depth + 1, new Set([...trail, nested.name]));
      if (plan.targets.length === 0) continue;
      nodes.push({ key: `route:${nested.name}`, weight: Math.max(1, target.weight), ...(target.drained ? { drained: true } : {}), plan });
      continue;
    }
    const provider = snapshot.providers.get(target.providerId);
    const model = provider?.record.models.find((candidate) => candidate.upstreamModel === target.upstreamModel);
    if (!provider?.record.enabled || !model?.enabled) continue;
    const plannedTarget = toPlannedTarget(provider, model, target.weight, target.drained === true);
    if (ownKeys.has(plannedTarget.key)) continue;
    ownKeys.add(plannedTarget.key);
    nodes.push(plannedTarget);
  }
  const hasNested = nodes.some(isNestedRoute);
  return {
    routeName: route.name,
    strategy: route.strategy,
    targets: hasNested ? reachedTargets(nodes) : (nodes as PlannedTarget[]),
    ...(hasNested ? { nodes } : {}),
    settings: route.settings,
    affinityKey: affinityKeyOf(route, caller),
  };
}

/** Every provider target the nodes lead to, in order, each once; a drained route target drains every target it leads to. */
function reachedTargets(nodes: readonly PlanNode[]): PlannedTarget[] {
  const reached = new Map<string, PlannedTarget>();
  for (const node of nodes) {
    const leaves = isNestedRoute(node) ? node.plan.targets : [node];
    for (const leaf of leaves) {
      if (reached.has(leaf.key)) continue;
      reached.set(leaf.key, node.drained === true && leaf.drained !== true ? { ...leaf, drained: true } : leaf);
    }
  }
  return [...reached.values()];
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
