// An OpenAI Chat Completions request body → the canonical ChatRequest, with
// every wrong type or value reported against the OpenAI parameter name.
// Parameters the canonical model does not name travel in provider_options.
import { create, type JsonObject } from '@bufbuild/protobuf';
import { ChatRequestSchema, ReasoningConfigSchema, type ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import { ALL_EFFORT_NAMES, REASONING_EFFORTS } from '../reasoning-efforts.js';
import { parseMessages } from './parse-messages.js';
import { parseResponseFormat, parseToolChoice, parseTools } from './parse-options.js';
import { invalidType, invalidValue, isRecord, optionalBoolean, optionalEnum, optionalInteger, optionalNumber, optionalString, readRecord, requiredString, shallowBody, tooDeep } from './request-error.js';
import { unknownFields } from '../json-readers.js';

export interface ParsedChatRequest {
  chat: ChatRequest;
  stream: boolean;
  /** stream_options.include_usage */
  includeUsage: boolean;
  /** Requested number of choices (1 when not asked). */
  n: number;
}

const INT32_MAX = 2_147_483_647;


/** Handled here; every other top-level key is passed through as provider_options. */
const CANONICAL_PARAMETERS = new Set([
  'model', 'messages', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format', 'temperature', 'top_p',
  'max_tokens', 'max_completion_tokens', 'stop', 'seed', 'presence_penalty', 'frequency_penalty', 'reasoning_effort',
  'user', 'metadata', 'stream', 'stream_options', 'n', 'logprobs', 'top_logprobs',
]);
/** Legacy function calling: its answers would come back in a shape the gateway does not map. */
const REJECTED_PARAMETERS: ReadonlyArray<readonly [string, string]> = [
  ['functions', "the legacy 'functions' parameter is not supported; use 'tools'."],
  ['function_call', "the legacy 'function_call' parameter is not supported; use 'tool_choice'."],
];

export function parseChatRequest(body: unknown): ParsedChatRequest {
  shallowBody(body);
  if (!isRecord(body)) throw invalidType('body', 'a JSON object', body);
  for (const [name, message] of REJECTED_PARAMETERS) {
    if (body[name] !== undefined && body[name] !== null) throw invalidValue(name, message, 'unsupported_parameter');
  }
  const model = requiredString(body['model'], 'model');
  if (model.trim() === '') throw invalidValue('model', 'must not be empty.');

  const stream = optionalBoolean(body['stream'], 'stream') ?? false;
  const streamOptions = body['stream_options'] === undefined || body['stream_options'] === null
    ? {}
    : readRecord(body['stream_options'], 'stream_options');
  const includeUsage = optionalBoolean(streamOptions['include_usage'], 'stream_options.include_usage') ?? false;

  // Both name the output limit; max_completion_tokens (which counts reasoning) wins.
  const maxTokens = optionalInteger(body['max_tokens'], 'max_tokens', { min: 1, max: INT32_MAX });
  const maxCompletionTokens = optionalInteger(body['max_completion_tokens'], 'max_completion_tokens', { min: 1, max: INT32_MAX });
  const n = optionalInteger(body['n'], 'n', { min: 1, max: 128 }) ?? 1;
  const effort = optionalEnum(body['reasoning_effort'], 'reasoning_effort', ALL_EFFORT_NAMES);
  const seed = optionalInteger(body['seed'], 'seed', { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
  const responseFormat = parseResponseFormat(body['response_format']);
  const toolChoice = parseToolChoice(body['tool_choice']);

  const chat = create(ChatRequestSchema, {
    model,
    messages: parseMessages(body['messages']),
    tools: parseTools(body['tools']),
    parallelToolCalls: optionalBoolean(body['parallel_tool_calls'], 'parallel_tool_calls'),
    temperature: optionalNumber(body['temperature'], 'temperature', { min: 0, max: 2 }),
    topP: optionalNumber(body['top_p'], 'top_p', { min: 0, max: 1 }),
    maxOutputTokens: maxCompletionTokens ?? maxTokens,
    stop: parseStop(body['stop']),
    seed: seed === undefined ? undefined : BigInt(seed),
    presencePenalty: optionalNumber(body['presence_penalty'], 'presence_penalty', { min: -2, max: 2 }),
    frequencyPenalty: optionalNumber(body['frequency_penalty'], 'frequency_penalty', { min: -2, max: 2 }),
    user: optionalString(body['user'], 'user') ?? '',
    metadata: parseMetadata(body['metadata']),
    candidateCount: n > 1 ? n : undefined,
    logprobs: optionalBoolean(body['logprobs'], 'logprobs') ?? false,
    topLogprobs: optionalInteger(body['top_logprobs'], 'top_logprobs', { min: 0, max: 20 }) ?? 0,
    providerOptions: passThrough(body),
  });
  if (responseFormat) chat.responseFormat = responseFormat;
  if (toolChoice) chat.toolChoice = toolChoice;
  if (effort !== undefined) {
    chat.reasoning = create(ReasoningConfigSchema, { effort: REASONING_EFFORTS[effort], includeReasoning: effort !== 'none' });
  }
  return { chat, stream, includeUsage: stream && includeUsage, n };
}

function parseStop(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) throw invalidType('stop', 'a string or an array of strings', value);
  return value.map((entry, index) => {
    if (typeof entry !== 'string') throw invalidType(`stop[${index}]`, 'a string', entry);
    return entry;
  });
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const record = readRecord(value, 'metadata');
  const metadata: Record<string, string> = {};
  for (const [key, entry] of Object.entries(record)) {
    if (typeof entry !== 'string') throw invalidType(`metadata.${key}`, 'a string', entry);
    metadata[key] = entry;
  }
  return metadata;
}

/** Unknown parameters with a value (null means "not set"), as the provider_options struct. */
function passThrough(body: Record<string, unknown>): JsonObject | undefined {
  return unknownFields(body, isCanonicalParameter, tooDeep);
}

const isCanonicalParameter = (name: string) => CANONICAL_PARAMETERS.has(name);
