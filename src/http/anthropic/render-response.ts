// Canonical ChatResponse → Anthropic's `message` object, plus the stop-reason,
// usage and tool-input mappings the stream renderer (render-stream.ts) shares.
//
// Usage: canonical input counts cached and cache-written tokens; Anthropic's
// `input_tokens` EXCLUDES both (cache_read_input_tokens and
// cache_creation_input_tokens are reported beside it:
// https://platform.claude.com/docs/en/build-with-claude/prompt-caching), so
// input_tokens = input − cache read − cache write; cache_creation splits the
// writes by lifetime (ephemeral_1h_input_tokens: Usage.cache_write_1h_tokens).
import { create } from '@bufbuild/protobuf';
import {
  FinishReason,
  UsageSchema,
  WarningSchema,
  type ChatResponse,
  type ContentPart,
  type InputUsage,
  type Usage,
  type Warning,
} from '../../../gen/llmgateway/v1/chat_pb.js';
import { anthropicServiceTier } from '../service-tier-names.js';
import { encodeToolCallId } from '../tool-call-id.js';
import type { AnthropicContentBlock, AnthropicDeltaUsage, AnthropicMessage, AnthropicStopReason, AnthropicUsage } from './anthropic-wire.js';
import { encodeReasoningSignature } from './reasoning-signature.js';

export interface RenderOptions {
  /** The request's stop_sequences, to name the one that matched. */
  stopSequences: readonly string[];
}

export interface RenderedMessage {
  message: AnthropicMessage;
  /** Problems found while rendering (e.g. tool arguments that were not JSON). */
  warnings: Warning[];
}

export function renderMessage(response: ChatResponse, options: RenderOptions): RenderedMessage {
  const warnings: Warning[] = [];
  const choice = response.choices.find((candidate) => candidate.index === 0) ?? response.choices[0];
  const content: AnthropicContentBlock[] = [];
  for (const part of choice?.message?.content ?? []) {
    const block = renderBlock(part, warnings);
    if (block) content.push(block);
  }
  const stopReason = renderStopReason(
    choice?.finishReason ?? FinishReason.UNSPECIFIED,
    choice?.rawFinishReason ?? '',
    content.some((block) => block.type === 'tool_use'),
  );
  return {
    message: {
      id: messageId(response.id),
      type: 'message',
      role: 'assistant',
      model: response.model,
      content,
      stop_reason: stopReason,
      stop_sequence: stopSequenceFor(stopReason, choice?.stopSequence ?? '', options.stopSequences),
      stop_details: null,
      container: null,
      usage: renderUsage(response.usage),
    },
    warnings,
  };
}

function renderBlock(part: ContentPart, warnings: Warning[]): AnthropicContentBlock | undefined {
  switch (part.kind.case) {
    case 'text':
      return part.kind.value.text === '' ? undefined : { type: 'text', text: part.kind.value.text, citations: null };
    case 'reasoning': {
      const reasoning = part.kind.value;
      if (reasoning.redactedData !== '') return { type: 'redacted_thinking', data: reasoning.redactedData };
      return { type: 'thinking', thinking: reasoning.text, signature: encodeReasoningSignature(reasoning.providerType, reasoning.signature) };
    }
    case 'toolCall': {
      const call = part.kind.value;
      return {
        type: 'tool_use',
        id: encodeToolCallId(call.id, call.signature),
        name: call.name,
        input: toolInput(call.argumentsJson, call.name, warnings),
        caller: { type: 'direct' },
      };
    }
    default:
      return undefined;
  }
}

/** Gateway ids are `gen-…`; Anthropic clients expect `msg_…`. */
export function messageId(id: string): string {
  return id.startsWith('msg_') ? id : `msg_${id.replace(/^gen-/, '')}`;
}

