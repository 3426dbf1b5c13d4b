// A Responses API request body (POST /v1/responses) → the canonical
// ChatRequest (without the stored conversation, which the surface puts before
// the input), plus what the answer echoes and how it is delivered. Parameters
// the canonical model does not name travel in provider_options, as on the
// Chat Completions shim; features that need OpenAI's own stateful Responses
// API are refused by name.
import { create, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import { ChatRequestSchema, GatewayOptionsSchema, ReasoningConfigSchema, type ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import { ALL_EFFORT_NAMES, REASONING_EFFORTS } from '../reasoning-efforts.js';
import {
  invalidType,
  invalidValue,
  isRecord,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalNumber,
  optionalString,
  readArray,
  readRecord,
  requiredString,
  shallowBody,
  structValue,
  tooDeep,
  type JsonRecord,
} from '../openai/request-error.js';
import { normalizeInput } from './input-items.js';
import { parseTextFormat, parseToolChoice, parseTools } from './parse-tools.js';
import type { ResponseSettings } from './responses-wire.js';
import { isUnset, unknownFields } from '../json-readers.js';

export interface ParsedResponsesRequest {
  /** The canonical request: instructions and this request's input; the surface adds a stored conversation. */
  chat: ChatRequest;
  /** This request's input items, normalized (ids, content arrays): stored and listed as they are. */
  inputItems: JsonRecord[];
  stream: boolean;
  /** `include`: whether reasoning items carry encrypted_content. */
  includeEncryptedReasoning: boolean;
  /** Whether reasoning text is shown as a summary (reasoning.summary set). */
  summarizeReasoning: boolean;
  /** Echoed in the response object. */
  settings: ResponseSettings;
}

const INT32_MAX = 2_147_483_647;

/** Handled here; every other top-level key is passed through as provider_options. */
const CANONICAL_PARAMETERS = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'text', 'reasoning', 'max_output_tokens',
  'temperature', 'top_p', 'metadata', 'store', 'previous_response_id', 'stream', 'stream_options', 'include', 'user', 'truncation',
  'safety_identifier', 'prompt_cache_key', 'top_logprobs',
]);

/** Features of OpenAI's stateful Responses API the gateway does not have. */
const REFUSED_PARAMETERS: Record<string, string> = {
  background: 'background responses are not supported by this gateway; send the request without it (stream for long answers).',
  conversation: "the Conversations API is not supported by this gateway; continue with 'previous_response_id'.",
  prompt: 'stored prompt templates are not supported by this gateway; send the instructions and input.',
  max_tool_calls: "'max_tool_calls' limits built-in tool calls, which this gateway does not run.",
};

const SUMMARIES = ['auto', 'concise', 'detailed'] as const;

