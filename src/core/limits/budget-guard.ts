// Per-key budgets (tokens or USD per day / week / month / total, UTC periods
// from limits/budget-period.ts). A request is admitted when its estimate fits:
//     spent + reserved + estimate ≤ budget
// (spent: the period's committed spend; reserved: the estimates of this
// process's requests in flight) and then reserves its estimate; commit swaps
// the reservation for the actual amount (one atomic KeySpendRepository.add),
// cancel drops it.
//
// Guarantee (one process; B the budget, in its unit; e/a the estimate/actual
// of a request):
//     final spend ≤ B + Σ max(0, a_j − e_j)   over the requests j admitted
// so when estimates are upper bounds (input + requested max output, at the
// model's prices: see governance/budget-estimate.ts) the budget is never
// exceeded, however many requests run concurrently; when they are not, the
// overshoot is what the requests under-reserved (with a concurrency limit C:
// at most C requests' excess at a time).
// Several replicas each reserve only their own requests and see each other's
// commits after at most `refreshTtlMs`: add (replicas − 1) × in-flight per
// replica plus the spend committed within one TTL.
//
// Spend is cached per key and period: loaded once (concurrent first checks share
// one read), then known exactly in this process: commits are counted the moment
// they are made and reach the store one add at a time (spend-entry.ts). The
// cache is re-read in the background when older than refreshTtlMs (only while
// no add is in flight, so the read cannot double-count one). flush() sends
// what failed adds left queued.
import { GatewayError } from '../../domain/gateway-error.js';
import type { BudgetRecord } from '../../domain/virtual-key.js';
import { budgetPeriodAt } from './budget-period.js';
import { BudgetExceededError } from './limit-errors.js';
import { refusalMessage } from './budget-refusal.js';
import { absorb, newSpendEntry, noop, reservedIn, schedule, spentIn, spentTokens, spentUsd, type SpendEntry } from './spend-entry.js';
import type { BudgetAmounts, BudgetGuard, BudgetGuardOptions, BudgetReservation, BudgetSpend } from './budget-types.js';

export type { BudgetAmounts, BudgetGuard, BudgetGuardOptions, BudgetReservation, BudgetSpend } from './budget-types.js';
export { formatUsd } from './budget-refusal.js';

interface Reservation extends BudgetReservation {
  readonly entry: SpendEntry | null;
  done: boolean;
}

const USD_EPSILON = 1e-9;

