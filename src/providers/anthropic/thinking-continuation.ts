// With thinking on, Anthropic requires the assistant turn a tool loop continues
// (the last assistant message, answered by trailing tool_result blocks) to start
// with a signed thinking/redacted_thinking block, else it answers 400 ("To avoid
// this requirement, disable `thinking`"). A loop begun on another family (a
// failover, or a client switching models mid-loop) has no such block: its
// reasoning was dropped in convert-messages. Thinking is then turned off for
// this request, with a warning, rather than failing upstream.
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { parameterAdjusted } from '../shared/warnings.js';
import type { AnthropicContentBlockParam, AnthropicMessageParam, AnthropicThinkingConfig } from './anthropic-client.js';

export function continuableThinking(
  thinking: AnthropicThinkingConfig | undefined,
  messages: AnthropicMessageParam[],
  warnings: Warning[],
): AnthropicThinkingConfig | undefined {
  if (thinking === undefined || thinking.type === 'disabled') return thinking;
  const assistantIndex = messages.length - 2;
  const assistant = messages[assistantIndex];
  if (assistant?.role !== 'assistant' || !answersTools(messages[messages.length - 1])) return thinking;
  const first = Array.isArray(assistant.content) ? (assistant.content as AnthropicContentBlockParam[])[0]?.type : 'text';
  if (first === 'thinking' || first === 'redacted_thinking') return thinking;
  warnings.push(
    parameterAdjusted(
      'reasoning',
      'the assistant turn the tool results answer does not start with an anthropic thinking block (it was produced ' +
        'without thinking or by another provider), which anthropic requires while thinking is on; thinking was not enabled',
    ),
  );
  return undefined;
}

function answersTools(message: AnthropicMessageParam | undefined): boolean {
  return (
    message?.role === 'user' &&
    Array.isArray(message.content) &&
    (message.content as AnthropicContentBlockParam[]).some((block) => block.type === 'tool_result')
  );
}
