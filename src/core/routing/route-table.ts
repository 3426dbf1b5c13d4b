// Routes in memory for the hot path, reloaded after admin writes (and after a
// short TTL, for writes made by other replicas sharing the database).
import type { RouteRecord, RoutesRepository } from '../../domain/route.js';
import { reloadingSnapshot, type ReloadingSnapshotOptions } from '../completion/reloading-snapshot.js';

export interface RouteTable {
  snapshot(): Promise<ReadonlyMap<string, RouteRecord>>;
  invalidate(): void;
}

export function createRouteTable(options: ReloadingSnapshotOptions & { routes: RoutesRepository }): RouteTable {
  const table = reloadingSnapshot<ReadonlyMap<string, RouteRecord>>(async () => {
    const records = await options.routes.listAll();
    return new Map(records.map((record) => [record.name, record]));
  }, options);
  return { snapshot: table.get, invalidate: table.invalidate };
}
