// Routes in memory for the hot path, reloaded after admin writes (and after a
// short TTL, for writes made by other replicas sharing the database): a
// reloading table (../reloading-table.ts) keyed by route name.
import type { RouteRecord, RoutesRepository } from '../../domain/route.js';
import { createReloadingTable, type ReloadTiming } from '../reloading-table.js';

export interface RouteTable {
  snapshot(): Promise<ReadonlyMap<string, RouteRecord>>;
  /** The routes in memory, or undefined when snapshot() must load them (reloading-table.ts, peek). */
  peek?(): ReadonlyMap<string, RouteRecord> | undefined;
  invalidate(): void;
}

export function createRouteTable(options: { routes: RoutesRepository } & ReloadTiming): RouteTable {
  const table = createReloadingTable<ReadonlyMap<string, RouteRecord>>({
    ...options,
    load: async () => new Map((await options.routes.listAll()).map((record) => [record.name, record])),
  });
  return { snapshot: () => table.get(), peek: () => table.peek(), invalidate: () => table.invalidate() };
}
