import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/domain/gateway-error.js';
import { createBudgetGuard, formatUsd, type BudgetReservation } from '../../src/core/limits/budget-guard.js';
import { BudgetExceededError, isBudgetRefusal } from '../../src/core/limits/limit-errors.js';
import type { BudgetRecord } from '../../src/domain/virtual-key.js';
import { drain, fakeClock, fakeSpendRepository, keyWith, seededRandom } from './limits-fakes.js';

const NOV_26 = Date.UTC(2026, 10, 26, 12, 0, 0);
const usd = (amount: number, period: BudgetRecord['period'] = 'month'): BudgetRecord => ({ amount, unit: 'usd', period });
const tokens = (amount: number, period: BudgetRecord['period'] = 'month'): BudgetRecord => ({ amount, unit: 'tokens', period });

async function refusal(promise: Promise<unknown>): Promise<BudgetExceededError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a budget refusal');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(BudgetExceededError);
  expect(error).toBeInstanceOf(GatewayError);
  return error as BudgetExceededError;
}

describe('budget guard: the boundary', () => {
  it('a $0.01 monthly budget at $0.003 a request admits 3 and refuses the 4th, which would not fit', async () => {
    const clock = fakeClock(NOV_26);
    const spend = fakeSpendRepository();
    const guard = createBudgetGuard({ spend, now: clock.now });
    const key = keyWith({ budget: usd(0.01) });
    for (let index = 0; index < 3; index += 1) {
      const reservation = await guard.check(key, { tokens: 100, costUsd: 0.003 });
      await guard.commit(reservation, { tokens: 100, costUsd: 0.003 });
    }
    const error = await refusal(guard.check(key, { tokens: 100, costUsd: 0.003 }));
    expect(error.kind).toBe('resource_exhausted');
    expect(error.reason).toBe('budget');
    expect(isBudgetRefusal(error)).toBe(true);
    expect(error.retryable).toBe(false);
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(error.message).toBe(
      "budget would be exceeded: this request may use up to $0.003 (its input and maximum output at the model's prices), and $0.001 of $0.01 is left this month",
    );
    expect(error).toMatchObject({ spent: expect.closeTo(0.009, 12), requested: 0.003, reserved: 0 });
    expect(error.resetsAt).toBe(Date.UTC(2026, 11, 1));
    // A smaller request still fits in the $0.001 left.
    await guard.commit(await guard.check(key, { tokens: 10, costUsd: 0.001 }), { tokens: 10, costUsd: 0.001 });
    expect((await refusal(guard.check(key, { tokens: 0, costUsd: 0 }))).message).toBe('budget exhausted: $0.01 of $0.01 this month');
    expect(spend.rows.get('key-1|month:2026-11')).toMatchObject({ tokens: 310 });
    expect(spend.rows.get('key-1|month:2026-11')!.costUsd).toBeCloseTo(0.01, 12);
  });

  it('spend exactly at the budget refuses (floating-point sums included); just below admits', async () => {
    const clock = fakeClock(NOV_26);
    const guard = createBudgetGuard({ spend: fakeSpendRepository(), now: clock.now });
    const key = keyWith({ budget: usd(1) });
    // 0.7 + 0.1 + 0.1 + 0.1 = 0.9999999999999999 in floating point: that is $1 spent.
    for (const cost of [0.7, 0.1, 0.1, 0.1]) {
      await guard.commit(await guard.check(key, { tokens: 0, costUsd: cost }), { tokens: 1, costUsd: cost });
    }
    expect((await refusal(guard.check(key, { tokens: 0, costUsd: 0 }))).message).toBe('budget exhausted: $1.00 of $1.00 this month');

    const below = keyWith({ id: 'below', budget: usd(1) });
    await guard.commit(await guard.check(below, { tokens: 0, costUsd: 0.999998 }), { tokens: 1, costUsd: 0.999998 });
    await guard.check(below, { tokens: 0, costUsd: 0.000001 }); // $0.000002 left: admitted

    const tight = keyWith({ id: 'tight', budget: tokens(1000) });
    await guard.commit(await guard.check(tight, { tokens: 999, costUsd: 0 }), { tokens: 999, costUsd: 0 });
    await guard.commit(await guard.check(tight, { tokens: 1, costUsd: 0 }), { tokens: 1, costUsd: 0 }); // 999 < 1000: admitted
    expect((await refusal(guard.check(tight, { tokens: 1, costUsd: 0 }))).message).toBe('budget exhausted: 1000 tokens of 1000 tokens this month');
  });

  it('token budgets count input + output tokens and ignore cost; USD budgets count cost and ignore tokens', async () => {
    const clock = fakeClock(NOV_26);
    const guard = createBudgetGuard({ spend: fakeSpendRepository(), now: clock.now });
    const tokenKey = keyWith({ id: 'tok', budget: tokens(1000, 'day') });
    await guard.commit(await guard.check(tokenKey, { tokens: 500, costUsd: 99 }), { tokens: 700, costUsd: 99 });
    await guard.commit(await guard.check(tokenKey, { tokens: 300, costUsd: 99 }), { tokens: 400, costUsd: 99 }); // 700 + 300 fits
    expect((await refusal(guard.check(tokenKey, { tokens: 1, costUsd: 0 }))).message).toBe('budget exhausted: 1100 tokens of 1000 tokens today');

    const usdKey = keyWith({ id: 'usd', budget: usd(1, 'week') });
    await guard.commit(await guard.check(usdKey, { tokens: 1e6, costUsd: 0.5 }), { tokens: 5_000_000, costUsd: 0.5 });
    const reservation = await guard.check(usdKey, { tokens: 1e6, costUsd: 0.5 }); // 0.5 < 1
    await guard.commit(reservation, { tokens: 1, costUsd: 0.75 });
    const error = await refusal(guard.check(usdKey, { tokens: 1, costUsd: 0.01 }));
    expect(error.message).toBe('budget exhausted: $1.25 of $1.00 this week');
    expect(error.resetsAt).toBe(Date.UTC(2026, 10, 30)); // Monday
    expect(await guard.spendOf(usdKey)).toEqual({
      unit: 'usd',
      period: 'week',
      periodId: 'week:2026-W48',
      budget: 1,
      spent: 1.25,
      reserved: 0,
      remaining: 0,
      tokens: 5_000_001,
      costUsd: 1.25,
      resetsAt: Date.UTC(2026, 10, 30),
    });
  });

  it('counts in-flight reservations: refuses what does not fit beside them, admits again after cancel', async () => {
    const clock = fakeClock(NOV_26);
    const guard = createBudgetGuard({ spend: fakeSpendRepository(), now: clock.now });
    const key = keyWith({ budget: tokens(1000, 'total') });
    const first = await guard.check(key, { tokens: 600, costUsd: 0 });
    const tooLarge = await refusal(guard.check(key, { tokens: 600, costUsd: 0 })); // 600 + 600 > 1000
    expect(tooLarge.message).toBe(
      'budget would be exceeded: this request may use up to 600 tokens (its input and maximum output), and 400 tokens of 1000 tokens is left in total (600 tokens more reserved by requests in flight)',
    );
    // It would fit once the request in flight is done: worth retrying.
    expect(tooLarge).toMatchObject({ spent: 0, reserved: 600, requested: 600, retryable: true });
    const second = await guard.check(key, { tokens: 400, costUsd: 0 }); // exactly what is left
    const error = await refusal(guard.check(key, { tokens: 1, costUsd: 0 }));
    expect(error.message).toBe('budget exhausted: 0 tokens of 1000 tokens in total (1000 tokens more reserved by requests in flight)');
    expect(error).toMatchObject({ spent: 0, reserved: 1000, budget: 1000, resetsAt: null });
    guard.cancel(second);
    guard.cancel(second); // once only
    const third = await guard.check(key, { tokens: 1, costUsd: 0 });
    await guard.commit(first, { tokens: 300, costUsd: 0 });
    await guard.commit(first, { tokens: 300, costUsd: 0 }); // ignored
    guard.cancel(first); // ignored
    expect(await guard.spendOf(key)).toMatchObject({ spent: 300, reserved: 1, remaining: 700, periodId: 'total' });
    guard.cancel(third);
    expect(await guard.spendOf(key)).toMatchObject({ reserved: 0 });
  });

  it('a key without budget pays nothing: inert reservation, no store access', async () => {
    const spend = fakeSpendRepository();
    const guard = createBudgetGuard({ spend, now: () => NOV_26 });
    const key = keyWith();
    const reservation = await guard.check(key, { tokens: 1e9, costUsd: 1e9 });
    await guard.commit(reservation, { tokens: 1e9, costUsd: 1e9 });
    guard.cancel(reservation);
    expect(await guard.spendOf(key)).toBeNull();
    expect(spend.gets + spend.adds).toBe(0);
  });

  it('cache hits (0 tokens, $0) consume nothing and write nothing', async () => {
    const spend = fakeSpendRepository();
    const guard = createBudgetGuard({ spend, now: () => NOV_26 });
    const key = keyWith({ budget: usd(0.01) });
    await guard.commit(await guard.check(key, { tokens: 100, costUsd: 0.006 }), { tokens: 100, costUsd: 0.006 });
    const addsBefore = spend.adds;
    for (let index = 0; index < 20; index += 1) {
      await guard.commit(await guard.check(key, { tokens: 0, costUsd: 0 }), { tokens: 0, costUsd: 0 });
    }
    expect(spend.adds).toBe(addsBefore);
    expect((await guard.spendOf(key))!.spent).toBeCloseTo(0.006, 12);
    await guard.commit(await guard.check(key, { tokens: 100, costUsd: 0.004 }), { tokens: 100, costUsd: 0.004 });
    await refusal(guard.check(key, { tokens: 0, costUsd: 0 }));
  });
});