/** The model's arguments JSON → the `input` object; anything else becomes {} with a warning. */
export function toolInput(argumentsJson: string, name: string, warnings: Warning[]): Record<string, unknown> {
  if (argumentsJson.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(argumentsJson);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  warnings.push(
    create(WarningSchema, {
      code: 'invalid_tool_arguments',
      param: 'content.tool_use.input',
      message: `the model's arguments for tool "${name}" were not a JSON object; input was sent as {}`,
    }),
  );
  return {};
}

/**
 * stop → end_turn (stop_sequence when the raw reason says so; tool_use when
 * the answer holds tool calls, as OpenAI-family hosts may say "stop" for a
 * forced call); length → max_tokens; tool_calls → tool_use; content_filter →
 * refusal. Anthropic's own raw values pass through where they are finer.
 */
export function renderStopReason(reason: FinishReason, raw: string, hasToolUse: boolean): AnthropicStopReason {
  switch (reason) {
    case FinishReason.LENGTH:
      return raw === 'model_context_window_exceeded' ? raw : 'max_tokens';
    case FinishReason.TOOL_CALLS:
      return 'tool_use';
    case FinishReason.CONTENT_FILTER:
      return 'refusal';
    case FinishReason.OTHER:
      if (raw === 'pause_turn') return 'pause_turn';
      return hasToolUse ? 'tool_use' : 'end_turn';
    default:
      if (raw === 'stop_sequence') return 'stop_sequence';
      return hasToolUse ? 'tool_use' : 'end_turn';
  }
}

/**
 * The sequence that matched, as the provider named it (Anthropic does). A
 * provider that does not say (OpenAI, Gemini): with exactly one requested it
 * can only be that one; with several, null (unknown).
 */
export function stopSequenceFor(stopReason: AnthropicStopReason | null, named: string, stopSequences: readonly string[]): string | null {
  if (stopReason !== 'stop_sequence') return null;
  if (named !== '') return named;
  return stopSequences.length === 1 ? (stopSequences[0] ?? null) : null;
}

export function renderUsage(usage: Usage | undefined): AnthropicUsage {
  const delta = renderDeltaUsage(usage);
  return {
    input_tokens: delta.input_tokens ?? 0,
    cache_creation_input_tokens: delta.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: delta.cache_read_input_tokens ?? 0,
    output_tokens: delta.output_tokens,
    output_tokens_details: delta.output_tokens_details,
    cache_creation: delta.cache_creation,
    server_tool_use: null,
    // The tier the upstream reported serving the request; null when it did not say.
    service_tier: anthropicServiceTier(usage?.serviceTier),
  };
}

/** message_start's usage: the input side when known (Anthropic's own output_tokens there is a placeholder too). */
export function renderStartUsage(input: InputUsage | undefined): AnthropicUsage {
  const { inputTokens, cachedInputTokens, cacheWriteTokens, cacheWrite1hTokens, serviceTier } = input ?? {};
  return renderUsage(create(UsageSchema, { inputTokens, cachedInputTokens, cacheWriteTokens, cacheWrite1hTokens, serviceTier }));
}

export function renderDeltaUsage(usage: Usage | undefined): AnthropicDeltaUsage {
  const cacheRead = usage?.cachedInputTokens ?? 0;
  const cacheWrite = usage?.cacheWriteTokens ?? 0;
  // The one-hour writes are a share of the writes (priced apart: core/completion/compute-cost.ts); the rest
  // are the five-minute ones, Anthropic's default lifetime.
  const hourWrites = Math.min(usage?.cacheWrite1hTokens ?? 0, cacheWrite);
  return {
    input_tokens: Math.max(0, (usage?.inputTokens ?? 0) - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: cacheWrite - hourWrites, ephemeral_1h_input_tokens: hourWrites },
    output_tokens: usage?.outputTokens ?? 0,
    output_tokens_details: usage && usage.reasoningTokens > 0 ? { thinking_tokens: usage.reasoningTokens } : null,
    server_tool_use: null,
  };
}
