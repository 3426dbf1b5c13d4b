// Routes as a graph: a route's targets may name other routes. Saving a route
// must keep every reference resolvable, the graph acyclic and no chain deeper
// than MAX_ROUTE_DEPTH levels (the router ignores anything deeper).
import type { ProviderRecord, ProvidersRepository } from '../../../domain/provider.js';
import type { RouteRecord, RouteTargetRecord } from '../../../domain/route.js';
import { invalidArgument } from '../../../domain/gateway-error.js';

/** A route that targets a route that targets … : at most this many routes in a chain, the outermost included. */
export const MAX_ROUTE_DEPTH = 4;

export interface ProviderTargetRef {
  providerId: string;
  upstreamModel: string;
}

/** Each provider target names an existing provider that lists that upstream model; each route target an existing route. */
export async function checkTargetsExist(
  targets: RouteTargetRecord[],
  routes: ReadonlyMap<string, RouteRecord>,
  providers: Pick<ProvidersRepository, 'get'>,
): Promise<void> {
  const providerById = new Map<string, Promise<ProviderRecord | null>>();
  for (const [index, target] of targets.entries()) {
    const field = `targets[${index}]`;
    if (target.route !== '') {
      if (!routes.has(target.route)) throw invalidArgument(`${field}.route`, `route "${target.route}" does not exist`);
      continue;
    }
    let lookup = providerById.get(target.providerId);
    if (lookup === undefined) {
      lookup = providers.get(target.providerId);
      providerById.set(target.providerId, lookup);
    }
    const provider = await lookup;
    if (provider === null) throw invalidArgument(`${field}.provider_id`, `provider "${target.providerId}" does not exist`);
    if (!provider.models.some((model) => model.upstreamModel === target.upstreamModel)) {
      throw invalidArgument(
        `${field}.upstream_model`,
        `provider "${provider.id}" does not serve "${target.upstreamModel}" (add it to the provider's models first)`,
      );
    }
  }
}

/**
 * Rejects a save of `name` with `targets` that would close a cycle or make a chain of routes deeper
 * than MAX_ROUTE_DEPTH — the route's own chains and those of every route that reaches it.
 */
export function checkRouteGraph(name: string, targets: RouteTargetRecord[], stored: ReadonlyMap<string, RouteRecord>): void {
  const childrenOf = (routeName: string): string[] =>
    (routeName === name ? targets : (stored.get(routeName)?.targets ?? []))
      .map((target) => target.route)
      .filter((child) => child !== '');

  for (const [index, target] of targets.entries()) {
    if (target.route === '') continue;
    const back = pathBetween(target.route, name, childrenOf);
    if (back !== null) {
      throw invalidArgument(`targets[${index}].route`, `would create a cycle: ${[name, ...back].join(' → ')}`);
    }
  }

  const own = longestChains(childrenOf)(name);
  if (own.length > MAX_ROUTE_DEPTH) {
    const index = targets.findIndex((target) => target.route === own[1]);
    throw invalidArgument(
      `targets[${index}].route`,
      `nests routes ${own.length} levels deep (${own.join(' → ')}); at most ${MAX_ROUTE_DEPTH} are allowed`,
    );
  }
  const longestTo = longestPathsTo(name, childrenOf);
  for (const other of stored.keys()) {
    if (other === name) continue;
    const above = longestTo(other);
    if (above === null || above.length - 1 + own.length <= MAX_ROUTE_DEPTH) continue;
    const chain = [...above.slice(0, -1), ...own];
    throw invalidArgument(
      'targets',
      `route "${other}" uses this route and would nest ${chain.length} levels deep (${chain.join(' → ')}); ` +
        `at most ${MAX_ROUTE_DEPTH} are allowed`,
    );
  }
}

/** The names of the stored routes that target `name` directly, sorted. */
export function routesTargeting(name: string, stored: ReadonlyMap<string, RouteRecord>): string[] {
  return [...stored.values()]
    .filter((route) => route.name !== name && route.targets.some((target) => target.route === name))
    .map((route) => route.name)
    .sort();
}

/** Every provider target the route reaches, nested routes expanded in place, each route and each target once. */
export function flattenProviderTargets(route: RouteRecord, stored: ReadonlyMap<string, RouteRecord>): ProviderTargetRef[] {
  const found: ProviderTargetRef[] = [];
  const seenTargets = new Set<string>();
  const seenRoutes = new Set<string>();
  const visit = (current: RouteRecord) => {
    seenRoutes.add(current.name);
    for (const target of current.targets) {
      if (target.route !== '') {
        const nested = stored.get(target.route);
        if (nested !== undefined && !seenRoutes.has(nested.name)) visit(nested);
        continue;
      }
      const key = `${target.providerId}/${target.upstreamModel}`;
      if (seenTargets.has(key)) continue;
      seenTargets.add(key);
      found.push({ providerId: target.providerId, upstreamModel: target.upstreamModel });
    }
  };
  visit(route);
  return found;
}

/** A path of route names from `from` to `goal` (both included), or null. */
function pathBetween(from: string, goal: string, childrenOf: (name: string) => string[]): string[] | null {
  const visited = new Set<string>();
  const walk = (current: string): string[] | null => {
    if (current === goal) return [current];
    if (visited.has(current)) return null;
    visited.add(current);
    for (const child of childrenOf(current)) {
      const rest = walk(child);
      if (rest !== null) return [current, ...rest];
    }
    return null;
  };
  return walk(from);
}

/** Memoised longest path from a name to `goal` (both included), null when `goal` is unreachable. */
function longestPathsTo(goal: string, childrenOf: (name: string) => string[]): (name: string) => string[] | null {
  const memo = new Map<string, string[] | null>();
  const onPath = new Set<string>();
  const longest = (current: string): string[] | null => {
    if (current === goal) return [goal];
    const known = memo.get(current);
    if (known !== undefined) return known;
    if (onPath.has(current)) return null;
    onPath.add(current);
    let best: string[] | null = null;
    for (const child of childrenOf(current)) {
      const path = longest(child);
      if (path !== null && (best === null || path.length > best.length)) best = path;
    }
    onPath.delete(current);
    const result = best === null ? null : [current, ...best];
    memo.set(current, result);
    return result;
  };
  return longest;
}

/** Memoised longest chain of routes starting at a name; a cycle left in stored data is cut where it closes. */
function longestChains(childrenOf: (name: string) => string[]): (name: string) => string[] {
  const memo = new Map<string, string[]>();
  const onPath = new Set<string>();
  const longest = (current: string): string[] => {
    const known = memo.get(current);
    if (known !== undefined) return known;
    if (onPath.has(current)) return [current];
    onPath.add(current);
    let best: string[] = [];
    for (const child of childrenOf(current)) {
      const chain = longest(child);
      if (chain.length > best.length) best = chain;
    }
    onPath.delete(current);
    const result = [current, ...best];
    memo.set(current, result);
    return result;
  };
  return longest;
}
