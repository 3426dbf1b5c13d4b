// Budget spend committed while the database was away reaches it once it is
// back, on its own: no further request of that key is needed (issue 16 item 2).
import { describe, expect, it } from 'vitest';
import { createBudgetGuard } from '../../src/core/limits/budget-guard.js';
import { startSpendFlusher } from '../../src/core/limits/spend-flusher.js';
import { fakeClock, fakeSpendRepository, keyWith } from './limits-fakes.js';

describe('spend flusher', () => {
  it('retries spend that failed to be written until it is, without a new request', async () => {
    const repository = fakeSpendRepository();
    const clock = fakeClock();
    const errors: unknown[] = [];
    const budgets = createBudgetGuard({ spend: repository, now: clock.now, onError: (error) => errors.push(error) });
    const key = keyWith({ budget: { amount: 100, unit: 'usd', period: 'total' } });
    const reservation = await budgets.check(key, { tokens: 0, costUsd: 0 });

    repository.failNext(3); // the commit's own add and the next two retries fail
    await budgets.commit(reservation, { tokens: 120, costUsd: 0.25 });
    expect(errors).toHaveLength(1);
    expect(repository.rows.size).toBe(0);

    const retryErrors: unknown[] = [];
    const flusher = startSpendFlusher({ budgets, intervalMs: 5, onError: (error) => retryErrors.push(error) });
    try {
      await expect.poll(() => repository.rows.get(`${key.id}|total`), { interval: 5, timeout: 5_000 }).toEqual({
        keyId: key.id,
        period: 'total',
        tokens: 120,
        costUsd: 0.25,
      });
      expect(retryErrors).toHaveLength(2);
      const addsWhenWritten = repository.adds;
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(repository.adds).toBe(addsWhenWritten); // nothing queued: the interval writes nothing more
    } finally {
      await flusher.stop();
    }
    expect((await budgets.spendOf(key))?.spent).toBeCloseTo(0.25);
  });
});
