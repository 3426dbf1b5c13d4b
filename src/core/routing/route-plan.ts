// What the router hands the dispatcher: the candidate targets of one request
// and the policy to try them with. Built per request from the in-memory
// route table; pure data.
import type { ProviderModelRecord } from '../../domain/provider.js';
import type { RouteSettingsRecord, RouteStrategyName } from '../../domain/route.js';
import type { UpstreamTarget } from '../../domain/provider-adapter.js';
import type { CatalogProvider } from '../completion/provider-catalog.js';

export interface PlannedTarget {
  /** Stable identity for breakers and latency: `${providerId}/${upstreamModel}`. */
  key: string;
  provider: CatalogProvider;
  model: ProviderModelRecord;
  target: UpstreamTarget;
  /** Relative weight for the weighted strategy (≥ 1). */
  weight: number;
  /** Out of rotation (the route target, or a route leading to it, is drained): tried after the others. */
  drained?: boolean;
}

/**
 * A route target that is another route: the parent's strategy picks it as one target (with its weight and
 * drained flag); once picked, its own plan — its strategy, its settings — picks and tries inside it.
 */
export interface NestedRoute {
  /** `route:<name>`: its identity among the parent's targets (round-robin, affinity). */
  key: string;
  weight: number;
  /** Drained in the parent: tried after the parent's other targets. */
  drained?: boolean;
  plan: RoutePlan;
}

/** One of a route's own targets: a provider model, or another route. */
export type PlanNode = PlannedTarget | NestedRoute;

export const isNestedRoute = (node: PlanNode): node is NestedRoute => 'plan' in node;

export interface RoutePlan {
  /** The route the client named (or, in a nested plan, the nested route); '' for a direct provider model. */
  routeName: string;
  strategy: RouteStrategyName;
  /**
   * Every provider target the plan may reach, in the route's order (nested routes flattened in place,
   * duplicates removed): what budgets, the cache and the metrics read.
   */
  targets: PlannedTarget[];
  /** The route's own targets, in its order, when one of them is another route; absent: `targets` are. */
  nodes?: PlanNode[];
  settings: RouteSettingsRecord;
  /** Affinity: who the caller is (session id, user or key id), '' when not applicable. */
  affinityKey: string;
}

/** Defaults for a route's settings, and for a direct model (one target, no route). */
export const DEFAULT_ROUTE_SETTINGS: RouteSettingsRecord = {
  maxRetries: 1,
  backoffBaseMs: 200,
  backoffCapMs: 5_000,
  attemptTimeoutMs: 60_000,
  totalDeadlineMs: 180_000,
  // 409 too: the vendors' SDKs retry it (a lock timeout), and the gateway answers it with x-should-retry: true.
  failoverStatuses: [408, 409, 429, 500, 502, 503, 504, 529],
  affinityScope: 'key',
  affinityTtlMs: 10 * 60_000,
  maxRetryAfterMs: 10_000,
};

/** A model addressed directly (no route): one target, no retries — resilience is what routes are for. */
export const DIRECT_MODEL_SETTINGS: RouteSettingsRecord = { ...DEFAULT_ROUTE_SETTINGS, maxRetries: 0 };

/** The plan with only the provider targets `keep` accepts, at every level; a route target left with none is dropped. */
export function keepTargets(plan: RoutePlan, keep: (target: PlannedTarget) => boolean): RoutePlan {
  const targets = plan.targets.filter(keep);
  if (!plan.nodes) return { ...plan, targets };
  const nodes: PlanNode[] = [];
  for (const node of plan.nodes) {
    if (!isNestedRoute(node)) {
      if (keep(node)) nodes.push(node);
      continue;
    }
    const nested = keepTargets(node.plan, keep);
    if (nested.targets.length > 0) nodes.push({ ...node, plan: nested });
  }
  return { ...plan, targets, nodes };
}
