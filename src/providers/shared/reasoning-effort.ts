// The canonical reasoning efforts as names and as thinking budgets, shared
// by every adapter (docs/provider-wire-formats.md, "Reasoning effort and
// thinking budgets"; the values LiteLLM uses).
import { ReasoningEffort } from '../../../gen/llmgateway/v1/chat_pb.js';

export const EFFORT_NAMES: Partial<Record<ReasoningEffort, string>> = {
  [ReasoningEffort.NONE]: 'none',
  [ReasoningEffort.MINIMAL]: 'minimal',
  [ReasoningEffort.LOW]: 'low',
  [ReasoningEffort.MEDIUM]: 'medium',
  [ReasoningEffort.HIGH]: 'high',
  [ReasoningEffort.XHIGH]: 'xhigh',
  [ReasoningEffort.MAX]: 'max',
};

/** Thinking budget in tokens per effort; NONE is 0 (thinking off). */
export const EFFORT_BUDGET_TOKENS: Partial<Record<ReasoningEffort, number>> = {
  [ReasoningEffort.NONE]: 0,
  [ReasoningEffort.MINIMAL]: 128,
  [ReasoningEffort.LOW]: 1024,
  [ReasoningEffort.MEDIUM]: 2048,
  [ReasoningEffort.HIGH]: 4096,
  [ReasoningEffort.XHIGH]: 8192,
  [ReasoningEffort.MAX]: 16384,
};
