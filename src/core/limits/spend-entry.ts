// One key's spend in one budget period, as this process knows it, and the
// chain of adds that sends its commits to the store: ONE add at a time per key
// and period (commits arriving meanwhile are batched into the next add), so
// every total an add returns contains exactly this process's earlier adds plus
// whatever other replicas added, and is taken as is. A failed add stays
// counted and queued, and goes out with the next add of that key and period.
import type { KeySpendRecord, KeySpendRepository } from '../../domain/key-spend.js';
import type { BudgetRecord } from '../../domain/virtual-key.js';
import type { BudgetPeriod } from './budget-period.js';

export interface SpendEntry {
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

export function newSpendEntry(keyId: string, period: BudgetPeriod, at: number): SpendEntry {
  return {
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
}

/** Takes the store's totals (never below what is known: a read may predate an add). */
export function absorb(entry: SpendEntry, row: KeySpendRecord | null): void {
  if (!row) return;
  entry.storedTokens = Math.max(entry.storedTokens, row.tokens);
  entry.storedUsd = Math.max(entry.storedUsd, row.costUsd);
}

export const spentTokens = (entry: SpendEntry) => entry.storedTokens + entry.sendingTokens + entry.queuedTokens;
export const spentUsd = (entry: SpendEntry) => entry.storedUsd + entry.sendingUsd + entry.queuedUsd;
export const spentIn = (entry: SpendEntry, unit: BudgetRecord['unit']) => (unit === 'usd' ? spentUsd(entry) : spentTokens(entry));
export const reservedIn = (entry: SpendEntry, unit: BudgetRecord['unit']) => (unit === 'usd' ? entry.reservedUsd : entry.reservedTokens);

/** Sends everything queued in one add. Only ever called when no other add of the entry is in flight. */
async function sendQueued(repository: Pick<KeySpendRepository, 'add'>, entry: SpendEntry): Promise<void> {
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
}

/**
 * Resolves once what is queued now has been added to the store (rejects if that add
 * fails). Adds of one entry form a chain: a commit joins the batch waiting to start,
 * or schedules a new one after the add in flight.
 */
export function schedule(repository: Pick<KeySpendRepository, 'add'>, entry: SpendEntry): Promise<void> {
  if (entry.nextBatch) return entry.nextBatch;
  entry.writesOutstanding += 1;
  // A batch starts a loop turn later, so the commits of the requests finishing in this turn join it: a
  // store that answers at once (SQLite, synchronous) would otherwise take one upsert per request.
  const batch = entry.tail.then(noop, noop).then(nextTurn).then(() => {
    entry.nextBatch = null;
    return sendQueued(repository, entry);
  });
  const settled = () => {
    entry.writesOutstanding -= 1;
  };
  batch.then(settled, settled);
  entry.nextBatch = batch;
  entry.tail = batch;
  return batch;
}

export function noop(): void {}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
