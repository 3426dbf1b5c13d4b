// OpenAI's legacy `/v1/completions` (a prompt in, text out) onto the
// canonical chat request, so any provider serves it: the prompt is one user
// message, the answer's text is the completion. `max_tokens` defaults to 16
// as in OpenAI's API; `echo` puts the prompt before the text. What chat
// cannot do is refused with a 400 (`suffix`, `logprobs`, `best_of` above `n`,
// token-array or several prompts); unknown fields travel as provider_options.
// https://platform.openai.com/docs/api-reference/completions
import { create } from '@bufbuild/protobuf';
import { ChatRequestSchema, MessageSchema, Role, type ChatResponse, type ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import { renderFinishReason, renderUsage, unixSeconds } from './render-response.js';
import { invalidType, invalidValue, isRecord, missingParameter, optionalBoolean, optionalInteger, optionalNumber, optionalString, readRecord, requiredString, shallowBody, tooDeep } from './request-error.js';
import { unknownFields } from '../json-readers.js';

export interface ParsedCompletionRequest {
  chat: ChatRequest;
  prompt: string;
  echo: boolean;
  stream: boolean;
  includeUsage: boolean;
  n: number;
}

const INT32_MAX = 2_147_483_647;
const KNOWN = new Set([
  'model', 'prompt', 'max_tokens', 'temperature', 'top_p', 'n', 'stream', 'stream_options', 'stop', 'presence_penalty',
  'frequency_penalty', 'seed', 'user', 'echo', 'suffix', 'logprobs', 'best_of',
]);
const isKnown = (name: string) => KNOWN.has(name);

export function parseCompletionRequest(body: unknown): ParsedCompletionRequest {
  shallowBody(body);
  if (!isRecord(body)) throw invalidType('body', 'a JSON object', body);
  const model = requiredString(body['model'], 'model');
  if (model.trim() === '') throw invalidValue('model', 'must not be empty.');
  const prompt = parsePrompt(body['prompt']);
  const n = optionalInteger(body['n'], 'n', { min: 1, max: 128 }) ?? 1;
  refuseUnsupported(body, n);
  const stream = optionalBoolean(body['stream'], 'stream') ?? false;
  const options = body['stream_options'] === undefined || body['stream_options'] === null ? {} : readRecord(body['stream_options'], 'stream_options');
  const seed = optionalInteger(body['seed'], 'seed', { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
  const chat = create(ChatRequestSchema, {
    model,
    messages: [create(MessageSchema, { role: Role.USER, content: [{ kind: { case: 'text', value: { text: prompt } } }] })],
    maxOutputTokens: optionalInteger(body['max_tokens'], 'max_tokens', { min: 1, max: INT32_MAX }) ?? 16,
    temperature: optionalNumber(body['temperature'], 'temperature', { min: 0, max: 2 }),
    topP: optionalNumber(body['top_p'], 'top_p', { min: 0, max: 1 }),
    presencePenalty: optionalNumber(body['presence_penalty'], 'presence_penalty', { min: -2, max: 2 }),
    frequencyPenalty: optionalNumber(body['frequency_penalty'], 'frequency_penalty', { min: -2, max: 2 }),
    stop: parseStop(body['stop']),
    user: optionalString(body['user'], 'user') ?? '',
    ...(n > 1 ? { candidateCount: n } : {}),
    ...(seed !== undefined ? { seed: BigInt(seed) } : {}),
  });
  const extra = unknownFields(body, isKnown, tooDeep);
  if (extra) chat.providerOptions = extra;
  return {
    chat,
    prompt,
    echo: optionalBoolean(body['echo'], 'echo') ?? false,
    stream,
    includeUsage: optionalBoolean(options['include_usage'], 'stream_options.include_usage') ?? false,
    n,
  };
}

function parsePrompt(value: unknown): string {
  if (value === undefined || value === null) throw missingParameter('prompt');
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) throw invalidType('prompt', 'a string or an array of strings', value);
  if (value.length !== 1) throw invalidValue('prompt', 'this gateway takes one prompt per request; send one request per prompt.', 'unsupported_value');
  const only: unknown = value[0];
  if (typeof only === 'string') return only;
  throw invalidValue('prompt', 'token arrays are not supported by this gateway; send text.', 'unsupported_value');
}

function parseStop(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) throw invalidType('stop', 'a string or an array of strings', value);
  return value.map((entry, index) => requiredString(entry, `stop[${index}]`));
}

function refuseUnsupported(body: Record<string, unknown>, n: number): void {
  const unsupported = (param: string, why: string) => invalidValue(param, `${param} is not supported by this gateway: ${why}`, 'unsupported_parameter');
  if (typeof body['suffix'] === 'string' && body['suffix'] !== '') throw unsupported('suffix', 'insertion has no chat equivalent.');
  // The legacy answer's tokens / token_logprobs / top_logprobs / text_offset (and, with echo, the prompt's own
  // log probabilities, which no chat API returns) are not built from chat's; chat completions carry them.
  if (body['logprobs'] !== undefined && body['logprobs'] !== null && body['logprobs'] !== 0) {
    throw unsupported('logprobs', "completions are served through chat; ask /v1/chat/completions with logprobs: true and top_logprobs.");
  }
  const bestOf = optionalInteger(body['best_of'], 'best_of', { min: 1, max: 20 });
  if (bestOf !== undefined && bestOf !== n) throw unsupported('best_of', 'only best_of equal to n (the default) can be served.');
}

/** The text of a choice's answer: its text parts joined (reasoning and tool calls are not part of a completion). */
export function completionText(response: Pick<ChatResponse, 'choices'>, index: number): string {
  const choice = response.choices.find((candidate) => candidate.index === index);
  return (choice?.message?.content ?? []).map((part) => (part.kind.case === 'text' ? part.kind.value.text : '')).join('');
}

export interface OpenAITextCompletion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: Array<{ text: string; index: number; logprobs: null; finish_reason: string | null }>;
  usage?: ReturnType<typeof renderUsage>;
}

export function renderTextCompletion(response: ChatResponse, parsed: Pick<ParsedCompletionRequest, 'echo' | 'prompt'>): OpenAITextCompletion {
  return {
    id: `cmpl-${response.id}`,
    object: 'text_completion',
    created: unixSeconds(response.created),
    model: response.model,
    choices: response.choices.map((choice) => ({
      text: (parsed.echo ? parsed.prompt : '') + completionText(response, choice.index),
      index: choice.index,
      logprobs: null,
      finish_reason: renderFinishReason(choice.finishReason, choice.rawFinishReason),
    })),
    ...(response.usage ? { usage: renderUsage(response.usage) } : {}),
  };
}
