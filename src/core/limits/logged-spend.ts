// A key's spend as the request log records it, for what the key_spend rows do
// not hold: the budget guard counts a key's spend only while it has a budget,
// and only in that budget's period (so a key without one costs its requests no
// spend write). The request log holds every request's row either way, with its
// tokens and cost as the budget charges them (cache hits spend nothing):
// - a key without a budget reports its spend of the current month from it;
// - a budget set or changed first has the key_spend row of its current period
//   raised to what the log holds for that period (never lowered: raiseTo), so
//   the spend already made counts against it from its first request on.
// The log is written behind the requests, by each process within a second
// (core/request-log): this process's buffered rows are written first, another
// worker's or replica's last second may not be in yet. Rows older than the log's
// retention are deleted, so a longer period counts only what the log still holds.
import type { KeySpendRepository } from '../../domain/key-spend.js';
import type { LoggedSpend, RequestLogsRepository } from '../../domain/request-log.js';
import type { BudgetRecord } from '../../domain/virtual-key.js';
import { budgetPeriodAt, type BudgetPeriod } from './budget-period.js';

/** How long a read waits for this process's buffered rows to be written (a slow database). */
const REQUEST_LOG_FLUSH_WAIT_MS = 2_000;

export interface LoggedSpendOptions {
  requestLogs: Pick<RequestLogsRepository, 'spendOf'>;
  keySpend: Pick<KeySpendRepository, 'get' | 'raiseTo'>;
  /** Writes this process's buffered request-log rows (waiting at most `maxWaitMs`), so the requests it just answered count. */
  flushRequestLog: (maxWaitMs: number) => Promise<void>;
  now?: () => number;
}

export interface KeyPeriodSpend extends LoggedSpend {
  period: BudgetPeriod;
}

export interface LoggedSpendReader {
  /**
   * A key without a budget: its spend of the current month, from the request log — or from the month's
   * key_spend row where that is higher (the key had a monthly budget earlier in the month, and the log's
   * retention is shorter than the month).
   */
  monthSpendOf(keyId: string): Promise<KeyPeriodSpend>;
  /** Before a budget is set or changed: its current period's key_spend row raised to the request log's spend of it. */
  seedBudget(keyId: string, budget: BudgetRecord): Promise<void>;
}

export function createLoggedSpendReader(options: LoggedSpendOptions): LoggedSpendReader {
  const { requestLogs, keySpend } = options;
  const now = options.now ?? Date.now;

  const loggedIn = async (keyId: string, period: BudgetPeriod): Promise<LoggedSpend> => {
    await options.flushRequestLog(REQUEST_LOG_FLUSH_WAIT_MS);
    return requestLogs.spendOf(keyId, period.start, period.end);
  };

  return {
    async monthSpendOf(keyId) {
      const period = budgetPeriodAt('month', now());
      const [logged, counted] = await Promise.all([loggedIn(keyId, period), keySpend.get(keyId, period.id)]);
      return {
        period,
        tokens: Math.max(logged.tokens, counted?.tokens ?? 0),
        costUsd: Math.max(logged.costUsd, counted?.costUsd ?? 0),
      };
    },

    async seedBudget(keyId, budget) {
      const period = budgetPeriodAt(budget.period, now());
      const logged = await loggedIn(keyId, period);
      if (logged.tokens === 0 && logged.costUsd === 0) return;
      await keySpend.raiseTo(keyId, period.id, Math.trunc(logged.tokens), logged.costUsd);
    },
  };
}
