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
  // A canonical message no origin maps back (see withOrigins) is somewhere in the input.
  [/^messages(\[\d+\].*)?$/, 'input'],
  [/^inputs(\[\d+\])?$/, 'input'],
];

/** Where the client sent a canonical message (`input[2]`, `instructions`) and each of its parts (`input[2].content[1]`). */
export interface MessageOrigin {
  message: string;
  parts: string[];
}

const MESSAGE_FIELD = /^(?:chat\.)?messages\[(\d+)\](?:\.content\[(\d+)\](.*))?/;
// A part's canonical sub-field → the input_file / input_image field that holds it.
const PART_FIELDS: Array<[RegExp, string]> = [
  [/^\.document\.url$/, '.file_url'],
  [/^\.document\.(data|media_type)$/, '.file_data'],
  [/^\.image(\.\w+)?$/, '.image_url'],
];

/**
 * toResponsesParam for one request whose canonical messages came from these origins (the instructions, the
 * stored turns and the input, in order: responses-surface.ts): `messages[3].content[1].document` → `input[1].content[1]`.
 */
export function withOrigins(origins: readonly MessageOrigin[]): (field: string) => string {
  return (field) => {
    const match = MESSAGE_FIELD.exec(field);
    const origin = match ? origins[Number(match[1])] : undefined;
    if (!match || !origin) return toResponsesParam(field);
    if (match[2] === undefined) return origin.message;
    const part = origin.parts[Number(match[2])];
    if (part === undefined) return origin.message;
    const rest = match[3] ?? '';
    // A document or image inside a function_call_output's output array.
    const toolOutput = /^\.tool_result\.content\[(\d+)\]/.exec(rest);
    if (toolOutput) return `${part}.output[${toolOutput[1]}]`;
    const subField = PART_FIELDS.find(([pattern]) => pattern.test(rest));
    return part.includes('.content[') && subField ? part + rest.replace(subField[0], subField[1]) : part;
  };
}

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
