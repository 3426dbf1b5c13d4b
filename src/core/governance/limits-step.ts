// The governance step of the key's rate limits: admitted up front (the
// estimate counted; an exhausted budget refused too), reconciled with the
// tokens the call used — also a call cut short that consumed some (the
// partial usage of a stream the client left or the upstream broke) — and
// given back when the call used nothing.
import { hasRateLimits } from '../limits/rate-limiter.js';
import { admit, estimateChatTokens, type AdmissionControl } from './admission.js';
import { consumedBy } from './consumption.js';
import type { CallOutcome, GovernanceStep, GovernedCall, StepRun } from './governance-step.js';

export function limitsStep(control: AdmissionControl): GovernanceStep {
  return {
    enter(call, outcome) {
      // A key without limits or a budget has nothing to admit or settle: no promise on its every request.
      if (!hasRateLimits(call.key) && !call.key.budget) return undefined;
      return admitted(control, call, outcome);
    },
  };
}

async function admitted(control: AdmissionControl, call: GovernedCall, outcome: CallOutcome): Promise<StepRun> {
  // Embeddings are counted as requests; their tokens are settled from usage.
  const estimate = call.operation === 'chat' ? estimateChatTokens(call.request, call.key) : 0;
  const ticket = await admit(control, call.key, estimate, outcome.report);
  return {
    end(ended) {
      const consumed = consumedBy(ended);
      if (consumed) ticket.settle(consumed.tokens);
      else ticket.release();
      if (ended.report.limits) ended.report.limits = ticket.state();
    },
  };
}
