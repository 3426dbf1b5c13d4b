// Anthropic Message (unary) → one canonical Choice, parts in the order the
// model produced them: thinking → ReasoningPart(text, signature), redacted
// thinking → ReasoningPart(redacted_data), text → TextPart, tool_use →
// ToolCallPart(arguments_json). Reasoning carries providerType "anthropic" so
// it can be sent back byte-identical on the next turn.
import { create } from '@bufbuild/protobuf';
import { ContentPartSchema, WarningSchema, type Choice, type ContentPart, type Usage, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { assistantChoice } from '../shared/assistant-choice.js';
import { isJsonObject, requireAnswerObject, UpstreamFault } from '../shared/upstream-fault.js';
import type { AnthropicContentBlock, AnthropicMessage } from './anthropic-client.js';
import { ANTHROPIC_PROVIDER_TYPE } from './family.js';
import { mapFinishReason } from './map-finish-reason.js';
import { mapUsage } from './map-usage.js';

export interface MappedResponse {
  choice: Choice;
  usage: Usage;
  warnings: Warning[];
}

export function mapResponse(answer: AnthropicMessage | undefined): MappedResponse {
  const message = checkedMessage(answer);
  const warnings: Warning[] = [];
  const content: ContentPart[] = [];
  for (const block of message.content) {
    const part = mapBlock(block);
    if (part !== undefined) content.push(part);
    else warnings.push(unsupportedBlock(block.type));
  }
  const finish = mapFinishReason(message.stop_reason);
  // Non-null whenever stop_reason is "stop_sequence": which of the request's sequences was generated.
  const stopSequence = typeof message.stop_sequence === 'string' ? message.stop_sequence : '';
  const choice = assistantChoice({ index: 0, content, finishReason: finish.reason, rawFinishReason: finish.raw, stopSequence });
  return { choice, usage: mapUsage(message.usage ?? {}), warnings };
}

/** The SDK hands over whatever the body was (nothing for an empty one): a message has a content array. */
function checkedMessage(answer: unknown): AnthropicMessage {
  const message = requireAnswerObject(answer);
  const content = message['content'];
  if (!Array.isArray(content) || !content.every(isJsonObject)) throw new UpstreamFault('malformed_body', 'no content array of blocks');
  return message as unknown as AnthropicMessage;
}

function mapBlock(block: AnthropicContentBlock): ContentPart | undefined {
  switch (block.type) {
    case 'text':
      return create(ContentPartSchema, { kind: { case: 'text', value: { text: block.text } } });
    case 'thinking':
      return create(ContentPartSchema, {
        kind: { case: 'reasoning', value: { text: block.thinking, signature: block.signature, providerType: ANTHROPIC_PROVIDER_TYPE } },
      });
    case 'redacted_thinking':
      return create(ContentPartSchema, {
        kind: { case: 'reasoning', value: { redactedData: block.data, providerType: ANTHROPIC_PROVIDER_TYPE } },
      });
    case 'tool_use':
      return create(ContentPartSchema, {
        kind: { case: 'toolCall', value: { id: block.id, name: block.name, argumentsJson: JSON.stringify(block.input ?? {}) } },
      });
    default:
      // Server-tool blocks (web search, code execution, …) have no canonical form.
      return undefined;
  }
}

export function unsupportedBlock(type: string): Warning {
  return create(WarningSchema, {
    code: 'unsupported_content',
    param: 'content',
    message: `anthropic returned a "${type}" block, which the gateway cannot represent; it was left out`,
  });
}
