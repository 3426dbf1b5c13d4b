// Per-key budgets (tokens or USD per day / week / month / total, UTC periods
// from usage-log/budget-period.ts). A request is admitted while
//     spent + reserved < budget
// (spent: the period's committed spend; reserved: the estimates of this
// process's requests in flight) and then reserves its own estimate; commit
// swaps the reservation for the actual amount (one atomic
// KeySpendRepository.add), cancel drops it.
//
// Guarantee (one process; B the budget, in its unit): let k be the last
// request admitted in the period, F the requests in flight when it was
// admitted, e/a the estimate/actual of a request. Then
//     final spend < B + a_k + Σ_{j∈F} max(0, a_j − e_j)
// so when estimates are upper bounds (input + requested max output, its price)
// the overshoot is less than ONE request, however many run concurrently; when
// they are not, it is at most what the requests in flight at the crossing
// under-reserved (with a concurrency limit C: at most C requests' worth).
// Several replicas each reserve only their own requests and see each other's
// commits after at most `refreshTtlMs`: add (replicas − 1) × in-flight per
// replica plus the spend committed within one TTL.
//
// Spend is cached per key and period: loaded once (concurrent first checks share
// one read), then known exactly in this process: commits are counted the moment
// they are made, and the adds reach the store ONE AT A TIME per key and period
// (commits arriving meanwhile are batched into the next add), so every total an
// add returns contains exactly this process's earlier adds plus whatever other
// replicas added, and is taken as is. The cache is re-read in the background
// when older than refreshTtlMs (only while no add is in flight, so the read
// cannot double-count one). A failed add stays counted and queued, and goes out
// with the next add of that key and period, or with flush().
import type { KeySpendRecord } from '../../domain/key-spend.js';
import type { BudgetRecord } from '../../domain/virtual-key.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { budgetPeriodAt, type BudgetPeriod } from '../usage-log/budget-period.js';
import { BudgetExceededError } from './limit-errors.js';
import { refusalMessage } from './budget-refusal.js';
import type { BudgetAmounts, BudgetGuard, BudgetGuardOptions, BudgetReservation, BudgetSpend } from './budget-types.js';

export type { BudgetAmounts, BudgetGuard, BudgetGuardOptions, BudgetReservation, BudgetSpend } from './budget-types.js';
export { formatUsd } from './budget-refusal.js';

