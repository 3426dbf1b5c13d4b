// Canonical field names (as the core and the adapters report them in errors
// and warnings: `chat.max_output_tokens`, `messages[3].content[0].image.url`)
// → the Anthropic field the client actually sent (`max_tokens`,
// `messages.2.content.0.source.url`). Canonical message indices are shifted
// back by the system offset (parse-messages.ts). Best effort: a name it does
// not know passes through unchanged.

const TOP_LEVEL: Array<[RegExp, string]> = [
  [/^max_output_tokens$/, 'max_tokens'],
  [/^stop$/, 'stop_sequences'],
  [/^reasoning\.effort$/, 'output_config.effort'],
  [/^reasoning(\.budget_tokens|\.include_reasoning)?$/, 'thinking$1'],
  [/^response_format\.schema$/, 'output_config.format.schema'],
  [/^response_format(\.\w+)?$/, 'output_config.format'],
  [/^tool_choice\.tool_name$/, 'tool_choice.name'],
  [/^tool_choice\.mode$/, 'tool_choice.type'],
  [/^parallel_tool_calls$/, 'tool_choice.disable_parallel_tool_use'],
  [/^tools\[(\d+)\]\.parameters$/, 'tools.$1.input_schema'],
  [/^tools\[(\d+)\]\.cache_breakpoint$/, 'tools.$1.cache_control'],
  [/^tools\[(\d+)\]/, 'tools.$1'],
  [/^user$/, 'metadata.user_id'],
  // The request's prompt-cache breakpoints as a whole (a family that takes none).
  [/^cache_breakpoint$/, 'cache_control'],
];

/** Within one content part (after `.content[j]`). */
const IN_PART: Array<[RegExp, string]> = [
  [/\.cache_breakpoint(?=\.|$)/, '.cache_control'],
  [/\.tool_result\.tool_call_id(?=\.|$)/, '.tool_use_id'],
  [/\.tool_result(?=\.|$)/, ''],
  [/\.tool_call\.arguments_json(?=\.|$)/, '.input'],
  [/\.tool_call\.signature(?=\.|$)/, '.id'],
  [/\.tool_call(?=\.|$)/, ''],
  [/\.image\.(url|media_type|data)(?=\.|$)/, '.source.$1'],
  [/\.image(?=\.|$)/, '.source'],
  [/\.document\.(url|media_type)(?=\.|$)/, '.source.$1'],
  [/\.document\.(data|text)(?=\.|$)/, '.source.data'],
  [/\.document\.(title|context)(?=\.|$)/, '.$1'],
  [/\.document(?=\.|$)/, ''],
  [/\.reasoning\.redacted_data(?=\.|$)/, '.data'],
  [/\.reasoning\.text(?=\.|$)/, '.thinking'],
  [/\.reasoning(?=\.|$)/, ''],
];

export function toAnthropicParam(field: string, systemOffset: number): string {
  let name = field.replace(/^chat\./, '').replace(/^provider_options\./, '');
  const message = /^messages\[(\d+)\](.*)$/.exec(name);
  if (message) {
    const canonicalIndex = Number(message[1]);
    let rest = (message[2] ?? '').replace(/\[(\d+)\]/g, '.$1');
    for (const [pattern, replacement] of IN_PART) rest = rest.replace(pattern, replacement);
    const index = canonicalIndex - systemOffset;
    // The leading SYSTEM message was the top-level `system` prompt: its parts are `system.j`.
    if (index < 0) return `system${rest.replace(/^\.content/, '')}`;
    return `messages.${index}${rest}`;
  }
  for (const [pattern, replacement] of TOP_LEVEL) name = name.replace(pattern, replacement);
  return name.replace(/\[(\d+)\]/g, '.$1');
}

/**
 * A core message is `<canonical field>: <text>`; rewritten as
 * `<anthropic field>: <text>` so that it names what the client sent.
 */
export function rewriteFieldMessage(message: string, field: string, systemOffset: number): string {
  const prefix = `${field}: `;
  if (!message.startsWith(prefix)) return message;
  return `${toAnthropicParam(field, systemOffset)}: ${message.slice(prefix.length)}`;
}
