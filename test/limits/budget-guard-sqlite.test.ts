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

  it('the commits of requests ending in the same loop turn reach SQLite in one upsert, the totals exact', async () => {
    const clock = fakeClock(Date.UTC(2026, 10, 26, 12));
    const adds: number[] = [];
    const counted = { ...storage.keySpend, add: (...args: Parameters<typeof storage.keySpend.add>) => (adds.push(args[2]), storage.keySpend.add(...args)) };
    const guard = createBudgetGuard({ spend: counted, now: clock.now });
    const key = keyWith({ id: 'batched-key', budget: { amount: 100, unit: 'usd', period: 'month' } });
    const reservations = await Promise.all(Array.from({ length: 20 }, () => guard.check(key, { tokens: 10, costUsd: 0.01 })));
    // Each commit from a callback of its own in one turn, as requests finishing on different sockets commit;
    // SQLite answers at once, so without waiting a turn each commit would be an upsert of its own.
    await Promise.all(reservations.map((reservation) => new Promise((resolve) => setImmediate(() => resolve(guard.commit(reservation, { tokens: 10, costUsd: 0.01 }))))));
    expect(adds).toEqual([200]);
    const row = await storage.keySpend.get('batched-key', 'month:2026-11');
    expect(row?.tokens).toBe(200);
    expect(row?.costUsd).toBeCloseTo(0.2, 9);
  });
});
