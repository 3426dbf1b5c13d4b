// The overview's circuit-breaker panel: every route's health read (ListRoutes paged, then
// GetRouteHealth per route with bounded concurrency), reduced to the targets whose breaker is not
// closed. Pure: the calls are passed in, so tests drive it without a browser.
import { BreakerState, type GetRouteHealthResponse } from '../../../gen/llmgateway/v1/routes_service_pb.js';
import { timestampMs } from './format.js';

export interface TrippedBreaker {
  route: string;
  providerId: string;
  upstreamModel: string;
  state: BreakerState.OPEN | BreakerState.HALF_OPEN;
  consecutiveFailures: number;
  /** Share of failed attempts in the breaker's window, 0–1. */
  errorRate: number;
  attempts: number;
  /** While open: when the breaker lets a probe through (epoch ms). */
  probeAtMs: number | undefined;
}

export interface BreakerReport {
  tripped: TrippedBreaker[];
  routesRead: number;
  /** Routes whose health could not be read (deleted meanwhile, refused...), with the reason. */
  unreadable: Array<{ route: string; message: string }>;
}

export interface BreakerSummary {
  open: number;
  halfOpen: number;
  routes: number;
}

export type ListRoutesPage = (pageToken: string) => Promise<{ names: string[]; nextPageToken: string }>;
export type ReadRouteHealth = (route: string) => Promise<GetRouteHealthResponse>;

/** Every route name, page by page; stops on an empty or repeated token (a gateway bug must not loop). */
export async function listAllRouteNames(listPage: ListRoutesPage): Promise<string[]> {
  const names: string[] = [];
  const seen = new Set<string>();
  let token = '';
  do {
    const page = await listPage(token);
    names.push(...page.names);
    if (seen.has(page.nextPageToken)) break;
    seen.add(page.nextPageToken);
    token = page.nextPageToken;
  } while (token !== '');
  return names;
}

/** `work` on each item, at most `limit` at once; results in the items' order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** The targets of one route's health answer whose breaker is open or half-open. */
export function trippedTargets(route: string, health: GetRouteHealthResponse): TrippedBreaker[] {
  return health.targets.flatMap((target) => {
    if (target.breaker !== BreakerState.OPEN && target.breaker !== BreakerState.HALF_OPEN) return [];
    return [{
      route,
      providerId: target.providerId,
      upstreamModel: target.upstreamModel,
      state: target.breaker,
      consecutiveFailures: target.consecutiveFailures,
      errorRate: target.errorRate,
      attempts: target.attempts,
      probeAtMs: target.breaker === BreakerState.OPEN ? timestampMs(target.opensUntil) : undefined,
    }];
  });
}

/** Open before half-open (open ones reject traffic), then by route and target. */
export function sortTripped(rows: TrippedBreaker[]): TrippedBreaker[] {
  const rank = (row: TrippedBreaker) => (row.state === BreakerState.OPEN ? 0 : 1);
  return [...rows].sort((a, b) =>
    rank(a) - rank(b) ||
    a.route.localeCompare(b.route) ||
    a.providerId.localeCompare(b.providerId) ||
    a.upstreamModel.localeCompare(b.upstreamModel));
}

export function summarizeBreakers(rows: readonly TrippedBreaker[]): BreakerSummary {
  return {
    open: rows.filter((row) => row.state === BreakerState.OPEN).length,
    halfOpen: rows.filter((row) => row.state === BreakerState.HALF_OPEN).length,
    routes: new Set(rows.map((row) => row.route)).size,
  };
}

/** Reads every route's health; one route's failure is reported, not fatal to the panel. */
export async function readBreakers(listPage: ListRoutesPage, readHealth: ReadRouteHealth, concurrency = 4): Promise<BreakerReport> {
  const routes = await listAllRouteNames(listPage);
  type Answer = { route: string; health: GetRouteHealthResponse } | { route: string; message: string };
  const answers = await mapWithConcurrency(routes, concurrency, async (route): Promise<Answer> => {
    try {
      return { route, health: await readHealth(route) };
    } catch (error) {
      return { route, message: error instanceof Error ? error.message : String(error) };
    }
  });
  const tripped: TrippedBreaker[] = [];
  const unreadable: BreakerReport['unreadable'] = [];
  for (const answer of answers) {
    if ('health' in answer) tripped.push(...trippedTargets(answer.route, answer.health));
    else unreadable.push({ route: answer.route, message: answer.message });
  }
  return { tripped: sortTripped(tripped), routesRead: routes.length - unreadable.length, unreadable };
}
