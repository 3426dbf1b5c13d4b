// The budget guard's contract: what callers pass, get back and can ask.
import type { KeySpendRepository } from '../../domain/key-spend.js';
import type { BudgetRecord, VirtualKeyRecord } from '../../domain/virtual-key.js';

export interface BudgetAmounts {
  /** Input + output tokens. */
  tokens: number;
  costUsd: number;
}

/** What check() hands back; give it to commit() or cancel() exactly once (repeats are ignored). */
export interface BudgetReservation {
  readonly keyId: string;
  /** The period the request was admitted in and is charged to ('' for a key without budget). */
  readonly periodId: string;
  readonly reserved: Readonly<BudgetAmounts>;
}

export interface BudgetSpend {
  unit: BudgetRecord['unit'];
  period: BudgetRecord['period'];
  periodId: string;
  /** The budget amount, in `unit`. */
  budget: number;
  /** Committed spend of the period, in `unit` (includes commits not yet confirmed by the store). */
  spent: number;
  /** Reserved by requests in flight in this process, in `unit`. */
  reserved: number;
  /** max(0, budget − spent). */
  remaining: number;
  /** Both counters of the period, whatever the unit. */
  tokens: number;
  costUsd: number;
  /** Epoch ms when the period ends; null for 'total'. */
  resetsAt: number | null;
}

export interface BudgetGuard {
  /**
   * Refuses with BudgetExceededError (reason 'budget') when the period's spend plus
   * the reservations in flight already reached the budget; otherwise reserves the
   * estimate. Keys without budget get an inert reservation (no store access).
   * Rejects with GatewayError('unavailable') when the spend cannot be loaded (fail closed).
   */
  check(key: VirtualKeyRecord, estimate: BudgetAmounts): Promise<BudgetReservation>;
  /**
   * Adds the actual usage to the period's spend (KeySpendRepository.add) and frees the
   * reservation. Zero usage (a cache hit) consumes nothing and writes nothing. The local
   * accounting happens synchronously at the call (the next check already counts it); the
   * promise resolves when the add carrying it is written (batched with concurrent commits,
   * one add at a time per key and period) or has failed. It never rejects: a failed add
   * goes to `onError`, stays counted and queued, and is sent with the next add or flush().
   */
  commit(reservation: BudgetReservation, actual: BudgetAmounts): Promise<void>;
  /** Frees the reservation without spending (request refused later or failed before any usage). */
  cancel(reservation: BudgetReservation): void;
  /** The key's budget and spend for the current period; null when the key has no budget. */
  spendOf(key: VirtualKeyRecord): Promise<BudgetSpend | null>;
  /** Forgets cached spend (a key's or all): next check reads the store again. */
  invalidate(keyId?: string): void;
  /** Sends everything still queued (failed adds) and waits for adds in flight; rejects with the first error (shutdown, tests). */
  flush(): Promise<void>;
}

export interface BudgetGuardOptions {
  spend: Pick<KeySpendRepository, 'get' | 'add'>;
  now?: () => number;
  /** Cached spend older than this is re-read in the background (other replicas' commits). */
  refreshTtlMs?: number;
  /** Cached periods untouched this long, with nothing reserved or unsent, are dropped. */
  idleMs?: number;
  /** Above this many cached key+period entries, idle ones are swept at once. */
  maxEntries?: number;
  /** A spend write failed (the amount is kept and retried); e.g. log it. */
  onError?: (error: unknown) => void;
}
