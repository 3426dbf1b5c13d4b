// The newest run of every check, read from the database, so that any process
// (any worker, any replica — not only the one running the checks) can report
// it: as a gauge per check (metrics) and next to the breakers in
// RoutesService/GetRouteHealth.
import type { HealthCheckRecord, HealthCheckRunRecord, HealthCheckRunsRepository, HealthChecksRepository } from '../../domain/health-check.js';

export interface HealthCheckLatest {
  check: HealthCheckRecord;
  /** null before its first run. */
  run: HealthCheckRunRecord | null;
}

export interface LatestByTarget {
  /** By `${providerId}/${upstreamModel}`: the newest run among the enabled checks of that provider model. */
  byTarget: ReadonlyMap<string, HealthCheckRunRecord>;
  /** By route name: the newest run among the enabled checks of that route. */
  byRoute: ReadonlyMap<string, HealthCheckRunRecord>;
}

export interface LatestResults {
  /** Every check (enabled or not) with its newest run, ordered by check id. One read per check. */
  latest(): Promise<HealthCheckLatest[]>;
  byTarget(): Promise<LatestByTarget>;
}

export function createLatestResults(checks: Pick<HealthChecksRepository, 'listAll'>, runs: Pick<HealthCheckRunsRepository, 'latest'>): LatestResults {
  const latest = async (): Promise<HealthCheckLatest[]> => {
    const all = await checks.listAll();
    const newest = await runs.latest(all.map((check) => check.id));
    return all.map((check) => ({ check, run: newest.get(check.id) ?? null }));
  };
  return {
    latest,
    async byTarget() {
      const byTarget = new Map<string, HealthCheckRunRecord>();
      const byRoute = new Map<string, HealthCheckRunRecord>();
      for (const { check, run } of await latest()) {
        if (!check.enabled || run === null) continue;
        const [map, key] = check.route !== '' ? [byRoute, check.route] : [byTarget, `${check.providerId}/${check.upstreamModel}`];
        const known = map.get(key);
        if (!known || run.time > known.time) map.set(key, run);
      }
      return { byTarget, byRoute };
    },
  };
}
