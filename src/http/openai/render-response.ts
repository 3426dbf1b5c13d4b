// Canonical ChatResponse → OpenAI `chat.completion`, plus the usage and
// finish-reason mappings the stream renderer (render-stream.ts) shares.
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { FinishReason, type ChatResponse, type Choice, type Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { OpenAIChatCompletion, OpenAIAssistantMessage, OpenAIFinishReason, OpenAIToolCall, OpenAIUsage } from './openai-wire.js';
import { openAIServiceTier } from '../service-tier-names.js';
import { encodeToolCallId } from '../tool-call-id.js';
import { ReasoningCarrier } from './reasoning-carrier.js';
import { renderChoiceLogprobs } from './render-logprobs.js';

export function renderCompletion(response: ChatResponse): OpenAIChatCompletion {
  const completion: OpenAIChatCompletion = {
    id: response.id,
    object: 'chat.completion',
    created: unixSeconds(response.created),
    model: response.model,
    choices: response.choices.map((choice) => ({
      index: choice.index,
      message: renderMessage(choice),
      logprobs: renderChoiceLogprobs(choice.logprobs),
      finish_reason: renderFinishReason(choice.finishReason, choice.rawFinishReason),
    })),
  };
  if (response.usage) completion.usage = renderUsage(response.usage);
  const tier = openAIServiceTier(response.usage?.serviceTier ?? '');
  if (tier) completion.service_tier = tier;
  return completion;
}

function renderMessage(choice: Choice): OpenAIAssistantMessage {
  const texts: string[] = [];
  const refusals: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: OpenAIToolCall[] = [];
  const carrier = new ReasoningCarrier();
  for (const part of choice.message?.content ?? []) {
    switch (part.kind.case) {
      case 'text':
        (part.kind.value.refusal ? refusals : texts).push(part.kind.value.text);
        break;
      case 'reasoning':
        reasoning.push(part.kind.value.text);
        carrier.addPart(part.kind.value);
        break;
      case 'toolCall':
        toolCalls.push({
          // Signed reasoning before the call rides in its id (reasoning-carrier.ts).
          id: encodeToolCallId(part.kind.value.id, part.kind.value.signature, carrier.take()),
          type: 'function',
          function: { name: part.kind.value.name, arguments: part.kind.value.argumentsJson || '{}' },
        });
        break;
      default:
        break;
    }
  }
  const message: OpenAIAssistantMessage = {
    role: 'assistant',
    // A refusal comes instead of content (https://platform.openai.com/docs/guides/structured-outputs#refusals).
    content: texts.length > 0 ? texts.join('') : toolCalls.length > 0 || refusals.length > 0 ? null : '',
    refusal: refusals.length > 0 ? refusals.join('') : null,
  };
  const reasoningText = reasoning.join('');
  if (reasoningText) message.reasoning_content = reasoningText;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

const FINISH: Partial<Record<FinishReason, OpenAIFinishReason>> = {
  [FinishReason.STOP]: 'stop',
  [FinishReason.LENGTH]: 'length',
  [FinishReason.TOOL_CALLS]: 'tool_calls',
  [FinishReason.CONTENT_FILTER]: 'content_filter',
};

/**
 * OpenAI has no "error" / "other": those become `stop` (a raw OpenAI value such as function_call is kept).
 * An OpenAI refusal ends with `stop` (its `refusal` field says it declined), kept as OpenAI sent it.
 */
export function renderFinishReason(reason: FinishReason, raw: string): OpenAIFinishReason {
  if (raw === 'stop' && reason === FinishReason.CONTENT_FILTER) return 'stop';
  const mapped = FINISH[reason];
  if (mapped) return mapped;
  return raw === 'function_call' ? 'function_call' : 'stop';
}

export function renderUsage(usage: Usage): OpenAIUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens || usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

export function unixSeconds(timestamp: Timestamp | undefined): number {
  return timestamp ? Number(timestamp.seconds) : Math.floor(Date.now() / 1000);
}
