// The budget guard over the real KeySpendRepository (SQLite in memory): the
// contract the fake stands in for — atomic adds returning the new totals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBudgetGuard } from '../../src/core/limits/budget-guard.js';
import { BudgetExceededError } from '../../src/core/limits/limit-errors.js';
import { openStorage, type GatewayStorage } from '../../src/storage/index.js';
import { fakeClock, keyWith } from './limits-fakes.js';

describe('budget guard over SQLite', () => {
  let storage: GatewayStorage;
  beforeAll(async () => {
    storage = await openStorage({ databaseUrl: 'sqlite::memory:', dataDir: '/unused' });
  });
  afterAll(async () => {
    await storage.close();
  });

  it('50 concurrent requests against a $0.01 budget at $0.003 each: 3 admitted, spend stored atomically', async () => {
    const clock = fakeClock(Date.UTC(2026, 10, 26, 12));
    const guard = createBudgetGuard({ spend: storage.keySpend, now: clock.now });
    const key = keyWith({ id: 'sqlite-key', budget: { amount: 0.01, unit: 'usd', period: 'month' } });
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => guard.check(key, { tokens: 120, costUsd: 0.003 })));
    const admitted = results.filter((result) => result.status === 'fulfilled');
    expect(admitted).toHaveLength(3);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(BudgetExceededError);
    await Promise.all(admitted.map((result) => guard.commit(result.value, { tokens: 100, costUsd: 0.003 })));
    const row = await storage.keySpend.get('sqlite-key', 'month:2026-11');
    expect(row?.tokens).toBe(300);
    expect(row?.costUsd).toBeCloseTo(0.009, 9);
    // A second process (a fresh guard) reads the stored spend: $0.001 is left, $0.002 does not fit.
    const other = createBudgetGuard({ spend: storage.keySpend, now: clock.now });
    await expect(other.check(key, { tokens: 1, costUsd: 0.002 })).rejects.toThrow('$0.001 of $0.01 is left this month');
  });
});
