// What a chat request may cost at most, reserved against the key's budget
// before the upstream call: its input tokens (counted with the tokenizer) plus
// its maximum output — the request's own max output tokens, else a default —
// at the highest prices among the targets that may serve it (a failover can
// land on the dearest). Input is priced at the higher of the input and
// cache-write rates (a prompt-caching write costs more than a plain read).
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { BudgetAmounts } from '../limits/budget-types.js';
import { countChatTokens } from '../completion/count-tokens.js';
import type { RoutePlan } from '../routing/route-plan.js';
import type { InputEstimate } from './request-facts.js';
import { pricesFor } from '../usage/price-table.js';

/** The worst case, and its input count (which the metrics reuse: see request-facts.ts). */
export function worstCaseOfChat(request: ChatRequest, plan: RoutePlan, defaultOutputTokens: number): BudgetAmounts & { input: InputEstimate } {
  const first = plan.targets[0];
  const countedFor = first ? first.target.upstreamModel : request.model;
  const inputTokens = countChatTokens(request, countedFor).tokens;
  const outputTokens = request.maxOutputTokens ?? defaultOutputTokens;
  let costUsd = 0;
  for (const planned of plan.targets) {
    const prices = pricesFor(planned.model);
    if (!prices) continue;
    const inputRate = Math.max(prices.inputPerMillion, prices.cacheWritePerMillion);
    costUsd = Math.max(costUsd, (inputTokens * inputRate + outputTokens * prices.outputPerMillion) / 1_000_000);
  }
  return { tokens: inputTokens + outputTokens, costUsd, input: { tokens: inputTokens, upstreamModel: countedFor } };
}
