// Budgets across replicas: the local guard (core/limits/budget-guard.ts) still
// loads, caches and durably commits the spend (the database stays the record);
// the ledger adds one atomic admission shared by every replica, counting every
// replica's reservations in flight and commits as they happen. So N replicas ×
// M concurrent requests cannot overspend a key more than one replica can: the
// overshoot stays Σ max(0, actual − estimate) of the requests admitted.
// A reservation is a lease (see the ledger), so a dead replica's reservations
// free themselves. While the store is away: 'open' falls back to each
// replica's own guard, 'closed' refuses keys with a budget (503).
import { GatewayError } from '../../domain/gateway-error.js';
import type { BudgetAmounts, BudgetGuard, BudgetReservation } from '../limits/budget-types.js';
import { refusalMessage } from '../limits/budget-refusal.js';
import { BudgetExceededError } from '../limits/limit-errors.js';
import type { LedgerReservation, SharedBudgetLedger } from './shared-budget-ledger.js';
import type { SharedStoreHealth } from './shared-store-health.js';

export interface SharedBudgetGuardOptions {
  local: BudgetGuard;
  ledger: SharedBudgetLedger;
  health: SharedStoreHealth;
  mode: 'open' | 'closed';
}

interface SharedReservation extends BudgetReservation {
  readonly local: BudgetReservation;
  readonly unit: 'tokens' | 'usd';
  readonly shared: LedgerReservation | undefined;
}

const inUnit = (unit: 'tokens' | 'usd', amounts: BudgetAmounts) => (unit === 'usd' ? amounts.costUsd : amounts.tokens);

export function createSharedBudgetGuard(options: SharedBudgetGuardOptions): BudgetGuard {
  const { local, ledger, health, mode } = options;

  const fallBack = (reservation: BudgetReservation, error: unknown): void => {
    health.fellBack('budgets', error);
    if (mode === 'closed') {
      local.cancel(reservation);
      throw new GatewayError('unavailable', 'the key\'s budget cannot be checked (shared store unreachable); retry', { retryable: true });
    }
  };

  return {
    async check(key, estimate) {
      // The local check first: it loads the spend, and refuses at once what cannot fit even here.
      const reservation = await local.check(key, estimate);
      const budget = key.budget;
      if (!budget) return reservation;
      const wrap = (shared: LedgerReservation | undefined): SharedReservation => ({ ...reservation, local: reservation, unit: budget.unit, shared });
      if (!health.worthTrying()) {
        health.skipped('budgets');
        if (mode === 'closed') fallBack(reservation, new Error('shared store unreachable'));
        return wrap(undefined);
      }
      const known = await local.spendOf(key);
      const requested = inUnit(budget.unit, reservation.reserved);
      let answer;
      try {
        answer = await ledger.reserve({
          keyId: key.id,
          periodId: reservation.periodId,
          unit: budget.unit,
          budget: budget.amount,
          knownSpent: known?.spent ?? 0,
          amount: requested,
        });
      } catch (error) {
        fallBack(reservation, error);
        return wrap(undefined);
      }
      health.succeeded();
      if (!answer.admitted) {
        local.cancel(reservation);
        const amounts = { spent: answer.spent, reserved: answer.reserved, requested };
        throw new BudgetExceededError(refusalMessage(budget, amounts), {
          unit: budget.unit,
          ...amounts,
          budget: budget.amount,
          resetsAt: known?.resetsAt ?? null,
        });
      }
      return wrap(answer.reservation);
    },
    async commit(handle, actual) {
      const reservation = handle as SharedReservation;
      if (!reservation.local) return local.commit(handle, actual);
      // Resolved once Redis has the spend too: every replica's next check sees it.
      await Promise.all([reservation.shared?.settle(inUnit(reservation.unit, actual)), local.commit(reservation.local, actual)]);
    },
    cancel(handle) {
      const reservation = handle as SharedReservation;
      if (!reservation.local) return local.cancel(handle);
      void reservation.shared?.settle(0);
      local.cancel(reservation.local);
    },
    spendOf: (key) => local.spendOf(key),
    invalidate: (keyId) => local.invalidate(keyId),
    flush: () => local.flush(),
  };
}
