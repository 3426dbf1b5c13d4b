/** Spend of one key in one budget period (e.g. 'month:2026-11', 'total'). */
export interface KeySpendRecord {
  keyId: string;
  period: string;
  tokens: number;
  costUsd: number;
}

export interface KeySpendRepository {
  get(keyId: string, period: string): Promise<KeySpendRecord | null>;
  /** Atomically adds to the period's counters (creating the row), returns the new totals. */
  add(keyId: string, period: string, tokens: number, costUsd: number): Promise<KeySpendRecord>;
  /**
   * Atomically raises each of the period's counters to at least the amount given (creating the row), never
   * lowering one; returns the new totals. Seeds a budget period with what the key spent before it had it.
   */
  raiseTo(keyId: string, period: string, tokens: number, costUsd: number): Promise<KeySpendRecord>;
}
