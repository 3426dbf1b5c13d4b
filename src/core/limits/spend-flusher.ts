// Sends budget spend that could not be written, without waiting for a request.
// The budget guard keeps a failed add counted and queued and sends it with the
// next add of that key and period, or at flush() — so spend committed during a
// database outage by a key that then goes quiet would reach the store only at
// shutdown. This calls flush() on an interval (one at a time; flush() costs no
// database access when nothing is queued) until stopped.
import type { BudgetGuard } from './budget-guard.js';

export interface SpendFlusherOptions {
  budgets: Pick<BudgetGuard, 'flush'>;
  /** How often queued spend is retried (default 2 s). */
  intervalMs?: number;
  /** A retry failed (the spend stays queued for the next one). Must not throw. */
  onError: (error: unknown) => void;
}

export interface SpendFlusher {
  /** Stops the interval and waits for a flush under way; the final flush is the owner's (close()). */
  stop(): Promise<void>;
}

export function startSpendFlusher(options: SpendFlusherOptions): SpendFlusher {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= options.budgets
      .flush()
      .catch((error: unknown) => options.onError(error))
      .finally(() => {
        running = null;
      });
  }, options.intervalMs ?? 2_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
