// The governance step of the key's rate limits: admitted up front (the
// estimate counted; an exhausted budget refused too), reconciled with the
// tokens the call used — also a call cut short that consumed some (the
// partial usage of a stream the client left or the upstream broke) — and
// given back when the call used nothing. A refused chat call takes the plan it
// would have had, for its metrics' labels (refused-call-plan.ts).
import { hasRateLimits } from '../limits/rate-limiter.js';
import { admit, estimateChatTokens, type AdmissionControl } from './admission.js';
import { consumedBy } from './consumption.js';
import type { CallOutcome, GovernanceStep, GovernedCall, StepRun } from './governance-step.js';
import type { RefusedCallPlanner } from './refused-call-plan.js';

export function limitsStep(control: AdmissionControl, planRefused?: RefusedCallPlanner): GovernanceStep {
  return {
    enter(call, outcome) {
      // A key without limits or a budget has nothing to admit or settle: no promise on its every request.
      if (!hasRateLimits(call.key) && !call.key.budget) return undefined;
      return admitted(control, call, outcome, planRefused);
    },
  };
}

async function admitted(control: AdmissionControl, call: GovernedCall, outcome: CallOutcome, planRefused?: RefusedCallPlanner): Promise<StepRun> {
  // Embeddings are counted as requests; their tokens are settled from usage.
  const estimate = call.operation === 'chat' ? estimateChatTokens(call.request, call.key) : 0;
  let ticket: Awaited<ReturnType<typeof admit>>;
  try {
    ticket = await admit(control, call.key, estimate, outcome.report);
  } catch (error) {
    if (call.operation === 'chat') call.plan ??= planRefused?.(call);
    throw error;
  }
  return {
    end(ended) {
      const consumed = consumedBy(ended);
      if (consumed) ticket.settle(consumed.tokens);
      else ticket.release();
      if (ended.report.limits) ended.report.limits = ticket.state();
    },
  };
}
