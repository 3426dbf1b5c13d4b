// The contract of budget reservations shared by every replica (implemented over
// Redis in src/redis/redis-budget-ledger.ts): one atomic admission per request
// against the period's spend and every replica's reservations in flight.
export interface LedgerReserveRequest {
  keyId: string;
  periodId: string;
  unit: 'tokens' | 'usd';
  budget: number;
  /** The period's spend as this replica knows it (the durable store's total plus its own commits). */
  knownSpent: number;
  /** This request's worst case, in `unit`. */
  amount: number;
}

export interface LedgerAnswer {
  admitted: boolean;
  /** The period's spend across replicas (never below `knownSpent`). */
  spent: number;
  /** Reserved by every replica's requests in flight (before this one). */
  reserved: number;
  /** Set when admitted: give it to settle() exactly once. */
  reservation?: LedgerReservation;
}

export interface LedgerReservation {
  /**
   * Swaps the reservation for what was spent (0: dropped). Resolves once the store has it (so that a
   * commit that waits for it is seen by every replica's next check), or once a failure was reported.
   * Never rejects.
   */
  settle(spent: number): Promise<void>;
}

export interface SharedBudgetLedger {
  /** Rejects when the store cannot answer (the caller applies the failure policy). */
  reserve(request: LedgerReserveRequest): Promise<LedgerAnswer>;
}
