// Cost of one request at the provider model's prices (USD per million tokens).
// Cached and cache-written input tokens are billed once each, at their own
// rate (the input rate when the model has none configured). Cache writes with a
// one-hour lifetime (Anthropic's `ttl: "1h"`) cost twice the input price, as
// Anthropic bills them (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#pricing);
// the configured cache-write rate is the five-minute one.
import type { Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { ModelPricesRecord } from '../../domain/provider.js';
import { builtInPrices } from '../usage/price-table.js';

const ONE_HOUR_WRITE_MULTIPLIER = 2;

export function computeCostUsd(usage: Usage, prices: ModelPricesRecord | null): number {
  if (!prices) return 0;
  const cachedRate = prices.cachedInputPerMillion || prices.inputPerMillion;
  const cacheWriteRate = prices.cacheWritePerMillion || prices.inputPerMillion;
  const uncachedInput = Math.max(0, usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens);
  const hourWrites = Math.min(usage.cacheWrite1hTokens, usage.cacheWriteTokens);
  const cost =
    uncachedInput * prices.inputPerMillion +
    usage.cachedInputTokens * cachedRate +
    (usage.cacheWriteTokens - hourWrites) * cacheWriteRate +
    hourWrites * prices.inputPerMillion * ONE_HOUR_WRITE_MULTIPLIER +
    usage.outputTokens * prices.outputPerMillion;
  return cost / 1_000_000;
}

/**
 * What a request cost, from the first source that knows (README, "Usage and cost"): the provider model's own
 * prices; else what the upstream reported it charged (the adapter's `usage.costUsd`: OpenRouter's
 * `usage.cost`), which is the bill itself; else the built-in list prices; else 0.
 */
export function requestCostUsd(usage: Usage, model: { upstreamModel: string; prices: ModelPricesRecord | null }): number {
  if (model.prices) return computeCostUsd(usage, model.prices);
  if (usage.costUsd > 0 && !usage.estimated) return usage.costUsd;
  return computeCostUsd(usage, builtInPrices(model.upstreamModel));
}