export function createBudgetGuard(options: BudgetGuardOptions): BudgetGuard {
  const repository = options.spend;
  const now = options.now ?? Date.now;
  const refreshTtl = options.refreshTtlMs ?? 5_000;
  const idleMs = options.idleMs ?? 10 * 60_000;
  const maxEntries = options.maxEntries ?? 100_000;
  const onError = options.onError ?? noop;
  const entries = new Map<string, SpendEntry>();
  let nextSweep = now() + idleMs;

  const storageKey = (keyId: string, periodId: string) => `${keyId}\u0000${periodId}`;

  const isIdle = (entry: SpendEntry, at: number) =>
    entry.loading === null &&
    entry.writesOutstanding === 0 &&
    entry.reservedTokens === 0 &&
    entry.reservedUsd === 0 &&
    entry.queuedTokens === 0 &&
    entry.queuedUsd === 0 &&
    (at - entry.lastUsed >= idleMs || (entry.period.end !== null && at >= entry.period.end));

  const sweep = (at: number) => {
    for (const [id, entry] of entries) if (isIdle(entry, at)) entries.delete(id);
  };

  /** The entry of the key's current budget period (its `lastUsed` is now). */
  const entryFor = (keyId: string, budget: BudgetRecord): SpendEntry => {
    const at = now();
    const period = budgetPeriodAt(budget.period, at);
    if (entries.size >= maxEntries) {
      // Over the bound: drop every entry without local state, however recent (it reloads when needed).
      sweep(Number.POSITIVE_INFINITY);
    } else if (at >= nextSweep) {
      nextSweep = at + idleMs;
      sweep(at);
    }
    const id = storageKey(keyId, period.id);
    let entry = entries.get(id);
    if (!entry) {
      const created = newSpendEntry(keyId, period, at);
      created.loading = repository.get(keyId, period.id).then(
        (row) => {
          absorb(created, row);
          created.loadedAt = now();
          created.loading = null;
        },
        (error: unknown) => {
          // Not cached: the next check tries again.
          if (entries.get(id) === created) entries.delete(id);
          throw new GatewayError('unavailable', 'the key\'s budget spend cannot be read right now', { retryable: true, cause: error });
        },
      );
      entries.set(id, created);
      entry = created;
    }
    entry.lastUsed = at;
    return entry;
  };

  /**
   * The first load of a key+period to wait for, or null when the cached spend can be
   * used right away (refreshing it in the background once older than the TTL). Not
   * async on purpose: a check of a loaded key decides in the same tick it is called.
   */
  const pendingLoad = (entry: SpendEntry): Promise<void> | null => {
    const at = entry.lastUsed; // now: entryFor has just set it
    if (entry.loading) return entry.loading;
    if (!entry.refreshing && entry.writesOutstanding === 0 && at - entry.loadedAt >= refreshTtl) {
      // Stale-while-revalidate: this check uses what is known; later ones see the refresh.
      entry.refreshing = true;
      const writesBefore = entry.writesStarted;
      repository.get(entry.keyId, entry.period.id).then(
        (row) => {
          // An add that overlapped the read may or may not be in it: its own totals will tell.
          if (entry.writesStarted === writesBefore) absorb(entry, row);
          entry.loadedAt = now();
          entry.refreshing = false;
        },
        () => {
          entry.refreshing = false; // keep the cached spend; retried at the next check
        },
      );
    }
    return null;
  };

  const freeReservation = (reservation: Reservation): SpendEntry | null => {
    if (reservation.done) return null;
    reservation.done = true;
    const entry = reservation.entry;
    if (!entry) return null;
    entry.reservedTokens = clampZero(entry.reservedTokens - reservation.reserved.tokens);
    entry.reservedUsd = clampZero(entry.reservedUsd - reservation.reserved.costUsd);
    return entry;
  };

  return {
    async check(key, estimate) {
      const budget = key.budget;
      if (!budget) return inert(key.id);
      const entry = entryFor(key.id, budget);
      const { period } = entry;
      const loading = pendingLoad(entry);
      if (loading) await loading;
      // From here to the reservation: synchronous, so concurrent checks are serialised.
      const spent = spentIn(entry, budget.unit);
      const reserved = reservedIn(entry, budget.unit);
      const amounts = { tokens: nonNegative(estimate.tokens), costUsd: nonNegative(estimate.costUsd) };
      const requested = budget.unit === 'usd' ? amounts.costUsd : amounts.tokens;
      const epsilon = budget.unit === 'usd' ? USD_EPSILON : 0;
      // Exhausted, or this request's reservation does not fit in what is left.
      if (spent + reserved >= budget.amount - epsilon || spent + reserved + requested > budget.amount + epsilon) {
        throw new BudgetExceededError(refusalMessage(budget, { spent, reserved, requested }), {
          unit: budget.unit,
          spent,
          reserved,
          requested,
          budget: budget.amount,
          resetsAt: period.end,
        });
      }
      entry.reservedTokens += amounts.tokens;
      entry.reservedUsd += amounts.costUsd;
      const reservation: Reservation = { keyId: key.id, periodId: period.id, reserved: amounts, entry, done: false };
      return reservation;
    },

    async commit(handle, actual) {
      const reservation = handle as Reservation;
      const entry = freeReservation(reservation);
      if (!entry) return;
      const tokens = Math.ceil(nonNegative(actual.tokens));
      const usd = nonNegative(actual.costUsd);
      if (tokens === 0 && usd === 0) return; // a cache hit: nothing spent, nothing written
      // Counted at once, before the write: the next check already sees it.
      entry.queuedTokens += tokens;
      entry.queuedUsd += usd;
      await schedule(repository, entry).catch(onError);
    },

    cancel(handle) {
      freeReservation(handle as Reservation);
    },

    async spendOf(key) {
      const budget = key.budget;
      if (!budget) return null;
      const entry = entryFor(key.id, budget);
      const { period } = entry;
      const loading = pendingLoad(entry);
      if (loading) await loading;
      const spent = spentIn(entry, budget.unit);
      return {
        unit: budget.unit,
        period: budget.period,
        periodId: period.id,
        budget: budget.amount,
        spent,
        reserved: reservedIn(entry, budget.unit),
        remaining: Math.max(0, budget.amount - spent),
        tokens: spentTokens(entry),
        costUsd: spentUsd(entry),
        resetsAt: period.end,
      };
    },

    invalidate(keyId) {
      for (const [id, entry] of entries) {
        if (keyId !== undefined && entry.keyId !== keyId) continue;
        // Keep entries that carry local state (reservations, unsent spend); re-read them instead.
        if (isIdle(entry, Number.POSITIVE_INFINITY)) entries.delete(id);
        else entry.loadedAt = Number.NEGATIVE_INFINITY;
      }
    },

    async flush() {
      const pending: Promise<void>[] = [];
      for (const entry of entries.values()) {
        if (entry.queuedTokens !== 0 || entry.queuedUsd !== 0) pending.push(schedule(repository, entry));
        else if (entry.writesOutstanding > 0) pending.push(entry.tail);
      }
      const results = await Promise.allSettled(pending);
      const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failure) throw failure.reason;
    },
  };
}

function inert(keyId: string): Reservation {
  return { keyId, periodId: '', reserved: { tokens: 0, costUsd: 0 }, entry: null, done: false };
}

function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function clampZero(value: number): number {
  return value > USD_EPSILON ? value : 0;
}
