// ReasoningConfig → generationConfig.thinkingConfig. Exactly one of
// thinkingBudget / thinkingLevel is sent (both → 400):
// - budget_tokens → thinkingBudget, always (an explicit budget wins);
// - effort on Gemini 3 models → thinkingLevel (their native control), per
//   docs/provider-wire-formats.md, "Gemini API, Thinking": minimal→MINIMAL
//   (Flash) else LOW; medium→MEDIUM (Flash,
//   3.1 Pro) else HIGH; none→the lowest level (3.x cannot switch thinking off);
// - effort elsewhere → thinkingBudget from the shared effort table (none → 0;
//   2.5 Pro cannot go below 128).
// include_reasoning → includeThoughts.
import { ReasoningEffort, type ReasoningConfig } from '../../../gen/llmgateway/v1/chat_pb.js';
import { EFFORT_BUDGET_TOKENS, EFFORT_NAMES } from '../shared/reasoning-effort.js';
import { parameterAdjusted } from '../shared/warnings.js';
import type { WarningCollector } from '../shared/warning-collector.js';
import type { GeminiThinkingConfig, GeminiThinkingLevel } from './wire-types.js';

/** Lower-cased model id without a `models/` prefix. */
const modelId = (model: string) => model.replace(/^models\//, '').toLowerCase();
export const isGemini3 = (model: string) => modelId(model).startsWith('gemini-3');
const isFlash = (model: string) => modelId(model).includes('flash');
const isGemini25Pro = (model: string) => modelId(model).startsWith('gemini-2.5-pro');

export function convertReasoning(
  reasoning: ReasoningConfig | undefined,
  model: string,
  warnings: WarningCollector,
): GeminiThinkingConfig | undefined {
  if (!reasoning) return undefined;
  const config: GeminiThinkingConfig = {};
  if (reasoning.budgetTokens !== undefined) {
    config.thinkingBudget = reasoning.budgetTokens;
  } else if (reasoning.effort !== ReasoningEffort.UNSPECIFIED) {
    if (isGemini3(model)) config.thinkingLevel = levelFor(reasoning.effort, model, warnings);
    else config.thinkingBudget = budgetFor(reasoning.effort, model, warnings);
  }
  if (reasoning.includeReasoning) config.includeThoughts = true;
  return Object.keys(config).length > 0 ? config : undefined;
}

function budgetFor(effort: ReasoningEffort, model: string, warnings: WarningCollector): number {
  const budget = EFFORT_BUDGET_TOKENS[effort] ?? 0;
  if (budget < 128 && isGemini25Pro(model)) {
    warnings.add(parameterAdjusted('reasoning.effort', 'Gemini 2.5 Pro cannot turn thinking off; thinkingBudget 128 (its minimum) was sent'));
    return 128;
  }
  return budget;
}

function levelFor(effort: ReasoningEffort, model: string, warnings: WarningCollector): GeminiThinkingLevel {
  const flash = isFlash(model);
  const adjusted = (level: GeminiThinkingLevel, why: string): GeminiThinkingLevel => {
    warnings.add(parameterAdjusted('reasoning.effort', `effort "${EFFORT_NAMES[effort]}" ${why}; thinkingLevel ${level} was sent`));
    return level;
  };
  switch (effort) {
    case ReasoningEffort.NONE:
      return adjusted(flash ? 'MINIMAL' : 'LOW', 'cannot switch Gemini 3 thinking off');
    case ReasoningEffort.MINIMAL:
      return flash ? 'MINIMAL' : adjusted('LOW', 'has no equivalent on this model');
    case ReasoningEffort.LOW:
      return 'LOW';
    case ReasoningEffort.MEDIUM:
      return flash || modelId(model).startsWith('gemini-3.1-pro') ? 'MEDIUM' : adjusted('HIGH', 'has no equivalent on this model');
    case ReasoningEffort.HIGH:
      return 'HIGH';
    default:
      return adjusted('HIGH', 'is above the highest Gemini 3 level');
  }
}
