// The governance step of the key's budget: after routing (the plan names the
// prices), the request reserves its worst case (governance/budget-estimate.ts)
// and is refused when that does not fit in what is left — unless the response
// cache answers it first (a hit costs nothing): then the refusal is left to the
// cache step, which serves a stored answer or refuses. When it ends, the
// reservation is swapped for what it consumed — the answer's usage, or the
// partial usage of a stream cut short — or dropped when it consumed nothing.
import type { BudgetAmounts, BudgetGuard, BudgetReservation } from '../limits/budget-guard.js';
import { countTextTokens, encodingFor } from '../completion/count-tokens.js';
import { worstCaseOfChat } from './budget-estimate.js';
import type { GovernanceStep, GovernedCall, StepRun } from './governance-step.js';
import { consumedBy } from './consumption.js';
import { BudgetExceededError } from '../limits/limit-errors.js';

export interface BudgetStepOptions {
  budgets: BudgetGuard;
  /** Output tokens reserved for a request that sets no maximum of its own. */
  defaultOutputTokens: number;
}

function worstCaseOf(call: GovernedCall, defaultOutputTokens: number): BudgetAmounts {
  if (call.operation === 'chat') {
    if (call.plan) {
      const worst = worstCaseOfChat(call.request, call.plan, defaultOutputTokens);
      call.inputEstimate = worst.input;
      return { tokens: worst.tokens, costUsd: worst.costUsd };
    }
    return { tokens: defaultOutputTokens, costUsd: 0 };
  }
  // Media calls reserve nothing up front (their units are known only from the answer): a key over its budget is
  // refused all the same, and the cost is charged after.
  if (call.operation !== 'embeddings') return { tokens: 0, costUsd: 0 };
  // Embeddings are not planned before dispatch: their input tokens are reserved, their (small) cost is charged after.
  const encoding = encodingFor(call.request.model);
  return { tokens: call.request.inputs.reduce((sum, text) => sum + countTextTokens(text, encoding), 0), costUsd: 0 };
}

export function budgetStep(options: BudgetStepOptions): GovernanceStep {
  const { budgets } = options;

  async function reserved(call: GovernedCall): Promise<StepRun | undefined> {
    let reservation: BudgetReservation;
    try {
      reservation = await budgets.check(call.key, worstCaseOf(call, options.defaultOutputTokens));
    } catch (error) {
      // Too little left for this request's worst case, but a hit costs nothing: the cache step decides.
      if (!(error instanceof BudgetExceededError) || call.operation !== 'chat' || call.cacheKey === undefined) throw error;
      call.refusedUnlessCached = error;
      return undefined;
    }
    return {
      end(outcome) {
        const consumed = consumedBy(outcome);
        if (consumed) void budgets.commit(reservation, consumed);
        else budgets.cancel(reservation);
      },
    };
  }

  return {
    enter(call) {
      // No budget: nothing to reserve, and no promise on the key's every request.
      if (!call.key.budget) return undefined;
      return reserved(call);
    },
  };
}
