// Canonical field names (as the core and the adapters report them in errors
// and warnings, e.g. `chat.max_output_tokens`) → the OpenAI parameter the
// client actually sent (`max_completion_tokens`). Best effort: a name it does
// not know passes through unchanged.

const RENAMES: Array<[RegExp, string]> = [
  [/^chat\./, ''],
  [/^provider_options\./, ''],
  [/^max_output_tokens$/, 'max_completion_tokens'],
  [/^candidate_count$/, 'n'],
  [/^reasoning(\.effort|\.budget_tokens|\.include_reasoning)?$/, 'reasoning_effort'],
  [/^tool_choice\.(tool_name|mode)$/, 'tool_choice'],
  [/^response_format\.schema$/, 'response_format.json_schema.schema'],
  [/^response_format\.schema_name$/, 'response_format.json_schema.name'],
  [/^response_format\.strict$/, 'response_format.json_schema.strict'],
  [/^(tools\[\d+\])\.(name|description|parameters|strict)$/, '$1.function.$2'],
  [/^(messages\[\d+\])\.content\[\d+\]\.tool_result\.tool_call_id$/, '$1.tool_call_id'],
  [/^(messages\[\d+\])\.content\[\d+\]\.tool_call(\.\w+)?$/, '$1.tool_calls'],
  [/^(messages\[\d+\])\.content\[\d+\]\.reasoning(\.\w+)?$/, '$1.reasoning_content'],
  [/^(messages\[\d+\]\.content\[\d+\])\.image\.(url|media_type)$/, '$1.image_url.url'],
  [/^(messages\[\d+\]\.content\[\d+\])\.image$/, '$1.image_url'],
  [/^(messages\[\d+\]\.content\[\d+\])\.document\.(data|media_type)$/, '$1.file.file_data'],
  [/^(messages\[\d+\]\.content\[\d+\])\.document(\.\w+)?$/, '$1.file'],
  [/^inputs(\[\d+\])?$/, 'input'],
];

export function toOpenAIParam(field: string): string {
  let name = field;
  for (const [pattern, replacement] of RENAMES) name = name.replace(pattern, replacement);
  return name;
}

/**
 * A core message is `<canonical field>: <text>`; rewritten as
 * `Invalid '<openai param>': <text>` so that the message names what the client sent.
 */
export function rewriteFieldMessage(message: string, field: string, paramName: (field: string) => string = toOpenAIParam): string {
  const prefix = `${field}: `;
  if (!message.startsWith(prefix)) return message;
  return `Invalid '${paramName(field)}': ${message.slice(prefix.length)}`;
}
