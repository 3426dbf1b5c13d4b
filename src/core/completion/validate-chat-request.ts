// Checks a canonical chat request before any provider sees it: the shape
// rules every provider shares. Provider-specific limits are the adapters'.
// Plain loops, and a field's path spelled out only for its error: this runs on
// every request, and a callback made per call loses its optimized code at each
// full garbage collection (docs/performance.md, "Closures made per request").
import type { ChatRequest, ContentPart, DocumentPart, Message } from '../../../gen/llmgateway/v1/chat_pb.js';
import { ResponseFormatType, Role, ToolChoiceMode } from '../../../gen/llmgateway/v1/chat_pb.js';
import { invalidArgument } from '../../domain/gateway-error.js';
import { MEDIA_TYPE } from '../../domain/document-content.js';

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_MESSAGES = 10_000;

export function validateChatRequest(request: ChatRequest, field = 'chat'): void {
  if (request.model.trim() === '') throw invalidArgument(`${field}.model`, 'is required');
  if (request.messages.length === 0) throw invalidArgument(`${field}.messages`, 'must contain at least one message');
  if (request.messages.length > MAX_MESSAGES) throw invalidArgument(`${field}.messages`, `must have at most ${MAX_MESSAGES} messages`);
  const { messages, tools } = request;
  for (let index = 0; index < messages.length; index += 1) validateMessage(messages[index]!, field, index);

  const toolNames = new Set<string>();
  for (let index = 0; index < tools.length; index += 1) {
    const { name } = tools[index]!;
    if (!TOOL_NAME.test(name)) throw invalidArgument(`${field}.tools[${index}].name`, 'must be 1–64 characters of a-z, A-Z, 0-9, _ or -');
    if (toolNames.has(name)) throw invalidArgument(`${field}.tools[${index}].name`, `"${name}" is defined twice`);
    toolNames.add(name);
  }
  const choice = request.toolChoice;
  if (choice?.mode === ToolChoiceMode.TOOL && !toolNames.has(choice.toolName)) {
    throw invalidArgument(`${field}.tool_choice.tool_name`, `must name one of the request's tools`);
  }
  if ((choice?.mode === ToolChoiceMode.REQUIRED || choice?.mode === ToolChoiceMode.TOOL) && toolNames.size === 0) {
    throw invalidArgument(`${field}.tool_choice`, 'requires tools');
  }
  const format = request.responseFormat;
  if (format?.type === ResponseFormatType.JSON_SCHEMA && !format.schema) {
    throw invalidArgument(`${field}.response_format.schema`, 'is required for JSON_SCHEMA');
  }
  if (format?.type === ResponseFormatType.ENUM && !Array.isArray(format.schema?.['enum'])) {
    throw invalidArgument(`${field}.response_format.schema`, 'ENUM needs a schema with an enum list');
  }
  checkRange(`${field}.temperature`, request.temperature, 0, 2);
  checkRange(`${field}.top_p`, request.topP, 0, 1);
  checkRange(`${field}.presence_penalty`, request.presencePenalty, -2, 2);
  checkRange(`${field}.frequency_penalty`, request.frequencyPenalty, -2, 2);
  if (request.topK !== undefined && request.topK < 1) throw invalidArgument(`${field}.top_k`, 'must be ≥ 1');
  if (request.maxOutputTokens !== undefined && request.maxOutputTokens < 1) {
    throw invalidArgument(`${field}.max_output_tokens`, 'must be ≥ 1');
  }
  if (request.candidateCount !== undefined && (request.candidateCount < 1 || request.candidateCount > 16)) {
    throw invalidArgument(`${field}.candidate_count`, 'must be between 1 and 16');
  }
  if (request.stop.length > 16) throw invalidArgument(`${field}.stop`, 'must have at most 16 sequences');
  if (request.stop.includes('')) throw invalidArgument(`${field}.stop`, 'must not contain empty sequences');
  // OpenAI and Gemini both take 0–20 alternatives, and only with the log probabilities themselves.
  if (request.topLogprobs < 0 || request.topLogprobs > 20) throw invalidArgument(`${field}.top_logprobs`, 'must be between 0 and 20');
  if (request.topLogprobs > 0 && !request.logprobs) throw invalidArgument(`${field}.top_logprobs`, 'needs logprobs: true');
  const budget = request.reasoning?.budgetTokens;
  if (budget !== undefined && budget < 0) throw invalidArgument(`${field}.reasoning.budget_tokens`, 'must be ≥ 0');
}

