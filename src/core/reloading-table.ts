// A table read on the hot path and kept in memory: loaded on first use, then
// served from memory. After `ttlMs` the next read still answers at once with
// the table it has and starts a reload behind it (this is how writes made by
// other replicas sharing the database arrive); `invalidate()` (after an admin
// write, here or announced by another worker or replica) marks the table
// stale, so the next read waits for a fresh load. A failed reload keeps the
// last known table: behind a read it tells `onError`; after an invalidation,
// when the database is unavailable (or gives no answer within `readWaitMs`),
// the last loaded table answers — an outage right after an admin write must
// not fail every request — and `onStaleServed` is told once per outage. A
// failed first load (nothing known yet) fails the read itself. Concurrent
// reads share one load; a load that began before an invalidation is returned
// to its callers but not kept (it may be stale already), and no read after the
// invalidation joins it.
// The provider catalog, the route table and the prompt-rule table are built on it.
import { GatewayError } from '../domain/gateway-error.js';

export interface ReloadingTable<T> {
  /** The table: the one in memory, or (the first time and after invalidate) a fresh load. */
  get(): Promise<T>;
  /**
   * The table in memory without waiting (starting a reload behind it when due, as get() does), or
   * undefined when get() would load it: the hot path's way to skip a promise when nothing is loading.
   */
  peek(): T | undefined;
  /** After an admin write: the next get() loads afresh (or, the database unavailable, answers the last loaded table). */
  invalidate(): void;
}

/** How a table reloads: what each table built on this one takes besides its repository. */
export interface ReloadTiming {
  /** How long a loaded table is served before a reload starts behind a read (default 30 s). */
  ttlMs?: number;
  now?: () => number;
  /** A reload behind a read failed; the last known table keeps being served. */
  onError?: (error: unknown) => void;
  /**
   * After an invalidation the reload failed as unavailable (or hung), and the last loaded table answered,
   * without the write(s) made since. Told once per outage: again only after a load succeeded.
   */
  onStaleServed?: (error: unknown) => void;
  /** How long a read waits for the reload after an invalidation before the last loaded table answers (real time, default 1 s). */
  readWaitMs?: number;
  /** After a reload failed as unavailable, reads answer the last loaded table this long without asking again (real time, default 1 s). */
  retryPauseMs?: number;
}

export interface ReloadingTableOptions<T> extends ReloadTiming {
  /** Reads the whole table from its source (the repository) and builds it. */
  load: () => Promise<T>;
}

interface Loading<T> {
  promise: Promise<T>;
  generation: number;
  /** A read already waited readWaitMs for it in vain: later reads do not wait again. */
  late: boolean;
}

const LATE = Symbol('late');

const isUnavailable = (error: unknown) => error instanceof GatewayError && error.kind === 'unavailable';

export function createReloadingTable<T>(options: ReloadingTableOptions<T>): ReloadingTable<T> {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 30_000;
  const readWaitMs = options.readWaitMs ?? 1_000;
  const retryPauseMs = options.retryPauseMs ?? 1_000;
  let current: { value: T; loadedAt: number } | undefined;
  /** An invalidation came after `current` was loaded. */
  let stale = false;
  let loading: Loading<T> | undefined;
  let generation = 0;
  /** Real time (performance.now) before which a stale table is answered without a reload; an unavailable failure sets it. */
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let lastFailure: unknown;
  let staleReported = false;

  const load = (): Loading<T> => {
    if (loading && loading.generation === generation) return loading;
    const startedGeneration = generation;
    const started: Loading<T> = {
      generation: startedGeneration,
      late: false,
      promise: options.load().then(
        (value) => {
          // An invalidation during the load means this result may be stale already.
          if (startedGeneration === generation) {
            current = { value, loadedAt: now() };
            stale = false;
            staleReported = false;
          }
          return value;
        },
        (error: unknown) => {
          if (isUnavailable(error)) {
            lastFailure = error;
            pausedUntil = performance.now() + retryPauseMs;
          }
          throw error;
        },
      ),
    };
    started.promise
      .finally(() => {
        if (loading === started) loading = undefined;
      })
      .catch(() => undefined); // its callers handle the failure
    loading = started;
    return started;
  };

  const peek = (): T | undefined => {
    if (!current || stale) return undefined;
    if (now() - current.loadedAt > ttlMs) {
      // Serve the known table while a fresh one loads behind it.
      load().promise.catch((error: unknown) => options.onError?.(error));
    }
    return current.value;
  };

  /** The last loaded table, without the write(s) since: the database cannot answer. */
  const lastLoaded = (known: T, error: unknown): T => {
    if (!staleReported) {
      staleReported = true;
      options.onStaleServed?.(error);
    }
    return known;
  };

  /** The load's answer, or LATE once readWaitMs passed without one (the load goes on and is kept when it lands). */
  const within = (pending: Loading<T>): Promise<T | typeof LATE> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(resolve, readWaitMs, LATE)));
    return Promise.race([pending.promise, late]).finally(() => clearTimeout(timer));
  };

  const reloadAfterInvalidation = async (known: T): Promise<T> => {
    if (performance.now() < pausedUntil) return lastLoaded(known, lastFailure);
    const pending = load();
    const noAnswer = () => new Error(`the database gave no answer within ${readWaitMs} ms`);
    if (pending.late) return lastLoaded(known, noAnswer());
    try {
      const answer = await within(pending);
      if (answer !== LATE) return answer;
      pending.late = true;
      return lastLoaded(known, noAnswer());
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      return lastLoaded(known, error);
    }
  };

  return {
    async get() {
      if (!current) return load().promise;
      return stale ? reloadAfterInvalidation(current.value) : peek()!;
    },
    peek,
    invalidate() {
      generation += 1;
      stale = true;
      // The database may be back: a read after a write asks it again at once.
      pausedUntil = Number.NEGATIVE_INFINITY;
    },
  };
}
