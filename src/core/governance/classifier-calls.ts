// The pipeline of an expert route's classifier calls (the LLM judge, the
// embedding model), made for a client's request with the client's key:
//   request-log-step  a row of its own (operation `classify`, the expert route's name), hence the
//                     request, token and cost metrics, and a failed judge in the log and the metrics
//   plan              the classifier's model is the gateway's choice, like the experts' targets: it
//                     is planned without the key's allowed-model check
//   budget-step       the call's worst case reserved, what it consumed charged to the key's spend
// Not the key's rate limits: the client's request, admitted already, is the one request they count
// (its requests per minute and concurrency slot, and the tokens of its own answer). Not the response
// cache (the classifier has its decision cache) nor prompt rules (they rewrite the client's prompt).
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { CompletionCore } from '../completion/completion-core.js';
import type { BudgetGuard } from '../limits/budget-guard.js';
import { budgetStep } from './budget-step.js';
import { composeGovernance } from './governed-completion.js';
import type { GovernanceStep } from './governance-step.js';
import type { RequestRecorder } from './request-facts.js';
import { requestLogStep } from './request-log-step.js';

export interface ClassifierCallOptions {
  /** The plain pipeline. */
  core: CompletionCore;
  log: RequestRecorder;
  budgets: BudgetGuard;
  /** Output tokens a budget reserves for a call that sets no maximum. */
  budgetOutputReserveTokens: number;
  now?: () => number;
}

/** complete() and embed() for the classifiers (core/experts/core-adapters.ts), governed as above. */
export function classifierCalls(options: ClassifierCallOptions): Pick<CompletionCore, 'complete' | 'embed'> {
  const { core } = options;
  const now = options.now ?? Date.now;
  // The model a classifier call names comes from the route's configuration, never from the client.
  const granted: CompletionCore = { ...core, embed: (call) => core.embed({ ...call, accessGrantedFor: call.request.model }) };
  const steps = [
    requestLogStep({ log: options.log, now }),
    plannedWithAccess(core),
    budgetStep({ budgets: options.budgets, defaultOutputTokens: options.budgetOutputReserveTokens }),
  ];
  const governed = composeGovernance(granted, steps, now);
  return {
    complete: async (call) => (await governed.complete(call)).response,
    embed: async (call) => (await governed.embed(call)).response,
  };
}

/** The judge's plan (its prices for the budget's reservation, then the dispatch), the key's model list not applied. */
function plannedWithAccess(core: Pick<CompletionCore, 'plan'>): GovernanceStep {
  return {
    async enter(call) {
      if (call.operation !== 'chat') return undefined;
      const request: ChatRequest = call.request;
      call.plan = await core.plan({ request, key: call.key, signal: call.signal, context: call.context, accessGrantedFor: request.model });
      return undefined;
    },
  };
}
