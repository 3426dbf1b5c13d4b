// What an attempt reserves of a tokens-per-minute quota: the request's input
// (the gateway's tokenizer) plus its max output, computed only for targets
// whose provider or model limits tokens (tokenizing is not free on the hot path).
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import { countChatTokens } from '../completion/count-tokens.js';
import type { PlannedTarget } from '../routing/route-plan.js';

const limitsTokens = (target: PlannedTarget) => (target.provider.record.quota?.tokensPerMinute ?? 0) > 0 || (target.model.quota?.tokensPerMinute ?? 0) > 0;

export function chatQuotaTokens(request: ChatRequest): (target: PlannedTarget) => number {
  return (target) => (limitsTokens(target) ? countChatTokens(request, target.target.upstreamModel).tokens + (request.maxOutputTokens ?? 0) : 0);
}

/** The tokens an answer used, when the upstream reported usage. */
export function usedTokensOf(value: { usage?: Usage | undefined }): number | undefined {
  return value.usage ? value.usage.inputTokens + value.usage.outputTokens : undefined;
}