interface SpendEntry {
  readonly keyId: string;
  readonly period: BudgetPeriod;
  /** The period's totals as the store last reported them. */
  storedTokens: number;
  storedUsd: number;
  /** Committed here, waiting for the next add (including adds that failed). */
  queuedTokens: number;
  queuedUsd: number;
  /** Committed here, in the add now in flight. */
  sendingTokens: number;
  sendingUsd: number;
  reservedTokens: number;
  reservedUsd: number;
  /** The last add scheduled (adds run strictly one after the other). */
  tail: Promise<void>;
  /** An add scheduled but not started yet: it will carry everything queued by then. */
  nextBatch: Promise<void> | null;
  /** Adds scheduled and not yet settled. */
  writesOutstanding: number;
  /** Counts the adds started, so a background read can tell whether one overlapped it. */
  writesStarted: number;
  loadedAt: number;
  lastUsed: number;
  loading: Promise<void> | null;
  refreshing: boolean;
}

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

  const absorb = (entry: SpendEntry, row: KeySpendRecord | null) => {
    if (!row) return;
    entry.storedTokens = Math.max(entry.storedTokens, row.tokens);
    entry.storedUsd = Math.max(entry.storedUsd, row.costUsd);
  };

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

  const entryFor = (keyId: string, period: BudgetPeriod, at: number): SpendEntry => {
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
      const created: SpendEntry = {
        keyId,
        period,
        storedTokens: 0,
        storedUsd: 0,
        queuedTokens: 0,
        queuedUsd: 0,
        sendingTokens: 0,
        sendingUsd: 0,
        reservedTokens: 0,
        reservedUsd: 0,
        tail: Promise.resolve(),
        nextBatch: null,
        writesOutstanding: 0,
        writesStarted: 0,
        loadedAt: at,
        lastUsed: at,
        loading: null,
        refreshing: false,
      };
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
  const pendingLoad = (entry: SpendEntry, at: number): Promise<void> | null => {
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

  const spentTokens = (entry: SpendEntry) => entry.storedTokens + entry.sendingTokens + entry.queuedTokens;
  const spentUsd = (entry: SpendEntry) => entry.storedUsd + entry.sendingUsd + entry.queuedUsd;
  const spentIn = (entry: SpendEntry, unit: BudgetRecord['unit']) => (unit === 'usd' ? spentUsd(entry) : spentTokens(entry));
  const reservedIn = (entry: SpendEntry, unit: BudgetRecord['unit']) => (unit === 'usd' ? entry.reservedUsd : entry.reservedTokens);

  const freeReservation = (reservation: Reservation): SpendEntry | null => {
    if (reservation.done) return null;
    reservation.done = true;
    const entry = reservation.entry;
    if (!entry) return null;
    entry.reservedTokens = clampZero(entry.reservedTokens - reservation.reserved.tokens);
    entry.reservedUsd = clampZero(entry.reservedUsd - reservation.reserved.costUsd);
    return entry;
  };

  /** Sends everything queued in one add. Only ever called when no other add of the entry is in flight. */
  const sendQueued = async (entry: SpendEntry): Promise<void> => {
    const tokens = entry.queuedTokens;
    const usd = entry.queuedUsd;
    if (tokens === 0 && usd === 0) return;
    entry.queuedTokens = 0;
    entry.queuedUsd = 0;
    entry.sendingTokens = tokens;
    entry.sendingUsd = usd;
    entry.writesStarted += 1;
    try {
      const totals = await repository.add(entry.keyId, entry.period.id, tokens, usd);
      // Sequential adds: these totals hold all of this process's earlier adds, this one, and other replicas'.
      absorb(entry, totals);
    } catch (error) {
      entry.queuedTokens += tokens; // still counted; goes out with the next add
      entry.queuedUsd += usd;
      throw error;
    } finally {
      entry.sendingTokens = 0;
      entry.sendingUsd = 0;
    }
  };

  /**
   * Resolves once what is queued now has been added to the store (rejects if that add
   * fails). Adds of one entry form a chain: a commit joins the batch waiting to start,
   * or schedules a new one after the add in flight.
   */
  const schedule = (entry: SpendEntry): Promise<void> => {
    if (entry.nextBatch) return entry.nextBatch;
    entry.writesOutstanding += 1;
    const batch = entry.tail.then(noop, noop).then(() => {
      entry.nextBatch = null;
      return sendQueued(entry);
    });
    const settled = () => {
      entry.writesOutstanding -= 1;
    };
    batch.then(settled, settled);
    entry.nextBatch = batch;
    entry.tail = batch;
    return batch;
  };

  return {
    async check(key, estimate) {
      const budget = key.budget;
      if (!budget) return inert(key.id);
      const at = now();
      const period = budgetPeriodAt(budget.period, at);
      const entry = entryFor(key.id, period, at);
      const loading = pendingLoad(entry, at);
      if (loading) await loading;
      // From here to the reservation: synchronous, so concurrent checks are serialised.
      const spent = spentIn(entry, budget.unit);
      const reserved = reservedIn(entry, budget.unit);
      const epsilon = budget.unit === 'usd' ? USD_EPSILON : 0;
      if (spent + reserved >= budget.amount - epsilon) {
        throw new BudgetExceededError(refusalMessage(budget, spent, reserved), {
          unit: budget.unit,
          spent,
          reserved,
          budget: budget.amount,
          resetsAt: period.end,
        });
      }
      const amounts = { tokens: nonNegative(estimate.tokens), costUsd: nonNegative(estimate.costUsd) };
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
      await schedule(entry).catch(onError);
    },

    cancel(handle) {
      freeReservation(handle as Reservation);
    },

    async spendOf(key) {
      const budget = key.budget;
      if (!budget) return null;
      const at = now();
      const period = budgetPeriodAt(budget.period, at);
      const entry = entryFor(key.id, period, at);
      const loading = pendingLoad(entry, at);
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
        if (entry.queuedTokens !== 0 || entry.queuedUsd !== 0) pending.push(schedule(entry));
        else if (entry.writesOutstanding > 0) pending.push(entry.tail);
      }
      const results = await Promise.allSettled(pending);
      const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failure) throw failure.reason;
    },
  };
}

function noop(): void {}

function inert(keyId: string): Reservation {
  return { keyId, periodId: '', reserved: { tokens: 0, costUsd: 0 }, entry: null, done: false };
}

function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function clampZero(value: number): number {
  return value > USD_EPSILON ? value : 0;
}