function checkRange(field: string, value: number | undefined, minimum: number, maximum: number): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < minimum || value > maximum) {
    throw invalidArgument(field, `must be between ${minimum} and ${maximum}`);
  }
}

const ALLOWED_PARTS: Record<Role, ReadonlyArray<ContentPart['kind']['case']>> = {
  [Role.UNSPECIFIED]: [],
  [Role.SYSTEM]: ['text'],
  [Role.DEVELOPER]: ['text'],
  [Role.USER]: ['text', 'image', 'document', 'toolResult'],
  [Role.ASSISTANT]: ['text', 'image', 'reasoning', 'toolCall'],
  [Role.TOOL]: ['toolResult'],
};

function validateMessage(message: Message, requestField: string, messageIndex: number): void {
  const allowed = ALLOWED_PARTS[message.role];
  if (message.role === Role.UNSPECIFIED || allowed === undefined) {
    throw invalidArgument(`${messageField(requestField, messageIndex)}.role`, 'must be SYSTEM, DEVELOPER, USER, ASSISTANT or TOOL');
  }
  const { content } = message;
  if (content.length === 0 && message.role !== Role.ASSISTANT) throw invalidArgument(`${messageField(requestField, messageIndex)}.content`, 'must not be empty');
  for (let index = 0; index < content.length; index += 1) {
    const part = content[index]!.kind;
    const kind = part.case;
    if (kind === undefined) throw invalidArgument(partField(requestField, messageIndex, index), 'is empty');
    if (!allowed.includes(kind)) {
      throw invalidArgument(partField(requestField, messageIndex, index), `a ${kind} part is not allowed in a ${Role[message.role]} message`);
    }
    if (kind === 'image') {
      const source = part.value.source;
      if (source.case === undefined) throw invalidArgument(`${partField(requestField, messageIndex, index)}.image`, 'needs a url or data');
      if (source.case === 'data' && !/^image\/[a-z0-9.+-]+$/i.test(part.value.mediaType)) {
        throw invalidArgument(`${partField(requestField, messageIndex, index)}.image.media_type`, 'is required with data, e.g. image/png');
      }
      if (source.case === 'url' && !/^(https?:|data:image\/)/i.test(source.value)) {
        throw invalidArgument(`${partField(requestField, messageIndex, index)}.image.url`, 'must be an http(s) URL or a data:image/… URL');
      }
    }
    if (kind === 'document') validateDocument(part.value, `${partField(requestField, messageIndex, index)}.document`);
    if (kind === 'toolCall') {
      if (!part.value.id) throw invalidArgument(`${partField(requestField, messageIndex, index)}.tool_call.id`, 'is required');
      if (!part.value.name) throw invalidArgument(`${partField(requestField, messageIndex, index)}.tool_call.name`, 'is required');
    }
    if (kind === 'toolResult' && !part.value.toolCallId) {
      throw invalidArgument(`${partField(requestField, messageIndex, index)}.tool_result.tool_call_id`, 'is required');
    }
  }
}

function validateDocument(document: DocumentPart, field: string): void {
  const { source } = document;
  if (source.case === undefined) throw invalidArgument(field, 'needs data, a url or text');
  if (document.mediaType !== '' && !MEDIA_TYPE.test(document.mediaType)) throw invalidArgument(`${field}.media_type`, 'must be a media type such as application/pdf');
  if (source.case === 'data' && document.mediaType === '') throw invalidArgument(`${field}.media_type`, 'is required with data, e.g. application/pdf');
  if (source.case === 'url' && !/^https?:\/\/\S+$/i.test(source.value)) throw invalidArgument(`${field}.url`, 'must be an http(s) URL');
}

function messageField(requestField: string, messageIndex: number): string {
  return `${requestField}.messages[${messageIndex}]`;
}

function partField(requestField: string, messageIndex: number, partIndex: number): string {
  return `${messageField(requestField, messageIndex)}.content[${partIndex}]`;
}
