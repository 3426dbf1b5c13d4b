// Reasoning config and max_tokens, decided together because Anthropic ties
// them: budget_tokens must be ≥ 1024 and < max_tokens, and max_tokens is
// required. Effort → budget per docs/provider-wire-formats.md, "Reasoning
// effort and thinking budgets".
//
// Manual thinking (`type: enabled`) is what every thinking-capable Claude
// model accepts; for adaptive-only models a client can send
// provider_options.thinking = {type:"adaptive"} plus output_config.effort,
// which replace this choice (see convert-request).
import { ReasoningEffort, type ChatRequest, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { defaultApplied, parameterAdjusted } from '../shared/warnings.js';
import type { AnthropicThinkingConfig } from './anthropic-client.js';
import { EFFORT_BUDGET_TOKENS } from '../shared/reasoning-effort.js';

export const MIN_THINKING_BUDGET = 1024;
export const DEFAULT_MAX_TOKENS = 4096;

export interface ConvertedReasoning {
  maxTokens: number;
  thinking: AnthropicThinkingConfig | undefined;
  warnings: Warning[];
}

export function convertReasoning(request: ChatRequest): ConvertedReasoning {
  const warnings: Warning[] = [];
  const effort = request.reasoning?.effort ?? ReasoningEffort.UNSPECIFIED;
  const explicitBudget = request.reasoning?.budgetTokens;
  const requestedMax = request.maxOutputTokens;

  if (effort === ReasoningEffort.NONE && explicitBudget === undefined) {
    return { maxTokens: maxTokensOrDefault(requestedMax, DEFAULT_MAX_TOKENS, warnings), thinking: { type: 'disabled' }, warnings };
  }
  let budget = explicitBudget ?? EFFORT_BUDGET_TOKENS[effort];
  if (budget === undefined) {
    return { maxTokens: maxTokensOrDefault(requestedMax, DEFAULT_MAX_TOKENS, warnings), thinking: undefined, warnings };
  }
  if (budget <= 0) {
    // An explicit zero budget means "no thinking", as for Gemini.
    return { maxTokens: maxTokensOrDefault(requestedMax, DEFAULT_MAX_TOKENS, warnings), thinking: { type: 'disabled' }, warnings };
  }
  if (budget < MIN_THINKING_BUDGET) {
    warnings.push(
      parameterAdjusted(
        'reasoning',
        `anthropic needs a thinking budget of at least ${MIN_THINKING_BUDGET} tokens; ${budget} was raised to ${MIN_THINKING_BUDGET}`,
      ),
    );
    budget = MIN_THINKING_BUDGET;
  }
  const maxTokens = maxTokensOrDefault(requestedMax, budget + DEFAULT_MAX_TOKENS, warnings);
  if (budget >= maxTokens) {
    const fitted = maxTokens - 1;
    if (fitted < MIN_THINKING_BUDGET) {
      warnings.push(
        parameterAdjusted(
          'reasoning',
          `max_output_tokens ${maxTokens} leaves no room for anthropic's minimum thinking budget ` +
            `(${MIN_THINKING_BUDGET}); thinking was not enabled`,
        ),
      );
      return { maxTokens, thinking: undefined, warnings };
    }
    warnings.push(
      parameterAdjusted(
        'reasoning',
        `anthropic needs the thinking budget below max_tokens (${maxTokens}); ${budget} was lowered to ${fitted}`,
      ),
    );
    budget = fitted;
  }
  return { maxTokens, thinking: { type: 'enabled', budget_tokens: budget }, warnings };
}

function maxTokensOrDefault(requested: number | undefined, fallback: number, warnings: Warning[]): number {
  if (requested !== undefined) return requested;
  warnings.push(defaultApplied('max_output_tokens', `anthropic requires max_tokens; the gateway sent ${fallback}`));
  return fallback;
}
