// A Gemini GenerateContentRequest body (generateContent, streamGenerateContent,
// or countTokens' `contents` / `generateContentRequest`) → the canonical
// ChatRequest; the model comes from the path. Fields of generationConfig the
// canonical model does not name are reported as warnings (never dropped
// silently); unknown top-level fields (safetySettings, cachedContent …) travel
// as provider_options, as on the other surfaces. Fields may come in either
// protobuf JSON spelling (`generation_config` or `generationConfig`): they are
// read after field-spelling.ts made them camelCase.
// https://ai.google.dev/api/generate-content#request-body
import { create, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import {
  ChatRequestSchema,
  ReasoningEffort,
  ResponseFormatType,
  Role,
  ToolChoiceMode,
  WarningSchema,
  type ChatRequest,
  type ReasoningConfig,
  type Tool,
  type ToolChoice,
  type Warning,
} from '../../../gen/llmgateway/v1/chat_pb.js';
import { camelCaseCountTokensRequest, camelCaseGenerateRequest } from './field-spelling.js';
import { GeminiFieldNames } from './field-names.js';
import { parseContents } from './parse-contents.js';
import { at, invalidType, invalidValue, isRecord, isUnset, oneOf, optionalBoolean, optionalInteger, optionalNumber, optionalString, readList, readRecord, requiredString, shallowBody, structValue, tooDeep, type JsonRecord } from './request-error.js';
import { unknownFields } from '../json-readers.js';

export interface ParsedGenerateRequest {
  chat: ChatRequest;
  /** Accepted fields the canonical model has no place for (Gemini names). */
  warnings: Warning[];
  /** The Gemini fields the canonical ones stand for, in errors and warnings. */
  fieldNames: GeminiFieldNames;
}

const INT32_MAX = 2_147_483_647;
const CANONICAL_FIELDS = new Set(['model', 'contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig']);
const GENERATION_FIELDS = new Set([
  'temperature', 'topP', 'topK', 'maxOutputTokens', 'stopSequences', 'candidateCount', 'seed', 'presencePenalty',
  'frequencyPenalty', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'thinkingConfig', 'responseLogprobs', 'logprobs',
]);

export function parseGenerateRequest(sent: unknown, model: string): ParsedGenerateRequest {
  // Refused before camelCaseGenerateRequest walks it.
  const body = camelCaseGenerateRequest(shallowBody(sent));
  if (!isRecord(body)) throw invalidType('', 'a JSON object as the request body', body);
  const warnings: Warning[] = [];
  const chat = create(ChatRequestSchema, {
    model,
    messages: parseContents(body['systemInstruction'], body['contents']),
    tools: parseTools(body['tools']),
  });
  const toolChoice = parseToolConfig(body['toolConfig']);
  if (toolChoice) chat.toolChoice = toolChoice;
  applyGenerationConfig(chat, body['generationConfig'], warnings);
  const extra = unknownFields(body, isCanonicalField, tooDeep);
  if (extra) chat.providerOptions = extra;
  const fieldNames = new GeminiFieldNames(chat.messages[0]?.role === Role.SYSTEM ? 1 : 0, body);
  return { chat, warnings, fieldNames };
}

/** countTokens: `contents` alone, or a whole `generateContentRequest` (its tools and system instruction counted too). */
export function parseCountTokensRequest(sent: unknown, model: string): ParsedGenerateRequest {
  const body = camelCaseCountTokensRequest(shallowBody(sent));
  return parseGenerateRequest(isRecord(body) && isRecord(body['generateContentRequest']) ? body['generateContentRequest'] : body, model);
}

const isCanonicalField = (name: string) => CANONICAL_FIELDS.has(name);

function parseTools(value: unknown): Tool[] {
  if (isUnset(value)) return [];
  return readList(value, 'tools').flatMap((raw, index) => {
    const where = at('tools', index);
    const tool = readRecord(raw, where);
    const others = Object.keys(tool).filter((key) => key !== 'functionDeclarations' && !isUnset(tool[key]));
    if (others.length > 0) {
      throw invalidValue(at(where, others[0]!), 'only functionDeclarations tools are served through this gateway (built-in Google tools run only on Gemini itself)');
    }
    return readList(tool['functionDeclarations'], at(where, 'functionDeclarations')).map((entry, position) => {
      const declaration = readRecord(entry, at(at(where, 'functionDeclarations'), position));
      const place = at(at(where, 'functionDeclarations'), position);
      const schemaField = at(place, isUnset(declaration['parametersJsonSchema']) ? 'parameters' : 'parametersJsonSchema');
      const schema = isUnset(declaration['parametersJsonSchema']) ? declaration['parameters'] : declaration['parametersJsonSchema'];
      // Checked as converted (a nullable type becomes a list, one level more): what becomes the Struct.
      const parameters = isUnset(schema) ? undefined : structValue(jsonSchemaOf(readRecord(schema, at(place, 'parameters'))) as JsonObject, schemaField);
      return {
        $typeName: 'llmgateway.v1.Tool',
        name: requiredString(declaration['name'], at(place, 'name')),
        description: optionalString(declaration['description'], at(place, 'description')) ?? '',
        strict: false,
        ...(parameters ? { parameters } : {}),
      } as Tool;
    });
  });
}

/**
 * Gemini's OpenAPI-style schemas (https://ai.google.dev/api/caching#Schema) → JSON Schema, which every provider
 * reads (Gemini too: the gateway sends parametersJsonSchema / responseJsonSchema): types in lower case (`OBJECT`
 * → `object`), and OpenAPI's `nullable: true`, which JSON Schema does not know, as a `null` type (and a `null`
 * in the enum, which would refuse it otherwise). Left as it was, a constrained decoder could never answer null.
 */
function jsonSchemaOf(schema: JsonRecord): JsonValue {
  const convert = (value: unknown, key: string): JsonValue => {
    if (key === 'type' && typeof value === 'string') return value.toLowerCase();
    if (Array.isArray(value)) return value.map((entry) => convert(entry, '')) as JsonValue;
    if (isRecord(value)) {
      const converted = Object.fromEntries(Object.entries(value).map(([name, entry]) => [name, convert(entry, name)])) as JsonRecord;
      // A schema's `nullable` is a boolean; a property that happens to be named "nullable" is a schema (an object).
      return typeof value['nullable'] === 'boolean' && key !== 'properties' ? withoutNullable(converted) : (converted as JsonValue);
    }
    return value as JsonValue;
  };
  return convert(schema, '');
}

function withoutNullable(schema: JsonRecord): JsonValue {
  const { nullable, ...rest } = schema;
  if (nullable !== true) return rest as JsonValue;
  const type = rest['type'];
  if (typeof type === 'string') rest['type'] = [type, 'null'];
  else if (Array.isArray(rest['anyOf'])) rest['anyOf'] = [...rest['anyOf'], { type: 'null' }];
  if (Array.isArray(rest['enum']) && !rest['enum'].includes(null)) rest['enum'] = [...rest['enum'], null];
  return rest as JsonValue;
}

function parseToolConfig(value: unknown): ToolChoice | undefined {
  if (isUnset(value)) return undefined;
  const config = readRecord(value, 'toolConfig');
  if (isUnset(config['functionCallingConfig'])) return undefined;
  const calling = readRecord(config['functionCallingConfig'], 'toolConfig.functionCallingConfig');
  const modeField = 'toolConfig.functionCallingConfig.mode';
  const mode = oneOf(optionalString(calling['mode'], modeField) ?? 'AUTO', modeField, ['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED'] as const);
  const allowed = isUnset(calling['allowedFunctionNames'])
    ? []
    : readList(calling['allowedFunctionNames'], 'toolConfig.functionCallingConfig.allowedFunctionNames').map((name, index) =>
        requiredString(name, `toolConfig.functionCallingConfig.allowedFunctionNames[${index}]`),
      );
  const choice = (toolMode: ToolChoiceMode, toolName = ''): ToolChoice => ({ $typeName: 'llmgateway.v1.ToolChoice', mode: toolMode, toolName });
  switch (mode) {
    case 'NONE':
      return choice(ToolChoiceMode.NONE);
    case 'ANY':
      if (allowed.length === 1) return choice(ToolChoiceMode.TOOL, allowed[0]);
      if (allowed.length > 1) throw invalidValue('toolConfig.functionCallingConfig.allowedFunctionNames', 'this gateway can restrict calls to one function, not several');
      return choice(ToolChoiceMode.REQUIRED);
    default:
      return choice(ToolChoiceMode.AUTO);
  }
}

function applyGenerationConfig(chat: ChatRequest, value: unknown, warnings: Warning[]): void {
  if (isUnset(value)) return;
  const config = readRecord(value, 'generationConfig');
  const field = (name: string) => `generationConfig.${name}`;
  chat.temperature = optionalNumber(config['temperature'], field('temperature'), { min: 0, max: 2 });
  chat.topP = optionalNumber(config['topP'], field('topP'), { min: 0, max: 1 });
  chat.topK = optionalInteger(config['topK'], field('topK'), { min: 1, max: INT32_MAX });
  chat.maxOutputTokens = optionalInteger(config['maxOutputTokens'], field('maxOutputTokens'), { min: 1, max: INT32_MAX });
  chat.candidateCount = optionalInteger(config['candidateCount'], field('candidateCount'), { min: 1, max: 8 });
  const seed = optionalInteger(config['seed'], field('seed'), { min: -INT32_MAX - 1, max: INT32_MAX });
  if (seed !== undefined) chat.seed = BigInt(seed);
  chat.presencePenalty = optionalNumber(config['presencePenalty'], field('presencePenalty'));
  chat.frequencyPenalty = optionalNumber(config['frequencyPenalty'], field('frequencyPenalty'));
  if (!isUnset(config['stopSequences'])) {
    chat.stop = readList(config['stopSequences'], field('stopSequences')).map((entry, index) => requiredString(entry, `${field('stopSequences')}[${index}]`));
  }
  applyLogprobs(chat, config, warnings);
  applyResponseFormat(chat, config);
  const reasoning = parseThinking(config['thinkingConfig']);
  if (reasoning) chat.reasoning = reasoning;
  for (const [name, entry] of Object.entries(config)) {
    if (GENERATION_FIELDS.has(name) || isUnset(entry)) continue;
    warnings.push(create(WarningSchema, { code: 'unsupported_parameter', param: field(name), message: `${field(name)} has no canonical form and was not forwarded` }));
  }
}

/** responseLogprobs, and `logprobs` (alternatives per step, 0–20), which Gemini reads only with it. */
function applyLogprobs(chat: ChatRequest, config: JsonRecord, warnings: Warning[]): void {
  chat.logprobs = optionalBoolean(config['responseLogprobs'], 'generationConfig.responseLogprobs') ?? false;
  const top = optionalInteger(config['logprobs'], 'generationConfig.logprobs', { min: 0, max: 20 });
  if (top === undefined) return;
  if (chat.logprobs) chat.topLogprobs = top;
  else warnings.push(create(WarningSchema, { code: 'unsupported_parameter', param: 'generationConfig.logprobs', message: 'generationConfig.logprobs is only read with responseLogprobs: true; it was not forwarded' }));
}

function applyResponseFormat(chat: ChatRequest, config: JsonRecord): void {
  const mimeType = optionalString(config['responseMimeType'], 'generationConfig.responseMimeType');
  const schemaValue = isUnset(config['responseJsonSchema']) ? config['responseSchema'] : config['responseJsonSchema'];
  const schemaField = isUnset(config['responseJsonSchema']) ? 'generationConfig.responseSchema' : 'generationConfig.responseJsonSchema';
  if (mimeType === 'text/x.enum') {
    // Enum mode answers a bare enum value, not JSON: its own format, which only Gemini serves (README).
    if (isUnset(schemaValue)) throw invalidValue('generationConfig.responseSchema', 'text/x.enum needs a responseSchema with an enum');
    const schema = structValue(jsonSchemaOf(readRecord(schemaValue, schemaField)) as JsonObject, schemaField);
    if (!Array.isArray(schema['enum'])) throw invalidValue(schemaField, 'text/x.enum needs a schema with an enum');
    chat.responseFormat = { $typeName: 'llmgateway.v1.ResponseFormat', type: ResponseFormatType.ENUM, schemaName: '', description: '', schema, strict: false };
  } else if (!isUnset(schemaValue)) {
    const schema = structValue(jsonSchemaOf(readRecord(schemaValue, schemaField)) as JsonObject, schemaField);
    chat.responseFormat = { $typeName: 'llmgateway.v1.ResponseFormat', type: ResponseFormatType.JSON_SCHEMA, schemaName: 'response', description: '', schema, strict: false };
  } else if (mimeType === 'application/json') {
    chat.responseFormat = { $typeName: 'llmgateway.v1.ResponseFormat', type: ResponseFormatType.JSON_OBJECT, schemaName: '', description: '' , strict: false };
  } else if (mimeType !== undefined && mimeType !== 'text/plain') {
    throw invalidValue('generationConfig.responseMimeType', `"${mimeType}" is not supported by this gateway; use text/plain, application/json or text/x.enum`);
  }
}

const LEVELS: Record<string, ReasoningEffort> = {
  MINIMAL: ReasoningEffort.MINIMAL,
  LOW: ReasoningEffort.LOW,
  MEDIUM: ReasoningEffort.MEDIUM,
  HIGH: ReasoningEffort.HIGH,
};

/** thinkingBudget: 0 = off, -1 = the model decides (nothing set), n = a budget; thinkingLevel → effort; includeThoughts. */
function parseThinking(value: unknown): ReasoningConfig | undefined {
  if (isUnset(value)) return undefined;
  const thinking = readRecord(value, 'generationConfig.thinkingConfig');
  const reasoning: ReasoningConfig = { $typeName: 'llmgateway.v1.ReasoningConfig', effort: ReasoningEffort.UNSPECIFIED, includeReasoning: false };
  const budget = optionalInteger(thinking['thinkingBudget'], 'generationConfig.thinkingConfig.thinkingBudget', { min: -1, max: INT32_MAX });
  if (budget === 0) reasoning.effort = ReasoningEffort.NONE;
  else if (budget !== undefined && budget > 0) reasoning.budgetTokens = budget;
  const levelField = 'generationConfig.thinkingConfig.thinkingLevel';
  const level = optionalString(thinking['thinkingLevel'], levelField);
  if (level !== undefined) {
    if (budget !== undefined) throw invalidValue(levelField, 'set thinkingLevel or thinkingBudget, not both');
    reasoning.effort = LEVELS[oneOf(level.toUpperCase(), levelField, Object.keys(LEVELS))]!;
  }
  reasoning.includeReasoning = optionalBoolean(thinking['includeThoughts'], 'generationConfig.thinkingConfig.includeThoughts') ?? false;
  return reasoning;
}
