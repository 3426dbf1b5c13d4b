// Applies the plan's strategy, keeping the state strategies need across
// requests: a round-robin counter per route, and affinity bindings (an LRU
// whose entries expire after the route's affinityTtlMs). It orders a route's
// own targets; a route target is one of them (its latency: its fastest
// target's), and its own plan orders what is inside it.
import { LRUCache } from 'lru-cache';
import { isNestedRoute, type PlanNode, type RoutePlan } from './route-plan.js';
import { orderByAffinity, orderByLatency, orderByPriority, orderRoundRobin, orderWeighted } from './strategies.js';

export const DEFAULT_EXPLORATION_RATE = 0.1;
export const DEFAULT_AFFINITY_MAX_ENTRIES = 100_000;

export interface TargetSelectorOptions {
  latencyOf: (targetKey: string) => number | null;
  random?: () => number;
  now?: () => number;
  /** Least-latency: share of requests that try a random healthy target first (default 0.1). */
  explorationRate?: number;
  /** Affinity bindings kept at most (least recently used dropped first; default 100 000). */
  affinityMaxEntries?: number;
}

export interface TargetSelector {
  /** The healthy targets (route order) in the order to try them. */
  order<T extends PlanNode>(plan: RoutePlan, healthy: readonly T[]): T[];
  /** The request was served through `target` (a route target: by one inside it): affinity binds the caller to it (kept if already bound there). */
  served(plan: RoutePlan, target: PlanNode): void;
  /** The target the caller is bound to, if any (affinity only). */
  boundTarget(plan: RoutePlan): string | undefined;
}

export function createTargetSelector(options: TargetSelectorOptions): TargetSelector {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const explorationRate = options.explorationRate ?? DEFAULT_EXPLORATION_RATE;
  const counters = new Map<string, number>();
  // Made on the first affinity request: lru-cache allocates its index arrays for `max` entries up front
  // (about 2.6 MB of heap for 100 000), which a gateway without affinity routes would hold for nothing.
  let bindingsMade: LRUCache<string, string> | undefined;
  const bindings = () =>
    (bindingsMade ??= new LRUCache<string, string>({
      max: options.affinityMaxEntries ?? DEFAULT_AFFINITY_MAX_ENTRIES,
      ttlResolution: 0,
      perf: { now },
    }));
  const bindingKey = (plan: RoutePlan) => (plan.affinityKey === '' ? undefined : `${plan.routeName}\u0000${plan.affinityKey}`);

  const boundTarget = (plan: RoutePlan) => {
    const key = bindingKey(plan);
    return key === undefined ? undefined : bindingsMade?.get(key);
  };

  // A route target is as fast as its fastest provider target (null while none has a sample).
  const latencyAmong = (healthy: readonly PlanNode[]) => {
    if (!healthy.some(isNestedRoute)) return options.latencyOf;
    return (key: string): number | null => {
      const node = healthy.find((candidate) => candidate.key === key);
      if (node === undefined || !isNestedRoute(node)) return options.latencyOf(key);
      const sampled = node.plan.targets.map((target) => options.latencyOf(target.key)).filter((latency): latency is number => latency !== null);
      return sampled.length === 0 ? null : Math.min(...sampled);
    };
  };

  const orderByStrategy = <T extends PlanNode>(plan: RoutePlan, healthy: readonly T[]): T[] => {
    switch (plan.strategy) {
      case 'priority':
      // An expert route's targets are its experts' (see expert-validation.ts): without a choice, in order.
      case 'expert':
        return orderByPriority(healthy);
      case 'weighted':
        return orderWeighted(healthy, random);
      case 'round-robin': {
        const counter = counters.get(plan.routeName) ?? 0;
        counters.set(plan.routeName, (counter + 1) % Number.MAX_SAFE_INTEGER);
        return orderRoundRobin(healthy, counter);
      }
      case 'least-latency':
        return orderByLatency(healthy, latencyAmong(healthy), random, explorationRate);
      case 'affinity':
        return orderByAffinity(healthy, boundTarget(plan), plan.affinityKey);
    }
  };

  return {
    order(plan, healthy) {
      // Drained targets come after the others, in the route's order; all drained is the same as none.
      if (!healthy.some((target) => target.drained === true)) return orderByStrategy(plan, healthy);
      const inRotation = healthy.filter((target) => target.drained !== true);
      if (inRotation.length === 0) return orderByStrategy(plan, healthy);
      return [...orderByStrategy(plan, inRotation), ...healthy.filter((target) => target.drained === true)];
    },
    served(plan, target) {
      if (plan.strategy !== 'affinity') return;
      const key = bindingKey(plan);
      if (key === undefined || bindingsMade?.get(key) === target.key) return;
      bindings().set(key, target.key, { ttl: Math.max(1, plan.settings.affinityTtlMs) });
    },
    boundTarget,
  };
}