describe('budget guard: periods', () => {
  it('a new month starts from zero; a request admitted in the old month is charged to it', async () => {
    const clock = fakeClock(Date.UTC(2026, 10, 30, 23, 59, 0));
    const spend = fakeSpendRepository();
    const guard = createBudgetGuard({ spend, now: clock.now });
    const key = keyWith({ budget: usd(0.01) });
    await guard.commit(await guard.check(key, { tokens: 10, costUsd: 0.008 }), { tokens: 10, costUsd: 0.008 });
    const late = await guard.check(key, { tokens: 10, costUsd: 0.002 }); // fits: $0.008 + $0.002 of $0.01
    await refusal(guard.check(key, { tokens: 10, costUsd: 0.001 }));

    clock.set(Date.UTC(2026, 11, 1, 0, 0, 0)); // December
    const december = await guard.check(key, { tokens: 10, costUsd: 0.004 });
    expect(december.periodId).toBe('month:2026-12');
    await guard.commit(late, { tokens: 10, costUsd: 0.009 }); // finished in December, admitted by November
    await guard.commit(december, { tokens: 10, costUsd: 0.004 });
    expect(spend.rows.get('key-1|month:2026-11')!.costUsd).toBeCloseTo(0.017, 12);
    expect(spend.rows.get('key-1|month:2026-12')!.costUsd).toBeCloseTo(0.004, 12);
    expect(await guard.spendOf(key)).toMatchObject({ periodId: 'month:2026-12', resetsAt: Date.UTC(2027, 0, 1) });
  });

  it('day, week and total budgets use the shared period ids', async () => {
    const clock = fakeClock(NOV_26);
    const spend = fakeSpendRepository();
    const guard = createBudgetGuard({ spend, now: clock.now });
    for (const period of ['day', 'week', 'total'] as const) {
      const key = keyWith({ id: period, budget: tokens(10, period) });
      await guard.commit(await guard.check(key, { tokens: 10, costUsd: 0 }), { tokens: 10, costUsd: 0 });
      await refusal(guard.check(key, { tokens: 1, costUsd: 0 }));
    }
    expect([...spend.rows.keys()].sort()).toEqual(['day|day:2026-11-26', 'total|total', 'week|week:2026-W48']);
    clock.set(Date.UTC(2026, 10, 27)); // next day: only the day budget renews
    await guard.check(keyWith({ id: 'day', budget: tokens(10, 'day') }), { tokens: 1, costUsd: 0 });
    await refusal(guard.check(keyWith({ id: 'week', budget: tokens(10, 'week') }), { tokens: 1, costUsd: 0 }));
    clock.set(Date.UTC(2026, 10, 30)); // Monday: the week renews, the total never does
    await guard.check(keyWith({ id: 'week', budget: tokens(10, 'week') }), { tokens: 1, costUsd: 0 });
    await refusal(guard.check(keyWith({ id: 'total', budget: tokens(10, 'total') }), { tokens: 1, costUsd: 0 }));
  });
});

