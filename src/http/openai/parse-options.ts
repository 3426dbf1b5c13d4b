// OpenAI `tools`, `tool_choice` and `response_format` → canonical.
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
import { invalidType, invalidValue, missingParameter, optionalBoolean, optionalString, readArray, readRecord, requiredString, structValue } from './request-error.js';

export function parseTools(value: unknown): Tool[] {
  if (value === undefined || value === null) return [];
  return readArray(value, 'tools').map((entry, index) => {
    const param = `tools[${index}]`;
    const tool = readRecord(entry, param);
    const type = requiredString(tool['type'], `${param}.type`);
    if (type !== 'function') throw invalidValue(`${param}.type`, `'${type}' tools are not supported; only 'function'.`, 'unsupported_value');
    if (tool['function'] === undefined || tool['function'] === null) throw missingParameter(`${param}.function`);
    const fn = readRecord(tool['function'], `${param}.function`);
    const parameters = fn['parameters'];
    if (parameters !== undefined && parameters !== null) structValue(readRecord(parameters, `${param}.function.parameters`), `${param}.function.parameters`);
    return create(ToolSchema, {
      name: requiredString(fn['name'], `${param}.function.name`),
      description: optionalString(fn['description'], `${param}.function.description`) ?? '',
      parameters: (parameters ?? undefined) as JsonObject | undefined,
      strict: optionalBoolean(fn['strict'], `${param}.function.strict`) ?? false,
    });
  });
}

const MODES: Record<string, ToolChoiceMode> = {
  auto: ToolChoiceMode.AUTO,
  none: ToolChoiceMode.NONE,
  required: ToolChoiceMode.REQUIRED,
};

/** `tool_choice` as a string ('none', 'auto', 'required'), the same on Chat Completions and the Responses API. */
export function parseToolChoiceMode(value: string): ToolChoice {
  const mode = MODES[value];
  if (mode === undefined) throw invalidValue('tool_choice', `'${value}' is not one of 'none', 'auto', 'required'.`);
  return create(ToolChoiceSchema, { mode });
}

export function parseToolChoice(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return parseToolChoiceMode(value);
  const choice = readRecord(value, 'tool_choice');
  const type = requiredString(choice['type'], 'tool_choice.type');
  if (type !== 'function') throw invalidValue('tool_choice.type', `'${type}' is not supported; use 'function'.`, 'unsupported_value');
  if (choice['function'] === undefined || choice['function'] === null) throw missingParameter('tool_choice.function');
  const fn = readRecord(choice['function'], 'tool_choice.function');
  return create(ToolChoiceSchema, { mode: ToolChoiceMode.TOOL, toolName: requiredString(fn['name'], 'tool_choice.function.name') });
}

export function parseResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = readRecord(value, 'response_format');
  const type = requiredString(format['type'], 'response_format.type');
  switch (type) {
    case 'text':
      return create(ResponseFormatSchema, { type: ResponseFormatType.TEXT });
    case 'json_object':
      return create(ResponseFormatSchema, { type: ResponseFormatType.JSON_OBJECT });
    case 'json_schema': {
      if (format['json_schema'] === undefined || format['json_schema'] === null) throw missingParameter('response_format.json_schema');
      return parseJsonSchemaFormat(readRecord(format['json_schema'], 'response_format.json_schema'), 'response_format.json_schema');
    }
    default:
      throw invalidValue('response_format.type', `'${type}' is not one of 'text', 'json_object', 'json_schema'.`);
  }
}

/** A json_schema format's name, description, schema and strict, read from `spec` (at `path`, for errors). */
export function parseJsonSchemaFormat(spec: Record<string, unknown>, path: string): ResponseFormat {
  const schema = spec['schema'];
  if (schema === undefined || schema === null) throw missingParameter(`${path}.schema`);
  if (typeof schema !== 'object' || Array.isArray(schema)) throw invalidType(`${path}.schema`, 'an object', schema);
  structValue(schema, `${path}.schema`);
  return create(ResponseFormatSchema, {
    type: ResponseFormatType.JSON_SCHEMA,
    schemaName: requiredString(spec['name'], `${path}.name`),
    description: optionalString(spec['description'], `${path}.description`) ?? '',
    schema: schema as JsonObject,
    strict: optionalBoolean(spec['strict'], `${path}.strict`) ?? false,
  });
}
