// An Anthropic Messages request body (POST /v1/messages, or the count_tokens
// body, which has no max_tokens) → the canonical ChatRequest. Every wrong
// type or value is reported against the Anthropic field, Anthropic-style
// (`max_tokens: Field required`). Fields the canonical model does not name
// travel as provider_options (a deny-list world: unknown-but-valid vendor
// fields must reach the vendor).
import { create, type JsonValue } from '@bufbuild/protobuf';
import { ChatRequestSchema, WarningSchema, type ChatRequest, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { ParseContext } from './parse-content.js';
import { parseMessages } from './parse-messages.js';
import { parseOutputConfig, parseThinking, parseToolChoice, parseTools } from './parse-options.js';
import { fieldRequired, invalidType, invalidValue, isRecord, isUnset, optionalBoolean, optionalInteger, optionalNumber, optionalString, readRecord, requiredString, shallowBody, structValue, tooDeep } from './request-error.js';
import { unknownFields } from '../json-readers.js';

export interface ParsedMessagesRequest {
  chat: ChatRequest;
  stream: boolean;
  /** As sent, to name the matched one when the upstream stopped on a stop sequence. */
  stopSequences: string[];
  /** See parse-messages.ts: canonical messages[k] = Anthropic messages.(k − systemOffset). */
  systemOffset: number;
  /** Accepted fields with no canonical form, as warnings (Anthropic names). */
  warnings: Warning[];
}

export type RequestKind = 'messages' | 'count_tokens';

const INT32_MAX = 2_147_483_647;

/** Handled here; every other top-level field is passed through as provider_options. */
const CANONICAL_FIELDS = new Set([
  'model', 'messages', 'system', 'max_tokens', 'stream', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'tools',
  'tool_choice', 'thinking', 'output_config', 'metadata',
]);

const IGNORED_MESSAGES: Record<string, string> = {
  cache_control:
    'cache_control on a thinking block was not forwarded: Anthropic takes no breakpoint on thinking itself (it is cached as part of the prompt ' +
    'before a breakpoint); put the breakpoint on a later block',
  citations:
    'citations (on text blocks, or asked for on documents) have no canonical form and were not forwarded: the answer comes without citations',
};

export function parseMessagesRequest(body: unknown, kind: RequestKind = 'messages'): ParsedMessagesRequest {
  shallowBody(body);
  if (!isRecord(body)) throw invalidType('', 'a JSON object as the request body', body);
  const model = requiredString(body['model'], 'model');
  if (model.trim() === '') throw invalidValue('model', 'String should have at least 1 character');

  // Required by Anthropic's API (a missing one is its 400); count_tokens takes none.
  let maxOutputTokens: number | undefined;
  if (kind === 'messages') {
    if (isUnset(body['max_tokens'])) throw fieldRequired('max_tokens');
    maxOutputTokens = optionalInteger(body['max_tokens'], 'max_tokens', { min: 1, max: INT32_MAX });
  }
  const stream = kind === 'messages' ? (optionalBoolean(body['stream'], 'stream') ?? false) : false;

  const context: ParseContext = { toolNames: new Map(), ignored: new Set() };
  const { messages, systemOffset } = parseMessages(body['system'], body['messages'], context);
  const tools = parseTools(body['tools'], context);
  const { toolChoice, parallelToolCalls } = parseToolChoice(body['tool_choice']);
  const output = parseOutputConfig(body['output_config']);
  const reasoning = parseThinking(body['thinking'], output.effort);
  const stopSequences = parseStopSequences(body['stop_sequences']);
  const metadata = parseMetadata(body['metadata']);

  const providerOptions = passThrough(body, kind);
  if (output.rest) providerOptions['output_config'] = structValue(output.rest, 'output_config') as JsonValue;

  const chat = create(ChatRequestSchema, {
    model,
    messages,
    tools,
    parallelToolCalls,
    temperature: optionalNumber(body['temperature'], 'temperature', { min: 0, max: 1 }),
    topP: optionalNumber(body['top_p'], 'top_p', { min: 0, max: 1 }),
    topK: optionalInteger(body['top_k'], 'top_k', { min: 1, max: INT32_MAX }),
    maxOutputTokens,
    stop: stopSequences,
    user: metadata.userId,
    metadata: metadata.others,
    providerOptions: Object.keys(providerOptions).length > 0 ? providerOptions : undefined,
  });
  if (toolChoice) chat.toolChoice = toolChoice;
  if (output.responseFormat) chat.responseFormat = output.responseFormat;
  if (reasoning) chat.reasoning = reasoning;

  const warnings = [...context.ignored].map((param) =>
    create(WarningSchema, {
      code: 'unsupported_parameter',
      param,
      message: IGNORED_MESSAGES[param] ?? `${param} has no canonical form and was not forwarded`,
    }),
  );
  return { chat, stream, stopSequences, systemOffset, warnings };
}

function parseStopSequences(value: unknown): string[] {
  if (isUnset(value)) return [];
  if (!Array.isArray(value)) throw invalidType('stop_sequences', 'a valid list', value);
  return value.map((entry, index) => {
    if (typeof entry !== 'string') throw invalidType(`stop_sequences.${index}`, 'a valid string', entry);
    return entry;
  });
}

/** metadata.user_id → user; other string entries → canonical metadata (adapters warn where unsupported). */
function parseMetadata(value: unknown): { userId: string; others: Record<string, string> } {
  if (isUnset(value)) return { userId: '', others: {} };
  const record = readRecord(value, 'metadata');
  const others: Record<string, string> = {};
  let userId = '';
  for (const [key, entry] of Object.entries(record)) {
    if (isUnset(entry)) continue;
    if (key === 'user_id') userId = optionalString(entry, 'metadata.user_id') ?? '';
    else if (typeof entry === 'string') others[key] = entry;
    else throw invalidType(`metadata.${key}`, 'a valid string', entry);
  }
  return { userId, others };
}

/** Unknown top-level fields with a value (null means "not set"). count_tokens bodies may carry a stray max_tokens / stream. */
function passThrough(body: Record<string, unknown>, kind: RequestKind): Record<string, JsonValue> {
  return unknownFields(body, kind === 'count_tokens' ? isCountTokensField : isCanonicalField, tooDeep) ?? {};
}

const isCanonicalField = (name: string) => CANONICAL_FIELDS.has(name);
const isCountTokensField = (name: string) => CANONICAL_FIELDS.has(name) || name === 'stream';