describe('budget guard: cache and store', () => {
  it('loads the spend once per key and period, even for 50 concurrent first checks', async () => {
    const spend = fakeSpendRepository(() => 5);
    spend.rows.set('key-1|month:2026-11', { keyId: 'key-1', period: 'month:2026-11', tokens: 0, costUsd: 0.004 });
    const guard = createBudgetGuard({ spend, now: () => NOV_26 });
    const key = keyWith({ budget: usd(0.01) });
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => guard.check(key, { tokens: 0, costUsd: 0.002 })));
    // 0.004 + k × 0.002 < 0.01 for k = 0, 1, 2 → exactly three admitted.
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
    expect(spend.gets).toBe(1);
  });

  it('sees other replicas after the TTL (re-read in the background) and follows the totals each add returns', async () => {
    const clock = fakeClock(NOV_26);
    const spend = fakeSpendRepository();
    const replicaA = createBudgetGuard({ spend, now: clock.now, refreshTtlMs: 5_000 });
    const replicaB = createBudgetGuard({ spend, now: clock.now, refreshTtlMs: 5_000 });
    const key = keyWith({ budget: tokens(1000) });
    replicaA.cancel(await replicaA.check(key, { tokens: 1, costUsd: 0 })); // A caches 0
    await replicaB.commit(await replicaB.check(key, { tokens: 900, costUsd: 0 }), { tokens: 900, costUsd: 0 });
    await replicaB.commit(await replicaB.check(key, { tokens: 100, costUsd: 0 }), { tokens: 100, costUsd: 0 });
    const getsBefore = spend.gets;
    replicaA.cancel(await replicaA.check(key, { tokens: 1, costUsd: 0 })); // within the TTL: A still believes 0
    expect(spend.gets).toBe(getsBefore);
    clock.advance(5_000);
    replicaA.cancel(await replicaA.check(key, { tokens: 1, costUsd: 0 })); // stale: admitted, refresh started
    await drain();
    expect(spend.gets).toBe(getsBefore + 1);
    await refusal(replicaA.check(key, { tokens: 1, costUsd: 0 }));

    // A commit raises the cache to the store's totals, which include the other replica's spend.
    const other = keyWith({ id: 'other', budget: tokens(1000) });
    const reservation = await replicaA.check(other, { tokens: 10, costUsd: 0 });
    await replicaB.commit(await replicaB.check(other, { tokens: 10, costUsd: 0 }), { tokens: 950, costUsd: 0 });
    await replicaA.commit(reservation, { tokens: 10, costUsd: 0 });
    expect(await replicaA.spendOf(other)).toMatchObject({ spent: 960, remaining: 40 });
  });

  it('fails closed when the spend cannot be read, and tries again at the next check', async () => {
    const spend = fakeSpendRepository();
    const guard = createBudgetGuard({ spend, now: () => NOV_26 });
    const key = keyWith({ budget: usd(1) });
    spend.failNext(1);
    const error = await guard.check(key, { tokens: 1, costUsd: 0.1 }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true });
    expect(error).not.toBeInstanceOf(BudgetExceededError);
    await guard.check(key, { tokens: 1, costUsd: 0.1 });
    expect(spend.gets).toBe(2);
  });

  it('a failed add stays counted, is reported, and is sent again with the next commit or flush()', async () => {
    const spend = fakeSpendRepository();
    const errors: unknown[] = [];
    const guard = createBudgetGuard({ spend, now: () => NOV_26, onError: (error) => errors.push(error) });
    const key = keyWith({ budget: tokens(1000) });
    const first = await guard.check(key, { tokens: 600, costUsd: 0 });
    spend.failNext(1);
    await guard.commit(first, { tokens: 600, costUsd: 0.5 }); // never rejects: the request itself succeeded
    expect(errors).toHaveLength(1);
    expect(spend.rows.size).toBe(0);
    expect(await guard.spendOf(key)).toMatchObject({ spent: 600, reserved: 0 });
    await refusal(guard.check(key, { tokens: 0, costUsd: 0 }).then(async (reservation) => {
      await guard.commit(reservation, { tokens: 400, costUsd: 0.25 }); // carries the failed 600 too
      return guard.check(key, { tokens: 0, costUsd: 0 });
    }));
    expect(spend.rows.get('key-1|month:2026-11')).toEqual({ keyId: 'key-1', period: 'month:2026-11', tokens: 1000, costUsd: 0.75 });

    const other = keyWith({ id: 'other', budget: tokens(1000) });
    const third = await guard.check(other, { tokens: 50, costUsd: 0 });
    spend.failNext(2);
    await guard.commit(third, { tokens: 50, costUsd: 0 });
    await expect(guard.flush()).rejects.toThrow('database unavailable');
    await guard.flush();
    const adds = spend.adds;
    await guard.flush(); // nothing left: no write
    expect(spend.adds).toBe(adds);
    expect(errors).toHaveLength(2);
    expect(spend.rows.get('other|month:2026-11')!.tokens).toBe(50);
    expect(await guard.spendOf(other)).toMatchObject({ spent: 50 });
  });

  it('batches commits that arrive while an add is in flight, one add at a time', async () => {
    const spend = fakeSpendRepository(() => 3);
    const guard = createBudgetGuard({ spend, now: () => NOV_26 });
    const key = keyWith({ budget: tokens(1_000_000) });
    const reservations = await Promise.all(Array.from({ length: 20 }, () => guard.check(key, { tokens: 10, costUsd: 0 })));
    const addsBefore = spend.adds;
    await Promise.all(reservations.map((reservation) => guard.commit(reservation, { tokens: 10, costUsd: 0.001 })));
    expect(spend.adds - addsBefore).toBeLessThanOrEqual(2);
    expect(spend.rows.get('key-1|month:2026-11')!.tokens).toBe(200);
    expect(await guard.spendOf(key)).toMatchObject({ spent: 200 });
  });

  it('forgets idle keys and old periods', async () => {
    const clock = fakeClock(NOV_26);
    const spend = fakeSpendRepository();
    const guard = createBudgetGuard({ spend, now: clock.now, idleMs: 60_000, maxEntries: 10 });
    for (let index = 0; index < 30; index += 1) {
      const key = keyWith({ id: `k${index}`, budget: tokens(100) });
      await guard.commit(await guard.check(key, { tokens: 1, costUsd: 0 }), { tokens: 1, costUsd: 0 });
    }
    const getsBefore = spend.gets;
    // k0 was forgotten (bound of 10 entries): its spend is read again, and still counted.
    expect(await guard.spendOf(keyWith({ id: 'k0', budget: tokens(100) }))).toMatchObject({ spent: 1 });
    expect(spend.gets).toBe(getsBefore + 1);
  });
});

