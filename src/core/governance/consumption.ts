// What a governed call consumed, as the limits and the budget charge it.
import type { CallOutcome } from './governance-step.js';

/** What a call consumed: a cache hit nothing, a call with usage (answered, or cut after output began) its tokens and cost. */
export function consumedBy(outcome: CallOutcome): { tokens: number; costUsd: number } | undefined {
  if (outcome.cacheHit) return { tokens: 0, costUsd: 0 };
  const usage = outcome.usage;
  if (!usage) return outcome.status === 'ok' ? { tokens: 0, costUsd: 0 } : undefined;
  return { tokens: usage.inputTokens + usage.outputTokens, costUsd: usage.costUsd };
}
