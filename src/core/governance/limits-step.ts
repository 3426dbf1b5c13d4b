// The governance step of the key's rate limits and budget: admitted up front
// (the estimate counted), settled with what the answer used (cache hits are
// free), given back when the call failed or the client left.
import type { Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import { abandon, admit, estimateChatTokens, settle, type AdmissionControl } from './admission.js';
import type { GovernanceStep } from './governance-step.js';

const spentOf = (usage: Usage | undefined, cacheHit: boolean) =>
  cacheHit || !usage ? { tokens: 0, costUsd: 0 } : { tokens: usage.inputTokens + usage.outputTokens, costUsd: usage.costUsd };

export function limitsStep(control: AdmissionControl): GovernanceStep {
  return {
    async enter(call, outcome) {
      // Embeddings are counted as requests; their tokens are settled from usage.
      const estimate = call.operation === 'chat' ? estimateChatTokens(call.request, call.key) : 0;
      const admission = await admit(control, call.key, estimate, outcome.report);
      return {
        end(ended) {
          if (ended.status === 'ok') settle(control, admission, spentOf(ended.usage, ended.cacheHit), ended.report);
          else abandon(control, admission);
        },
      };
    },
  };
}
