// Checks a canonical chat request before any provider sees it: the shape
// rules every provider shares. Provider-specific limits are the adapters'.
import type { ChatRequest, ContentPart, Message } from '../../../gen/llmgateway/v1/chat_pb.js';
import { ResponseFormatType, Role, ToolChoiceMode } from '../../../gen/llmgateway/v1/chat_pb.js';
import { invalidArgument } from '../../domain/gateway-error.js';

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_MESSAGES = 10_000;

export function validateChatRequest(request: ChatRequest, field = 'chat'): void {
  if (request.model.trim() === '') throw invalidArgument(`${field}.model`, 'is required');
  if (request.messages.length === 0) throw invalidArgument(`${field}.messages`, 'must contain at least one message');
  if (request.messages.length > MAX_MESSAGES) throw invalidArgument(`${field}.messages`, `must have at most ${MAX_MESSAGES} messages`);
  request.messages.forEach((message, index) => validateMessage(message, `${field}.messages[${index}]`));

  const toolNames = new Set<string>();
  request.tools.forEach((tool, index) => {
    if (!TOOL_NAME.test(tool.name)) throw invalidArgument(`${field}.tools[${index}].name`, 'must be 1–64 characters of a-z, A-Z, 0-9, _ or -');
    if (toolNames.has(tool.name)) throw invalidArgument(`${field}.tools[${index}].name`, `"${tool.name}" is defined twice`);
    toolNames.add(tool.name);
  });
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
  if (request.stop.some((sequence) => sequence.length === 0)) throw invalidArgument(`${field}.stop`, 'must not contain empty sequences');
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
  [Role.USER]: ['text', 'image', 'toolResult'],
  [Role.ASSISTANT]: ['text', 'image', 'reasoning', 'toolCall'],
  [Role.TOOL]: ['toolResult'],
};

function validateMessage(message: Message, field: string): void {
  if (message.role === Role.UNSPECIFIED || ALLOWED_PARTS[message.role] === undefined) {
    throw invalidArgument(`${field}.role`, 'must be SYSTEM, DEVELOPER, USER, ASSISTANT or TOOL');
  }
  if (message.content.length === 0 && message.role !== Role.ASSISTANT) {
    throw invalidArgument(`${field}.content`, 'must not be empty');
  }
  message.content.forEach((part, index) => {
    const partField = `${field}.content[${index}]`;
    const kind = part.kind.case;
    if (kind === undefined) throw invalidArgument(partField, 'is empty');
    if (!ALLOWED_PARTS[message.role].includes(kind)) {
      throw invalidArgument(partField, `a ${kind} part is not allowed in a ${Role[message.role]} message`);
    }
    if (kind === 'image') {
      const source = part.kind.value.source;
      if (source.case === undefined) throw invalidArgument(`${partField}.image`, 'needs a url or data');
      if (source.case === 'data' && !/^image\/[a-z0-9.+-]+$/i.test(part.kind.value.mediaType)) {
        throw invalidArgument(`${partField}.image.media_type`, 'is required with data, e.g. image/png');
      }
      if (source.case === 'url' && !/^(https?:|data:image\/)/i.test(source.value)) {
        throw invalidArgument(`${partField}.image.url`, 'must be an http(s) URL or a data:image/… URL');
      }
    }
    if (kind === 'toolCall') {
      if (!part.kind.value.id) throw invalidArgument(`${partField}.tool_call.id`, 'is required');
      if (!part.kind.value.name) throw invalidArgument(`${partField}.tool_call.name`, 'is required');
    }
    if (kind === 'toolResult' && !part.kind.value.toolCallId) {
      throw invalidArgument(`${partField}.tool_result.tool_call_id`, 'is required');
    }
  });
}
