// The scheduler of the health checks: one per deployment. Every tick (1 s),
// while there are enabled checks, it takes or renews the job lease; only the
// lease's holder runs checks (with none, nobody holds the lease and nothing is
// written). The holder runs each enabled check whose interval has passed since
// its last run (a check never overlaps itself; a few run at once) and records
// each run. The checks are re-read after an admin write in this process
// (announced to the other --workers workers too) and every 30 s for writes
// made elsewhere. A check's last run is read from the database once the lease
// is held, so a successor keeps the cadence instead of running all at once.
import type { HealthCheckRecord, HealthCheckRunsRepository, HealthChecksRepository } from '../../domain/health-check.js';
import type { CheckExecutor } from './check-executor.js';
import type { LeaseHolder } from './lease-holder.js';

export interface HealthCheckRunnerOptions {
  checks: Pick<HealthChecksRepository, 'listAll'>;
  runs: Pick<HealthCheckRunsRepository, 'insert' | 'latest'>;
  lease: LeaseHolder;
  execute: CheckExecutor;
  now?: () => number;
  tickMs?: number;
  reloadEveryMs?: number;
  /** Runs in flight at once (default 4); the rest wait for the next tick. */
  maxConcurrent?: number;
  /** How long stop() waits for a tick or a run's write that hangs on an unreachable database (default 5 s). */
  stopWaitMs?: number;
  onError(error: unknown, what: 'reading the checks failed' | 'recording a run failed' | 'a run failed unexpectedly'): void;
}

export interface HealthCheckRunner {
  /** Ticks every tickMs until stop(). */
  start(): void;
  /** Stops ticking, cuts the runs in flight (not recorded), gives the lease up; never waits longer than stopWaitMs. */
  stop(): Promise<void>;
  /** One pass: the lease, then every check that is due (tests drive the runner with it and a fake clock). */
  tick(): Promise<void>;
  /** Resolves once the runs started so far are recorded. */
  idle(): Promise<void>;
  /** The checks changed: re-read them at the next tick. */
  invalidate(): void;
}

interface InFlight {
  done: Promise<void>;
  controller: AbortController;
}

export function createHealthCheckRunner(options: HealthCheckRunnerOptions): HealthCheckRunner {
  const now = options.now ?? Date.now;
  const tickMs = options.tickMs ?? 1_000;
  const reloadEveryMs = options.reloadEveryMs ?? 30_000;
  const maxConcurrent = options.maxConcurrent ?? 4;
  const { lease } = options;
  let checks: HealthCheckRecord[] | null = null;
  let loadedAt = 0;
  /** The start of each check's last run, as far as the holder knows. */
  const lastRunAt = new Map<string, number>();
  const inFlight = new Map<string, InFlight>();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | null = null;
  let stopped = false;

  /** The checks whose last run was read since this process took the lease. */
  const synced = new Set<string>();

  const loadChecks = async () => {
    checks = (await options.checks.listAll()).filter((check) => check.enabled);
    loadedAt = now();
  };

  const syncLastRuns = async (current: HealthCheckRecord[]) => {
    const unknown = current.filter((check) => !synced.has(check.id));
    if (unknown.length === 0) return;
    const latest = await options.runs.latest(unknown.map((check) => check.id));
    for (const check of unknown) {
      const recorded = latest.get(check.id)?.time;
      // A run in flight is not recorded yet: the later of the two starts.
      if (recorded !== undefined) lastRunAt.set(check.id, Math.max(recorded, lastRunAt.get(check.id) ?? recorded));
      synced.add(check.id);
    }
  };

  /** Another process runs the checks (or none are left): the schedule is read afresh when the lease comes back. */
  const forget = () => {
    lastRunAt.clear();
    synced.clear();
  };

  const launch = (check: HealthCheckRecord) => {
    lastRunAt.set(check.id, now());
    const controller = new AbortController();
    const done = options
      .execute(check, controller.signal)
      .then(
        async (run) => {
          if (run === null) return;
          try {
            await options.runs.insert(run);
          } catch (error) {
            options.onError(error, 'recording a run failed');
          }
        },
        (error: unknown) => options.onError(error, 'a run failed unexpectedly'),
      )
      .finally(() => inFlight.delete(check.id));
    inFlight.set(check.id, { done, controller });
  };

  const pass = async () => {
    if (checks === null || now() >= loadedAt + reloadEveryMs) {
      try {
        await loadChecks();
      } catch (error) {
        options.onError(error, 'reading the checks failed');
        if (checks === null) return;
      }
    }
    const current = checks ?? [];
    if (current.length === 0) {
      // Nothing to run: no lease to hold, and no write every few seconds from every replica.
      await lease.release(); // a no-op unless this process took it
      forget();
      return;
    }
    if (!(await lease.refresh())) return forget();
    try {
      await syncLastRuns(current);
    } catch (error) {
      options.onError(error, 'reading the checks failed');
      return;
    }
    for (const check of current) {
      if (stopped || inFlight.size >= maxConcurrent) break;
      if (inFlight.has(check.id)) continue;
      const last = lastRunAt.get(check.id);
      if (last === undefined || now() >= last + check.intervalMs) launch(check);
    }
  };

  const tick = () => {
    if (stopped) return Promise.resolve();
    ticking ??= pass().finally(() => {
      ticking = null;
    });
    return ticking;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void tick().finally(schedule), tickMs);
    timer.unref();
  };

  return {
    start() {
      if (timer !== undefined || stopped) return;
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      for (const run of inFlight.values()) run.controller.abort(new Error('the gateway is shutting down'));
      // A database that hangs must not hold shutdown: what is unfinished then is left (the lease expires).
      await within(options.stopWaitMs ?? 5_000, async () => {
        await ticking;
        await Promise.all([...inFlight.values()].map((run) => run.done));
        await lease.release();
      });
    },
    tick,
    async idle() {
      await ticking;
      await Promise.all([...inFlight.values()].map((run) => run.done));
    },
    invalidate() {
      loadedAt = Number.NEGATIVE_INFINITY;
    },
  };
}

/** Runs `work`, waiting for it at most `ms`. */
async function within(ms: number, work: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  try {
    await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
