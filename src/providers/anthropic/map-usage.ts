// Anthropic usage → canonical Usage, each token counted once
// (docs/provider-wire-formats.md, "Counting tokens" and "Anthropic Messages,
// Usage"). Anthropic's input_tokens EXCLUDES the cache: the
// canonical input is input + cache_creation + cache_read. output_tokens
// already includes thinking; output_tokens_details.thinking_tokens (sent by
// current API versions, null or absent on older ones) is the reasoning share.
import { create } from '@bufbuild/protobuf';
import { InputUsageSchema, UsageSchema, type InputUsage, type Usage } from '../../../gen/llmgateway/v1/chat_pb.js';

/** The usage fields this mapper reads; both Usage and the cumulative MessageDeltaUsage fit. */
export interface AnthropicUsageFields {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  /** How the cache writes split by lifetime (its parts sum to cache_creation_input_tokens). */
  cache_creation?: { ephemeral_1h_input_tokens?: number | null } | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
  /** The tier that served the request ("standard", "priority", "batch"); message_start's only, in a stream. */
  service_tier?: string | null;
}

export function mapUsage(usage: AnthropicUsageFields): Usage {
  const uncached = usage.input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const input = uncached + cacheWrite + cacheRead;
  const output = usage.output_tokens ?? 0;
  return create(UsageSchema, {
    inputTokens: input,
    outputTokens: output,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    cacheWrite1hTokens: usage.cache_creation?.ephemeral_1h_input_tokens ?? 0,
    reasoningTokens: usage.output_tokens_details?.thinking_tokens ?? 0,
    totalTokens: input + output,
    serviceTier: usage.service_tier ?? '',
  });
}

/** message_start's input side (its output_tokens only just begun), counted as mapUsage counts it. */
export function mapInputUsage(usage: AnthropicUsageFields): InputUsage {
  const { inputTokens, cachedInputTokens, cacheWriteTokens, cacheWrite1hTokens, serviceTier } = mapUsage(usage);
  return create(InputUsageSchema, { inputTokens, cachedInputTokens, cacheWriteTokens, cacheWrite1hTokens, serviceTier });
}

/**
 * Streams: message_start carries the input side, each message_delta the
 * CUMULATIVE totals so far. A later non-null value replaces the earlier one;
 * values are never added up.
 */
export function mergeCumulativeUsage(current: AnthropicUsageFields, update: AnthropicUsageFields): AnthropicUsageFields {
  const merged: AnthropicUsageFields = { ...current };
  for (const field of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const) {
    const value = update[field];
    if (value !== null && value !== undefined) merged[field] = value;
  }
  if (update.service_tier !== null && update.service_tier !== undefined) merged.service_tier = update.service_tier;
  if (update.cache_creation !== null && update.cache_creation !== undefined) merged.cache_creation = update.cache_creation;
  if (update.output_tokens_details !== null && update.output_tokens_details !== undefined) {
    merged.output_tokens_details = update.output_tokens_details;
  }
  return merged;
}
