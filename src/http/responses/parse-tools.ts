// Responses API `tools`, `tool_choice` and `text.format` → canonical. Function
// tools are flat here (`{type, name, parameters}`), not nested as in Chat
// Completions. OpenAI's built-in tools (web search, file search, code
// interpreter, computer use, image generation, MCP, shell…) run inside
// OpenAI's Responses API; the gateway reaches every provider, OpenAI's
// included, through Chat Completions-shaped calls, where they do not exist —
// so each is refused by name rather than silently dropped.
import { create, type JsonObject } from '@bufbuild/protobuf';
import {
  ResponseFormatSchema,
  ResponseFormatType,
  ToolChoiceMode,
  ToolChoiceSchema,
  ToolSchema,
  type ResponseFormat,
  type Tool,
  type ToolChoice,
} from '../../../gen/llmgateway/v1/chat_pb.js';
import { invalidValue, optionalBoolean, optionalString, readArray, readRecord, requiredString, structValue } from '../openai/request-error.js';
import { parseJsonSchemaFormat, parseToolChoiceMode } from '../openai/parse-options.js';

const builtInRefusal = (type: string) =>
  `the built-in tool '${type}' runs only inside OpenAI's own Responses API, which this gateway does not call upstream; only 'function' tools are supported.`;

export function parseTools(value: unknown): Tool[] {
  if (value === undefined || value === null) return [];
  return readArray(value, 'tools').map((entry, index) => {
    const param = `tools[${index}]`;
    const tool = readRecord(entry, param);
    const type = requiredString(tool['type'], `${param}.type`);
    if (type !== 'function') throw invalidValue(`${param}.type`, builtInRefusal(type), 'unsupported_value');
    const parameters = tool['parameters'];
    if (parameters !== undefined && parameters !== null) structValue(readRecord(parameters, `${param}.parameters`), `${param}.parameters`);
    return create(ToolSchema, {
      name: requiredString(tool['name'], `${param}.name`),
      description: optionalString(tool['description'], `${param}.description`) ?? '',
      parameters: (parameters ?? undefined) as JsonObject | undefined,
      // Strict only when asked: upstreams called through Chat Completions refuse a strict schema that is not
      // closed (additionalProperties: false, every property required), which clients omitting `strict` rarely send.
      strict: optionalBoolean(tool['strict'], `${param}.strict`) ?? false,
    });
  });
}

export function parseToolChoice(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return parseToolChoiceMode(value);
  const choice = readRecord(value, 'tool_choice');
  const type = requiredString(choice['type'], 'tool_choice.type');
  if (type !== 'function') {
    throw invalidValue('tool_choice.type', type === 'allowed_tools' ? "'allowed_tools' is not supported; send the allowed tools as 'tools'." : builtInRefusal(type), 'unsupported_value');
  }
  return create(ToolChoiceSchema, { mode: ToolChoiceMode.TOOL, toolName: requiredString(choice['name'], 'tool_choice.name') });
}

/** `text.format`; undefined when absent or plain text. */
export function parseTextFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = readRecord(value, 'text.format');
  const type = requiredString(format['type'], 'text.format.type');
  switch (type) {
    case 'text':
      return undefined;
    case 'json_object':
      return create(ResponseFormatSchema, { type: ResponseFormatType.JSON_OBJECT });
    case 'json_schema':
      return parseJsonSchemaFormat(format, 'text.format');
    default:
      throw invalidValue('text.format.type', `'${type}' is not one of 'text', 'json_object', 'json_schema'.`);
  }
}
