// A table kept in memory for the hot path (providers, routes, prompt rules):
// loaded on first use, reloaded after an admin write (invalidate) and, behind
// the served snapshot, once older than a short TTL (for writes made by other
// replicas sharing the database). Concurrent loads share one read; a load
// started before an invalidation is returned to its callers but not kept.
export interface ReloadingSnapshot<Snapshot> {
  get(): Promise<Snapshot>;
  invalidate(): void;
}

export interface ReloadingSnapshotOptions {
  /** Default 30 s. */
  ttlMs?: number;
  now?: () => number;
  /** A background reload failed (the known snapshot stays served). */
  onError?: (error: unknown) => void;
}

export function reloadingSnapshot<Snapshot>(load: () => Promise<Snapshot>, options: ReloadingSnapshotOptions = {}): ReloadingSnapshot<Snapshot> {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 30_000;
  let current: { snapshot: Snapshot; loadedAt: number } | undefined;
  let loading: Promise<Snapshot> | undefined;
  let generation = 0;

  const reload = (): Promise<Snapshot> => {
    if (loading) return loading;
    const startedGeneration = generation;
    loading = load()
      .then((snapshot) => {
        // An invalidation during the load means this result may be stale already.
        if (startedGeneration === generation) current = { snapshot, loadedAt: now() };
        return snapshot;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  return {
    async get() {
      if (!current) return reload();
      if (now() - current.loadedAt > ttlMs) {
        // Serve the known snapshot while a fresh one loads behind it.
        reload().catch((error: unknown) => options.onError?.(error));
      }
      return current.snapshot;
    },
    invalidate() {
      generation += 1;
      current = undefined;
    },
  };
}