export function parseResponsesRequest(body: unknown): ParsedResponsesRequest {
  shallowBody(body);
  if (!isRecord(body)) throw invalidType('body', 'a JSON object', body);
  for (const [name, message] of Object.entries(REFUSED_PARAMETERS)) {
    if (body[name] !== undefined && body[name] !== null && body[name] !== false) throw invalidValue(name, message, 'unsupported_parameter');
  }
  const model = requiredString(body['model'], 'model');
  if (model.trim() === '') throw invalidValue('model', 'must not be empty.');
  const inputItems = normalizeInput(body['input']);
  const instructions = optionalString(body['instructions'], 'instructions');
  const maxOutputTokens = optionalInteger(body['max_output_tokens'], 'max_output_tokens', { min: 1, max: INT32_MAX });
  const temperature = optionalNumber(body['temperature'], 'temperature', { min: 0, max: 2 });
  const topP = optionalNumber(body['top_p'], 'top_p', { min: 0, max: 1 });
  const parallelToolCalls = optionalBoolean(body['parallel_tool_calls'], 'parallel_tool_calls');
  const text = body['text'] === undefined || body['text'] === null ? {} : readRecord(body['text'], 'text');
  const responseFormat = parseTextFormat(text['format']);
  const reasoningBody = body['reasoning'] === undefined || body['reasoning'] === null ? {} : readRecord(body['reasoning'], 'reasoning');
  const effort = optionalEnum(reasoningBody['effort'], 'reasoning.effort', ALL_EFFORT_NAMES);
  const summary = optionalEnum(reasoningBody['summary'] ?? reasoningBody['generate_summary'], 'reasoning.summary', SUMMARIES);
  const toolChoice = parseToolChoice(body['tool_choice']);
  const include = body['include'] === undefined || body['include'] === null ? [] : readArray(body['include'], 'include');
  include.forEach((entry, index) => {
    if (typeof entry !== 'string') throw invalidType(`include[${index}]`, 'a string', entry);
  });
  const truncation = optionalEnum(body['truncation'], 'truncation', ['auto', 'disabled'] as const) ?? 'disabled';
  const user = optionalString(body['user'], 'user');
  // Both are hints about the caller, named in the canonical model's terms so that every family can serve
  // them (sent upstream as is they would be refused by Anthropic and Gemini): safety_identifier is the
  // end user (canonical `user`); prompt_cache_key keeps requests that share a prompt prefix together —
  // the gateway's session, whose affinity routing sends them to the same target.
  const safetyIdentifier = optionalString(body['safety_identifier'], 'safety_identifier');
  const promptCacheKey = optionalString(body['prompt_cache_key'], 'prompt_cache_key');
  const metadata = parseMetadata(body['metadata']);
  const previousResponseId = optionalString(body['previous_response_id'], 'previous_response_id');
  const store = optionalBoolean(body['store'], 'store') ?? true;
  // Log probabilities come with include "message.output_text.logprobs"; top_logprobs (0–20) asks for them too.
  const topLogprobs = optionalInteger(body['top_logprobs'], 'top_logprobs', { min: 0, max: 20 }) ?? 0;
  const logprobs = include.includes('message.output_text.logprobs') || topLogprobs > 0;

  const chat = create(ChatRequestSchema, {
    model,
    messages: [],
    tools: parseTools(body['tools']),
    parallelToolCalls,
    temperature,
    topP,
    maxOutputTokens,
    user: user ?? safetyIdentifier ?? '',
    metadata,
    logprobs,
    topLogprobs,
    providerOptions: passThrough(body, text),
  });
  if (promptCacheKey) chat.gateway = create(GatewayOptionsSchema, { sessionId: promptCacheKey.slice(0, 200) });
  if (responseFormat) chat.responseFormat = responseFormat;
  if (toolChoice) chat.toolChoice = toolChoice;
  if (effort !== undefined || summary !== undefined) {
    chat.reasoning = create(ReasoningConfigSchema, {
      effort: effort === undefined ? undefined : REASONING_EFFORTS[effort],
      includeReasoning: effort !== 'none',
    });
  }
  return {
    chat,
    inputItems,
    stream: optionalBoolean(body['stream'], 'stream') ?? false,
    includeEncryptedReasoning: include.includes('reasoning.encrypted_content'),
    summarizeReasoning: summary !== undefined,
    settings: {
      instructions: instructions ?? null,
      max_output_tokens: maxOutputTokens ?? null,
      metadata,
      parallel_tool_calls: parallelToolCalls ?? true,
      previous_response_id: previousResponseId ?? null,
      reasoning: { effort: effort ?? null, summary: summary ?? null },
      store,
      temperature: temperature ?? 1,
      text: { format: responseFormat ? (text['format'] as JsonRecord) : { type: 'text' } },
      tool_choice: (body['tool_choice'] as JsonValue | undefined) ?? 'auto',
      tools: (body['tools'] as JsonValue[] | undefined) ?? [],
      top_p: topP ?? 1,
      truncation,
      user: user ?? null,
    },
  };
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const record = readRecord(value, 'metadata');
  const entries = Object.entries(record);
  if (entries.length > 16) throw invalidValue('metadata', 'at most 16 keys are allowed.');
  for (const [key, entry] of entries) {
    if (typeof entry !== 'string') throw invalidType(`metadata.${key}`, 'a string', entry);
    if (key.length > 64 || entry.length > 512) throw invalidValue(`metadata.${key}`, 'keys are at most 64 and values at most 512 characters.');
  }
  return record as Record<string, string>;
}

/** Unknown parameters with a value (null means "not set"), and text.verbosity, as the provider_options struct. */
function passThrough(body: JsonRecord, text: JsonRecord): JsonObject | undefined {
  const fields = unknownFields(body, isKnownOrRefused, tooDeep);
  if (isUnset(text['verbosity'])) return fields;
  return { ...fields, verbosity: structValue(text['verbosity'], 'text.verbosity') as JsonValue };
}

const isKnownOrRefused = (name: string) => CANONICAL_PARAMETERS.has(name) || name in REFUSED_PARAMETERS;
