// DeepSeek's thinking mode rule for earlier reasoning
// (https://api-docs.deepseek.com/guides/thinking_mode): between two user
// messages, if the model called a tool, the reasoning_content of the assistant
// messages in between must be sent back in every later request, or the request
// is a 400; if it did not, that reasoning is ignored. So an exchange with a tool
// call carries reasoning_content on each of its assistant messages — "" where a
// client dropped it, which DeepSeek takes (docs/provider-wire-formats.md,
// Pitfall 3) — and an exchange without one carries none.
import type { WireMessage } from './wire-types.js';

type AssistantMessage = Extract<WireMessage, { role: 'assistant' }>;

export function applyDeepSeekReasoningRule(messages: WireMessage[]): void {
  let exchange: AssistantMessage[] = [];
  let calledTool = false;
  const settle = () => {
    for (const message of exchange) {
      if (calledTool) message.reasoning_content ??= '';
      else delete message.reasoning_content;
    }
    exchange = [];
    calledTool = false;
  };
  for (const message of messages) {
    if (message.role === 'user') settle();
    else if (message.role === 'assistant') {
      exchange.push(message);
      if ((message.tool_calls?.length ?? 0) > 0) calledTool = true;
    }
  }
  settle();
}