describe('budget guard: 50 concurrent requests', () => {
  /**
   * 50 workers share one key. Each loops: check (estimate e), then after a random
   * number of microtask hops commit (actual a), against a store whose writes
   * complete after random hops (out of order). The test keeps its own model of
   * what the guard must know — committed actuals + in-flight estimates — and
   * asserts every single decision: admitted iff model < budget (exactly the right
   * request refused, never early, never late), then the documented bound:
   *     final spend < B + a_k + Σ_{j in flight at k's admission} max(0, a_j − e_j)
   */
  async function simulate(options: { seed: number; budget: BudgetRecord; underestimate: boolean }) {
    const random = seededRandom(options.seed);
    const clock = fakeClock(NOV_26);
    const spend = fakeSpendRepository(() => Math.floor(random() * 8));
    const guard = createBudgetGuard({ spend, now: clock.now });
    const key = keyWith({ budget: options.budget });
    const unit = options.budget.unit;
    const B = options.budget.amount;
    const inUnit = (amounts: { tokens: number; costUsd: number }) => (unit === 'usd' ? amounts.costUsd : amounts.tokens);
    await guard.spendOf(key); // loaded: every later check decides in the tick it is called

    let committed = 0;
    const inFlight = new Map<number, { estimate: number; actual: number }>();
    let admitted = 0;
    let refused = 0;
    let lastAdmission: { actual: number; underReserved: number } | null = null;
    let nextId = 0;

    const worker = async () => {
      for (let round = 0; round < 12; round += 1) {
        const estimate = unit === 'usd'
          ? { tokens: 0, costUsd: Math.round(random() * 4000) / 1e6 } // up to $0.004
          : { tokens: 1 + Math.floor(random() * 400), costUsd: 0 };
        const fraction = options.underestimate ? 0.5 + random() * 1.5 : random();
        const actual = unit === 'usd'
          ? { tokens: 0, costUsd: Math.round(estimate.costUsd * fraction * 1e6) / 1e6 }
          : { tokens: Math.round(estimate.tokens * fraction), costUsd: 0 };
        let reserved = 0;
        for (const request of inFlight.values()) reserved += request.estimate;
        const epsilon = unit === 'usd' ? 1e-9 : 0;
        const expectAdmit = committed + reserved < B - epsilon && committed + reserved + inUnit(estimate) <= B + epsilon;
        const id = nextId++;
        if (expectAdmit) {
          // Mirrors the guard, which reserves in this very tick (before the caller resumes).
          let underReserved = Math.max(0, inUnit(actual) - inUnit(estimate));
          for (const request of inFlight.values()) underReserved += Math.max(0, request.actual - request.estimate);
          lastAdmission = { actual: inUnit(actual), underReserved };
          inFlight.set(id, { estimate: inUnit(estimate), actual: inUnit(actual) });
        }
        const pending = guard.check(key, estimate); // decides synchronously, now
        let reservation: BudgetReservation;
        try {
          reservation = await pending;
        } catch (error) {
          expect(error).toBeInstanceOf(BudgetExceededError);
          expect(expectAdmit).toBe(false);
          refused += 1;
          for (let hop = Math.floor(random() * 6); hop > 0; hop -= 1) await Promise.resolve();
          continue;
        }
        expect(expectAdmit).toBe(true);
        admitted += 1;
        for (let hop = Math.floor(random() * 10); hop > 0; hop -= 1) await Promise.resolve();
        // The commit's accounting is synchronous at the call, like the model's.
        inFlight.delete(id);
        committed += inUnit(actual);
        await guard.commit(reservation, actual);
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    await drain();

    const row = spend.rows.get(`key-1|month:2026-11`);
    const stored = row ? inUnit(row) : 0;
    expect(stored).toBeCloseTo(committed, 9);
    expect(admitted + refused).toBe(600);
    expect(refused).toBeGreaterThan(0);
    expect(lastAdmission).not.toBeNull();
    // At the last admission k: committed + Σ_F e + e_k ≤ B, so the final spend ≤ B + what F and k under-reserved.
    const bound = B + lastAdmission!.underReserved;
    expect(stored).toBeLessThan(bound + 1e-9);
    if (process.env["LIMITS_DEBUG"]) console.log(JSON.stringify({ seed: options.seed, unit, B, admitted, refused, stored, lastAdmission }));
    return { admitted, refused, stored, lastAdmission: lastAdmission! };
  }

  it('token budget, estimates ≥ actuals: every decision exact, the budget never exceeded', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const result = await simulate({ seed, budget: tokens(20_000), underestimate: false });
      expect(result.lastAdmission.underReserved).toBe(0);
      expect(result.stored).toBeLessThanOrEqual(20_000);
    }
  });

  it('USD budget, estimates ≥ actuals: every decision exact, the budget never exceeded', async () => {
    for (const seed of [11, 12, 13]) {
      const result = await simulate({ seed, budget: usd(0.05), underestimate: false });
      expect(result.stored).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(result.stored).toBeGreaterThan(0.05 - 0.004); // and used up to the last request that fits
    }
  });

  it('under-estimates: every decision still exact; overshoot bounded by what the requests in flight under-reserved', async () => {
    for (const seed of [21, 22, 23, 24]) {
      await simulate({ seed, budget: tokens(20_000), underestimate: true });
    }
  });
});

describe('formatUsd', () => {
  it('prints cents, or up to four decimals below a dollar', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.01)).toBe('$0.01');
    expect(formatUsd(0.012)).toBe('$0.012');
    expect(formatUsd(0.0123456)).toBe('$0.0123');
    expect(formatUsd(0.00012)).toBe('$0.00012');
    expect(formatUsd(0.0001)).toBe('$0.0001');
    expect(formatUsd(0.000000123456)).toBe('$0.00000012');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(12.345)).toBe('$12.35');
  });
});
