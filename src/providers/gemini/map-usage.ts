// Gemini usageMetadata → canonical Usage, each token counted once
// (docs/provider-wire-formats.md, "Counting tokens" and "Gemini API, Usage"):
// - promptTokenCount already INCLUDES cachedContentTokenCount; tool-use prompt
//   tokens (code execution, search results) are input too;
// - candidatesTokenCount EXCLUDES thoughtsTokenCount, so output = both and
//   reasoning = thoughts;
// - Gemini reports no cache writes: 0.
import { create } from '@bufbuild/protobuf';
import { InputUsageSchema, UsageSchema, type InputUsage, type Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GeminiUsageMetadata } from './wire-types.js';

const count = (value: number | null | undefined): number => (typeof value === 'number' && value > 0 ? value : 0);

export function mapUsage(usage: GeminiUsageMetadata | null | undefined): Usage | undefined {
  if (!usage) return undefined;
  const inputTokens = count(usage.promptTokenCount) + count(usage.toolUsePromptTokenCount);
  const reasoningTokens = count(usage.thoughtsTokenCount);
  const outputTokens = count(usage.candidatesTokenCount) + reasoningTokens;
  return create(UsageSchema, {
    inputTokens,
    outputTokens,
    cachedInputTokens: count(usage.cachedContentTokenCount),
    cacheWriteTokens: 0,
    reasoningTokens,
    totalTokens: inputTokens + outputTokens,
  });
}

/** The input side of a stream's first usageMetadata (the prompt is counted whole from the first event); undefined when it has no prompt count. */
export function mapInputUsage(usage: GeminiUsageMetadata | null | undefined): InputUsage | undefined {
  if (typeof usage?.promptTokenCount !== 'number') return undefined;
  const { inputTokens, cachedInputTokens } = mapUsage(usage)!;
  return create(InputUsageSchema, { inputTokens, cachedInputTokens });
}
