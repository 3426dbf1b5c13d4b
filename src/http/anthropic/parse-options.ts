// Anthropic `tools`, `tool_choice`, `thinking` and `output_config` → canonical.
//   tools[] {name, description, input_schema, strict, cache_control} → Tool
//     (input_schema → parameters, cache_control → cache_breakpoint); server
//     tools (`type` other than custom) are refused.
//   tool_choice auto|any|none|tool(+name) → AUTO|REQUIRED|NONE|TOOL;
//     disable_parallel_tool_use → parallel_tool_calls false.
//   thinking enabled(budget_tokens) → reasoning budget + include_reasoning;
//     disabled → effort NONE; adaptive → effort (output_config.effort, else
//     high, Anthropic's default); display "omitted" → no reasoning text asked.
//   output_config.format json_schema → response_format JSON_SCHEMA (strict:
//     Anthropic's structured outputs are constrained decoding);
//     output_config.effort → reasoning effort. Other output_config keys travel
//     on as provider_options.output_config.
import { create, type JsonObject } from '@bufbuild/protobuf';
import {
  ReasoningConfigSchema,
  ReasoningEffort,
  ResponseFormatSchema,
  ResponseFormatType,
  ToolChoiceMode,
  ToolChoiceSchema,
  ToolSchema,
  type ReasoningConfig,
  type ResponseFormat,
  type Tool,
  type ToolChoice,
} from '../../../gen/llmgateway/v1/chat_pb.js';
import { REASONING_EFFORTS, type EffortName } from '../reasoning-efforts.js';
import { parseCacheControl } from './parse-cache-control.js';
import type { ParseContext } from './parse-content.js';
import { at, fieldRequired, invalidType, invalidValue, isUnset, oneOf, optionalBoolean, optionalInteger, optionalString, readRecord, requiredString, structValue, type JsonRecord } from './request-error.js';

const INT32_MAX = 2_147_483_647;
const TOOL_FIELDS = new Set(['name', 'description', 'input_schema', 'strict', 'type', 'cache_control']);

export function parseTools(value: unknown, context: ParseContext): Tool[] {
  if (isUnset(value)) return [];
  if (!Array.isArray(value)) throw invalidType('tools', 'a valid list', value);
  return value.map((entry, index) => {
    const field = at('tools', index);
    const tool = readRecord(entry, field);
    const type = optionalString(tool['type'], at(field, 'type'));
    if (type !== undefined && type !== 'custom') {
      throw invalidValue(at(field, 'type'), `server tools ('${type}') are not supported by this gateway; define client tools with a name and an input_schema`);
    }
    for (const key of Object.keys(tool)) if (!TOOL_FIELDS.has(key) && !isUnset(tool[key])) context.ignored.add(`tools.${key}`);
    const schemaField = at(field, 'input_schema');
    const schema = structValue(readRecord(tool['input_schema'], schemaField), schemaField);
    return create(ToolSchema, {
      name: requiredString(tool['name'], at(field, 'name')),
      description: optionalString(tool['description'], at(field, 'description')) ?? '',
      parameters: schema as JsonObject,
      strict: optionalBoolean(tool['strict'], at(field, 'strict')) ?? false,
      cacheBreakpoint: parseCacheControl(tool['cache_control'], at(field, 'cache_control')),
    });
  });
}

export interface ParsedToolChoice {
  toolChoice: ToolChoice | undefined;
  parallelToolCalls: boolean | undefined;
}

const MODES = { auto: ToolChoiceMode.AUTO, any: ToolChoiceMode.REQUIRED, none: ToolChoiceMode.NONE, tool: ToolChoiceMode.TOOL } as const;

export function parseToolChoice(value: unknown): ParsedToolChoice {
  if (isUnset(value)) return { toolChoice: undefined, parallelToolCalls: undefined };
  const choice = readRecord(value, 'tool_choice');
  const type = oneOf(requiredString(choice['type'], 'tool_choice.type'), 'tool_choice.type', ['auto', 'any', 'none', 'tool'] as const);
  const toolName = type === 'tool' ? requiredString(choice['name'], 'tool_choice.name') : '';
  const disableParallel = type === 'none' ? undefined : optionalBoolean(choice['disable_parallel_tool_use'], 'tool_choice.disable_parallel_tool_use');
  return {
    toolChoice: create(ToolChoiceSchema, { mode: MODES[type], toolName }),
    parallelToolCalls: disableParallel === true ? false : undefined,
  };
}

/** Anthropic's `output_config.effort` levels. */
const EFFORT_NAMES = ['low', 'medium', 'high', 'xhigh', 'max'] as const satisfies readonly EffortName[];

export interface ParsedOutputConfig {
  responseFormat: ResponseFormat | undefined;
  effort: ReasoningEffort | undefined;
  /** output_config keys the canonical model does not name (pass-through). */
  rest: JsonRecord | undefined;
}

export function parseOutputConfig(value: unknown): ParsedOutputConfig {
  if (isUnset(value)) return { responseFormat: undefined, effort: undefined, rest: undefined };
  const config = readRecord(value, 'output_config');
  const { format, effort, ...others } = config;
  const rest = Object.fromEntries(Object.entries(others).filter(([, entry]) => !isUnset(entry)));
  let responseFormat: ResponseFormat | undefined;
  if (!isUnset(format)) {
    const spec = readRecord(format, 'output_config.format');
    oneOf(requiredString(spec['type'], 'output_config.format.type'), 'output_config.format.type', ['json_schema'] as const);
    const schema = structValue(readRecord(spec['schema'], 'output_config.format.schema'), 'output_config.format.schema');
    responseFormat = create(ResponseFormatSchema, {
      type: ResponseFormatType.JSON_SCHEMA,
      schemaName: 'response',
      schema: schema as JsonObject,
      strict: true,
    });
  }
  let effortValue: ReasoningEffort | undefined;
  if (!isUnset(effort)) {
    const name = oneOf(requiredString(effort, 'output_config.effort'), 'output_config.effort', EFFORT_NAMES);
    effortValue = REASONING_EFFORTS[name];
  }
  return { responseFormat, effort: effortValue, rest: Object.keys(rest).length > 0 ? rest : undefined };
}

export function parseThinking(value: unknown, effort: ReasoningEffort | undefined): ReasoningConfig | undefined {
  if (isUnset(value)) {
    // Effort alone (no thinking config) still says how hard to work.
    return effort === undefined ? undefined : create(ReasoningConfigSchema, { effort, includeReasoning: false });
  }
  const thinking = readRecord(value, 'thinking');
  const type = oneOf(requiredString(thinking['type'], 'thinking.type'), 'thinking.type', ['enabled', 'disabled', 'adaptive'] as const);
  if (type === 'disabled') return create(ReasoningConfigSchema, { effort: ReasoningEffort.NONE, includeReasoning: false });
  const display = optionalString(thinking['display'], 'thinking.display');
  if (display !== undefined) oneOf(display, 'thinking.display', ['summarized', 'omitted'] as const);
  const includeReasoning = display !== 'omitted';
  if (type === 'adaptive') return create(ReasoningConfigSchema, { effort: effort ?? ReasoningEffort.HIGH, includeReasoning });
  if (isUnset(thinking['budget_tokens'])) throw fieldRequired('thinking.budget_tokens');
  const budgetTokens = optionalInteger(thinking['budget_tokens'], 'thinking.budget_tokens', { min: 1, max: INT32_MAX });
  return create(ReasoningConfigSchema, { effort: effort ?? ReasoningEffort.UNSPECIFIED, budgetTokens, includeReasoning });
}
