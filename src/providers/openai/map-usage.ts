// OpenAI usage → canonical Usage, each token counted once
// (docs/provider-wire-formats.md, "Counting tokens" and "OpenAI Chat
// Completions, Usage"): prompt_tokens already INCLUDES cached tokens and
// completion_tokens already INCLUDES reasoning tokens, so nothing is added.
// A cost the host reports (OpenRouter) travels as costUsd.
import { create } from '@bufbuild/protobuf';
import { UsageSchema, type Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { WireUsage } from './wire-types.js';

const count = (value: number | null | undefined): number => (typeof value === 'number' && value > 0 ? value : 0);

/** `serviceTier`: the answer's `service_tier`, which OpenAI sends beside the usage, not in it. */
export function mapUsage(usage: WireUsage | null | undefined, serviceTier?: string | null): Usage | undefined {
  if (!usage) return undefined;
  const cacheHits = count(usage.prompt_cache_hit_tokens);
  const cacheMisses = count(usage.prompt_cache_miss_tokens);
  // DeepSeek guarantees hit + miss = prompt_tokens; use it when prompt_tokens is absent.
  const inputTokens = usage.prompt_tokens == null ? cacheHits + cacheMisses : count(usage.prompt_tokens);
  const outputTokens = count(usage.completion_tokens);
  return create(UsageSchema, {
    inputTokens,
    outputTokens,
    cachedInputTokens: count(usage.prompt_tokens_details?.cached_tokens) || cacheHits,
    // Official OpenAI reports no cache writes; some hosts (OpenRouter) add this detail.
    cacheWriteTokens: count(usage.prompt_tokens_details?.cache_write_tokens),
    reasoningTokens: count(usage.completion_tokens_details?.reasoning_tokens),
    totalTokens: inputTokens + outputTokens,
    costUsd: reportedCost(usage),
    serviceTier: serviceTier ?? '',
  });
}

const amount = (value: number | null | undefined): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0);

/**
 * What the host says the request cost, in USD (0: it said nothing): OpenRouter's `usage.cost`, the amount
 * charged to the account, plus on the caller's own key (`is_byok`) what the upstream provider charged it,
 * `cost_details.upstream_inference_cost` (https://openrouter.ai/docs/use-cases/usage-accounting). The core
 * keeps it only when the model has no prices of its own (core/completion/compute-cost.ts).
 */
function reportedCost(usage: WireUsage): number {
  const charged = amount(usage.cost);
  return usage.is_byok === true ? charged + amount(usage.cost_details?.upstream_inference_cost) : charged;
}
