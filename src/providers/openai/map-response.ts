// A unary chat completion → canonical choices and usage. Parts keep the
// order a reader expects: reasoning, then text, then tool calls.
import { create } from '@bufbuild/protobuf';
import type { Choice, ContentPart, Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import { ContentPartSchema } from '../../../gen/llmgateway/v1/chat_pb.js';
import { assistantChoice } from '../shared/assistant-choice.js';
import { createToolCallIds, type ToolCallIds } from '../shared/tool-call-ids.js';
import { isJsonObject, requireAnswerObject, UpstreamFault } from '../shared/upstream-fault.js';
import { isCutShort, mapFinishReason } from './map-finish-reason.js';
import { mapLogprobs } from './map-logprobs.js';
import { mapUsage } from './map-usage.js';
import type { OpenAIFamily, WireChatCompletion, WireResponseMessage } from './wire-types.js';

export interface MappedResponse {
  choices: Choice[];
  usage: Usage | undefined;
}

/** `ids`: for calls a host sends without an id (unique in the conversation: ../shared/tool-call-ids.ts). */
export function mapResponse(answer: WireChatCompletion | undefined, family: OpenAIFamily, ids: ToolCallIds = createToolCallIds()): MappedResponse {
  const completion = checkedCompletion(answer);
  const cut = completion.choices?.find((choice) => isCutShort(choice.finish_reason));
  if (cut) throw new UpstreamFault('cut_short', `finish_reason ${cut.finish_reason}`);
  const choices = (completion.choices ?? []).map((choice, position) => {
    const message = choice.message ?? {};
    const parts = mapMessageParts(message, family, ids);
    const sawToolCalls = parts.some((part) => part.kind.case === 'toolCall');
    const refusedOnly = !message.content && Boolean(message.refusal);
    const finish = mapFinishReason(choice.finish_reason, { sawToolCalls, refusedOnly });
    const mapped = assistantChoice({ index: choice.index ?? position, content: parts, finishReason: finish.reason, rawFinishReason: finish.raw });
    const logprobs = mapLogprobs(choice.logprobs);
    if (logprobs) mapped.logprobs = logprobs;
    return mapped;
  });
  return { choices, usage: mapUsage(completion.usage, completion.service_tier) };
}

/** The SDK hands over whatever the body was (nothing for an empty one): an answer has at least one choice object. */
function checkedCompletion(answer: unknown): WireChatCompletion {
  const completion = requireAnswerObject(answer);
  const choices = completion['choices'];
  if (!Array.isArray(choices) || choices.length === 0 || !choices.every(isJsonObject)) throw new UpstreamFault('malformed_body', 'no choices');
  return completion as WireChatCompletion;
}

/** DeepSeek names it `reasoning_content`, vLLM (since late 2025) `reasoning`. */
export function reasoningText(message: { reasoning_content?: string | null; reasoning?: string | null }): string {
  return message.reasoning_content || message.reasoning || '';
}

function mapMessageParts(message: WireResponseMessage, family: OpenAIFamily, ids: ToolCallIds): ContentPart[] {
  const parts: ContentPart[] = [];
  const reasoning = reasoningText(message);
  if (reasoning) {
    parts.push(create(ContentPartSchema, { kind: { case: 'reasoning', value: { text: reasoning, providerType: family } } }));
  }
  if (message.content) parts.push(create(ContentPartSchema, { kind: { case: 'text', value: { text: message.content } } }));
  // A structured-outputs refusal: the model's answer, marked so each surface can say it declined.
  if (message.refusal) parts.push(create(ContentPartSchema, { kind: { case: 'text', value: { text: message.refusal, refusal: true } } }));
  for (const call of message.tool_calls ?? []) {
    parts.push(
      create(ContentPartSchema, {
        kind: {
          case: 'toolCall',
          value: { id: ids(call.id), name: call.function?.name ?? '', argumentsJson: call.function?.arguments ?? '' },
        },
      }),
    );
  }
  return parts;
}
