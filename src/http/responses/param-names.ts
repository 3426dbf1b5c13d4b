// Canonical field names (as the core and the adapters report them in errors and warnings, e.g.
// `chat.max_output_tokens`) → the Responses API parameter the client sent: its names differ from Chat
// Completions' (`max_output_tokens`, `text.format`, flat function tools, `input` for the messages).
// Best effort: a name it does not know passes through unchanged.
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { warningEntries, warningsHeaderFrom, withoutImpliedReasoningNotice } from '../gateway-headers.js';

const RENAMES: Array<[RegExp, string]> = [
  [/^chat\./, ''],
  [/^provider_options\./, ''],
  [/^reasoning(\.effort|\.budget_tokens|\.include_reasoning)?$/, 'reasoning.effort'],
  [/^tool_choice\.(tool_name|mode)$/, 'tool_choice'],
  [/^response_format\.schema_name$/, 'text.format.name'],
  [/^response_format\.(schema|strict|description)$/, 'text.format.$1'],
  [/^response_format(\.type)?$/, 'text.format'],
  // Log probabilities are asked with include: ["message.output_text.logprobs"].
  [/^logprobs$/, 'include'],
  // The canonical messages are the stored turns, the instructions and the input together: no index maps back.
  [/^messages(\[\d+\].*)?$/, 'input'],
  [/^inputs(\[\d+\])?$/, 'input'],
];

export function toResponsesParam(field: string): string {
  let name = field;
  for (const [pattern, replacement] of RENAMES) name = name.replace(pattern, replacement);
  return name;
}

/**
 * `x-gateway-warnings` on the Responses surface, params named as the Responses API names them. The reasoning
 * text is asked for explicitly by `reasoning.summary` only; without it, the gateway implied it.
 */
export function warningsHeader(warnings: readonly Warning[], summaryAsked: boolean): Record<string, string> {
  return warningsHeaderFrom(warningEntries(summaryAsked ? warnings : withoutImpliedReasoningNotice(warnings), toResponsesParam));
}
