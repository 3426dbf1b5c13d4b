// The order in which to try a request's healthy targets, one pure function per
// strategy. Inputs are the healthy targets in the route's order (provider
// targets, or route targets taken as one: route-plan.ts); outputs are the same
// targets, reordered. State (round-robin counters, affinity bindings,
// latencies) is passed in by the caller (see target-selector.ts).
import { orderByRendezvous } from './rendezvous.js';

/** What a strategy reads of a target. */
export interface RankedTarget {
  key: string;
  weight: number;
}

/** Priority: the route's order. */
export function orderByPriority<T extends RankedTarget>(healthy: readonly T[]): T[] {
  return [...healthy];
}

/** Weighted: one weighted-random pick first, then the rest by weight (heaviest first, ties in route order). */
export function orderWeighted<T extends RankedTarget>(healthy: readonly T[], random: () => number): T[] {
  if (healthy.length <= 1) return [...healthy];
  const weightOf = (target: T) => (Number.isFinite(target.weight) && target.weight > 0 ? target.weight : 1);
  const total = healthy.reduce((sum, target) => sum + weightOf(target), 0);
  let point = random() * total;
  let chosen = healthy.length - 1;
  for (const [index, target] of healthy.entries()) {
    point -= weightOf(target);
    if (point < 0) {
      chosen = index;
      break;
    }
  }
  const rest = healthy.filter((_, index) => index !== chosen).sort((left, right) => weightOf(right) - weightOf(left));
  return [healthy[chosen]!, ...rest];
}

/** Round-robin: the healthy list rotated by the route's request counter. */
export function orderRoundRobin<T extends RankedTarget>(healthy: readonly T[], counter: number): T[] {
  if (healthy.length === 0) return [];
  const start = ((counter % healthy.length) + healthy.length) % healthy.length;
  return [...healthy.slice(start), ...healthy.slice(0, start)];
}

/**
 * Least-latency: targets without samples first (route order), then by EWMA ascending; with probability
 * `explorationRate` a uniformly random healthy target goes first so a recovered target is tried again.
 */
export function orderByLatency<T extends RankedTarget>(
  healthy: readonly T[],
  latencyOf: (targetKey: string) => number | null,
  random: () => number,
  explorationRate: number,
): T[] {
  const compare = (left: T, right: T) => {
    const [a, b] = [latencyOf(left.key), latencyOf(right.key)];
    if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
    return a - b;
  };
  const sorted = [...healthy].sort(compare);
  if (sorted.length > 1 && random() < explorationRate) {
    const index = Math.min(sorted.length - 1, Math.floor(random() * sorted.length));
    const [explored] = sorted.splice(index, 1);
    return [explored!, ...sorted];
  }
  return sorted;
}

/**
 * Affinity: the bound target first while it is healthy; the others (all of them for a caller not bound yet)
 * in the caller's rendezvous order (rendezvous.ts), so new callers spread over the targets by weight and each
 * sticks where it was first served. Without a caller key, the route's order.
 */
export function orderByAffinity<T extends RankedTarget>(healthy: readonly T[], boundKey: string | undefined, callerKey = ''): T[] {
  const bound = boundKey === undefined ? undefined : healthy.find((target) => target.key === boundKey);
  const others = bound ? healthy.filter((target) => target !== bound) : [...healthy];
  const placed = callerKey === '' ? others : orderByRendezvous(others, callerKey);
  return bound ? [bound, ...placed] : placed;
}
