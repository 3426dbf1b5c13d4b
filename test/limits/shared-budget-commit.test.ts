// A budget shared through the store (Redis): commit() resolves only once the
// store has taken the spend, so that any replica's next check sees it. Before,
// the store's settle was fire-and-forget, and under load another replica's
// check could reach Redis first and be admitted over the budget.
import { describe, expect, it } from 'vitest';
import { createBudgetGuard } from '../../src/core/limits/budget-guard.js';
import { createSharedBudgetGuard } from '../../src/core/shared-store/shared-budget-guard.js';
import type { LedgerReserveRequest, SharedBudgetLedger } from '../../src/core/shared-store/shared-budget-ledger.js';
import { createSharedStoreHealth } from '../../src/core/shared-store/shared-store-health.js';
import { fakeSpendRepository, keyWith } from './limits-fakes.js';

/** A ledger that admits everything and holds each settle until released. */
function heldLedger() {
  const settles: Array<{ spent: number; release: () => void }> = [];
  const ledger: SharedBudgetLedger = {
    reserve: async (request: LedgerReserveRequest) => ({
      admitted: true,
      spent: request.knownSpent,
      reserved: 0,
      reservation: { settle: (spent) => new Promise<void>((release) => settles.push({ spent, release })) },
    }),
  };
  return { ledger, settles };
}

describe('a budget shared through the store', () => {
  it('commit() resolves once the store has the spend, not before', async () => {
    const { ledger, settles } = heldLedger();
    const local = createBudgetGuard({ spend: fakeSpendRepository() });
    const guard = createSharedBudgetGuard({ local, ledger, health: createSharedStoreHealth({ onTransition: () => {}, probe: async () => {} }), mode: 'open' });
    const key = keyWith({ budget: { amount: 1, unit: 'usd', period: 'month' } });
    const reservation = await guard.check(key, { tokens: 10, costUsd: 0.5 });
    let committed = false;
    const commit = guard.commit(reservation, { tokens: 10, costUsd: 0.8 }).then(() => (committed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settles.map((settle) => settle.spent)).toEqual([0.8]);
    expect(committed).toBe(false);
    settles[0]!.release();
    await commit;
    expect(committed).toBe(true);
  });
});
