// Deletes request-log rows older than the retention period, in small batches
// with a pause between them so that neither database holds long locks or grows
// a huge undo log, and concurrent log writes keep flowing. Runs shortly after
// start, then on an interval; never two runs at once; stop() ends the current
// run after its batch. retentionDays 0 keeps everything (the job never runs).
import type { RequestLogsRepository } from '../../domain/request-log.js';
import { createInterruptibleSleep } from './interruptible-sleep.js';

export interface RetentionJobOptions {
  repository: Pick<RequestLogsRepository, 'deleteOlderThan'>;
  retentionDays: number;
  intervalMs?: number;
  initialDelayMs?: number;
  batchSize?: number;
  pauseMs?: number;
  now?: () => number;
  onDeleted?(count: number, cutoff: number): void;
  onError(error: unknown): void;
}

export interface RetentionJob {
  start(): void;
  /** Stops the schedule and waits for a running pass to end (after its current batch). */
  stop(): Promise<void>;
  /** One full pass now (also used by the schedule); resolves with the number of rows deleted. */
  runOnce(): Promise<number>;
}

const DAY_MS = 86_400_000;

export function createRetentionJob(options: RetentionJobOptions): RetentionJob {
  const intervalMs = options.intervalMs ?? 3_600_000;
  const initialDelayMs = options.initialDelayMs ?? 60_000;
  const batchSize = options.batchSize ?? 5_000;
  const pauseMs = options.pauseMs ?? 200;
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;
  let stopped = false;
  const pause = createInterruptibleSleep();

  async function pass(): Promise<number> {
    if (options.retentionDays <= 0) return 0; // keep forever
    const cutoff = now() - options.retentionDays * DAY_MS;
    let total = 0;
    while (!stopped) {
      const deleted = await options.repository.deleteOlderThan(cutoff, batchSize);
      total += deleted;
      if (deleted < batchSize) break;
      await pause.sleep(pauseMs);
    }
    if (total > 0) options.onDeleted?.(total, cutoff);
    return total;
  }

  function runOnce(): Promise<number> {
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((error: unknown) => options.onError(error))
        .finally(() => schedule(intervalMs));
    }, delay);
    timer.unref();
  }

  return {
    start() {
      if (options.retentionDays <= 0 || timer !== undefined || stopped) return;
      schedule(initialDelayMs);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      pause.wake();
      await running?.catch(() => undefined);
    },
    runOnce,
  };
}
