// ReasoningConfig → `reasoning_effort` (and, on DeepSeek, its `thinking`
// switch). Chat Completions takes an effort
// level only: a token budget is mapped to the nearest level
// (docs/provider-wire-formats.md, "Reasoning effort and thinking budgets") and
// reported, never dropped silently.
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { ReasoningEffort, type ReasoningConfig } from '../../../gen/llmgateway/v1/chat_pb.js';
import { parameterAdjusted, unsupportedParameter, unsupportedParameterNotice } from '../shared/warnings.js';
import type { FamilyTraits } from './family.js';
import { EFFORT_NAMES } from '../shared/reasoning-effort.js';

export interface ConvertedReasoning {
  effort: string | undefined;
  /** DeepSeek's switch (FamilyTraits.thinkingSwitch): set whenever reasoning was asked on or off. */
  thinking?: 'enabled' | 'disabled';
  warnings: Warning[];
}

// The Effort table's budgets: minimal 128, low 1024, medium 2048, high 4096,
// xhigh 8192, max 16384. A budget maps to the level whose budget is nearest on
// a log scale, i.e. the upper bounds below are the geometric midpoints.
const BUDGET_LEVELS: Array<{ upTo: number; effort: string }> = [
  { upTo: 0, effort: 'none' },
  { upTo: 362, effort: 'minimal' },
  { upTo: 1448, effort: 'low' },
  { upTo: 2896, effort: 'medium' },
  { upTo: 5792, effort: 'high' },
  { upTo: 11585, effort: 'xhigh' },
  { upTo: Number.POSITIVE_INFINITY, effort: 'max' },
];

export function convertReasoning(reasoning: ReasoningConfig | undefined, traits: FamilyTraits): ConvertedReasoning {
  const warnings: Warning[] = [];
  if (!reasoning) return { effort: undefined, warnings };
  let effort = EFFORT_NAMES[reasoning.effort];
  const budget = reasoning.budgetTokens;

  if (budget !== undefined && effort !== undefined) {
    warnings.push(
      unsupportedParameterNotice('reasoning.budget_tokens', `${traits.label} takes no token budget; the given reasoning effort "${effort}" was sent without it`),
    );
  } else if (budget !== undefined) {
    effort = BUDGET_LEVELS.find((level) => budget <= level.upTo)?.effort ?? 'max';
    if (effort === 'max' && !traits.acceptsMaxEffort) effort = 'xhigh';
    warnings.push(
      parameterAdjusted(
        'reasoning.budget_tokens',
        `${traits.label} takes a reasoning effort, not a token budget: budget_tokens ${budget} was sent as reasoning_effort "${effort}"`,
      ),
    );
  } else if (effort === 'max' && !traits.acceptsMaxEffort) {
    effort = 'xhigh';
    warnings.push(
      parameterAdjusted('reasoning.effort', `${traits.label} has no "max" reasoning effort; "xhigh" was sent instead`),
    );
  }

  // The official API never returns reasoning text in Chat Completions; say so
  // only when the client asked for it explicitly.
  if (reasoning.includeReasoning && !traits.returnsReasoningText) {
    warnings.push(
      unsupportedParameter(
        'reasoning.include_reasoning',
        traits.label,
        'Chat Completions returns no reasoning text (only the reasoning token count)',
      ),
    );
  }
  if (traits.thinkingSwitch && effort !== undefined) {
    // Off is the switch alone; on is the switch and the effort (DeepSeek maps the levels it lacks itself).
    return effort === 'none' ? { effort: undefined, thinking: 'disabled', warnings } : { effort, thinking: 'enabled', warnings };
  }
  return { effort, warnings };
}
