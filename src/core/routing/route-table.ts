// Routes in memory for the hot path, reloaded after admin writes (and after a
// short TTL, for writes made by other replicas sharing the database).
import type { RouteRecord, RoutesRepository } from '../../domain/route.js';

export interface RouteTable {
  snapshot(): Promise<ReadonlyMap<string, RouteRecord>>;
  invalidate(): void;
}

export function createRouteTable(options: {
  routes: RoutesRepository;
  ttlMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}): RouteTable {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 30_000;
  let current: { routes: ReadonlyMap<string, RouteRecord>; loadedAt: number } | undefined;
  let loading: Promise<ReadonlyMap<string, RouteRecord>> | undefined;
  let generation = 0;

  const load = () => {
    if (loading) return loading;
    const startedGeneration = generation;
    loading = options.routes
      .listAll()
      .then((records) => {
        const routes = new Map(records.map((record) => [record.name, record]));
        if (startedGeneration === generation) current = { routes, loadedAt: now() };
        return routes;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  return {
    async snapshot() {
      if (!current) return load();
      if (now() - current.loadedAt > ttlMs) load().catch((error: unknown) => options.onError?.(error));
      return current.routes;
    },
    invalidate() {
      generation += 1;
      current = undefined;
    },
  };
}
