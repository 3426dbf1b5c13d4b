// A table read on the hot path and kept in memory: loaded on first use, then
// served from memory. After `ttlMs` the next read still answers at once with
// the table it has and starts a reload behind it (this is how writes made by
// other replicas sharing the database arrive); `invalidate()` (after an admin
// write in this process) drops the table, so the next read waits for a fresh
// load. A failed reload keeps the last known table and tells `onError`; a
// failed first load (nothing known yet) fails the read itself. Concurrent
// reads share one load, and a load that began before an invalidation is
// returned to its callers but not kept (it may be stale already).
// The provider catalog, the route table and the prompt-rule table are built on it.

export interface ReloadingTable<T> {
  /** The table: the one in memory, or (the first time and after invalidate) a fresh load. */
  get(): Promise<T>;
  /**
   * The table in memory without waiting (starting a reload behind it when due, as get() does), or
   * undefined when get() would load it: the hot path's way to skip a promise when nothing is loading.
   */
  peek(): T | undefined;
  /** After an admin write: the next get() loads afresh. */
  invalidate(): void;
}

/** How a table reloads: what each table built on this one takes besides its repository. */
export interface ReloadTiming {
  /** How long a loaded table is served before a reload starts behind a read (default 30 s). */
  ttlMs?: number;
  now?: () => number;
  /** A reload behind a read failed; the last known table keeps being served. */
  onError?: (error: unknown) => void;
}

export interface ReloadingTableOptions<T> extends ReloadTiming {
  /** Reads the whole table from its source (the repository) and builds it. */
  load: () => Promise<T>;
}

export function createReloadingTable<T>(options: ReloadingTableOptions<T>): ReloadingTable<T> {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 30_000;
  let current: { value: T; loadedAt: number } | undefined;
  let loading: Promise<T> | undefined;
  let generation = 0;

  const load = (): Promise<T> => {
    if (loading) return loading;
    const startedGeneration = generation;
    loading = options
      .load()
      .then((value) => {
        // An invalidation during the load means this result may be stale already.
        if (startedGeneration === generation) current = { value, loadedAt: now() };
        return value;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  const peek = (): T | undefined => {
    if (!current) return undefined;
    if (now() - current.loadedAt > ttlMs) {
      // Serve the known table while a fresh one loads behind it.
      load().catch((error: unknown) => options.onError?.(error));
    }
    return current.value;
  };

  return {
    async get() {
      return current ? peek()! : load();
    },
    peek,
    invalidate() {
      generation += 1;
      current = undefined;
    },
  };
}
