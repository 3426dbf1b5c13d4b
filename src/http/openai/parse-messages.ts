// OpenAI `messages` → canonical Messages, one canonical message per OpenAI
// message (so `messages[i]` names the same turn on both sides). User content
// parts: text, image_url (parse-image.ts), file (a document: parse-file.ts).
import { create } from '@bufbuild/protobuf';
import {
  ContentPartSchema,
  MessageSchema,
  Role,
  type ContentPart,
  type Message,
} from '../../../gen/llmgateway/v1/chat_pb.js';
import { parseFileInput } from './parse-file.js';
import { parseImageUrl } from './parse-image.js';
import { invalidType, invalidValue, missingParameter, optionalString, readArray, readRecord, requiredString, type JsonRecord } from './request-error.js';
import { decodeCarriedReasoning, decodeToolCallId } from '../tool-call-id.js';

/** The provider type a client-sent `reasoning_content` is attributed to (DeepSeek-style hosts). */
export const CLIENT_REASONING_PROVIDER_TYPE = 'openai-compatible';

const text = (value: string): ContentPart => create(ContentPartSchema, { kind: { case: 'text', value: { text: value } } });
/** An earlier refusal sent back: kept apart from the text, so an OpenAI upstream gets it back as `refusal`. */
const refusalText = (value: string): ContentPart => create(ContentPartSchema, { kind: { case: 'text', value: { text: value, refusal: true } } });

export function parseMessages(value: unknown): Message[] {
  if (value === undefined || value === null) throw missingParameter('messages');
  const messages = readArray(value, 'messages');
  if (messages.length === 0) {
    throw invalidValue('messages', 'expected an array with minimum length 1, but got an empty array instead.', 'empty_array');
  }
  // A loop, not map(): see docs/performance.md, "Closures made per request".
  const parsed: Message[] = new Array(messages.length);
  for (let index = 0; index < messages.length; index += 1) parsed[index] = parseMessage(messages[index], `messages[${index}]`);
  return parsed;
}

function parseMessage(value: unknown, param: string): Message {
  const message = readRecord(value, param);
  const role = requiredString(message['role'], `${param}.role`);
  const name = optionalString(message['name'], `${param}.name`) ?? '';
  switch (role) {
    case 'system':
    case 'developer':
      return create(MessageSchema, {
        role: role === 'system' ? Role.SYSTEM : Role.DEVELOPER,
        name,
        content: textContent(message['content'], `${param}.content`, true),
      });
    case 'user':
      return create(MessageSchema, { role: Role.USER, name, content: userContent(message['content'], `${param}.content`) });
    case 'assistant':
      return create(MessageSchema, { role: Role.ASSISTANT, name, content: assistantContent(message, param) });
    case 'tool':
      return create(MessageSchema, { role: Role.TOOL, content: [toolResult(message, param)] });
    case 'function':
      throw invalidValue(`${param}.role`, "the legacy 'function' role is not supported; send tool results with role 'tool'.");
    default:
      throw invalidValue(`${param}.role`, `'${role}' is not one of 'system', 'developer', 'user', 'assistant', 'tool'.`);
  }
}

/** String or an array of `text` parts (system, developer and tool messages). */
function textContent(value: unknown, param: string, required: boolean): ContentPart[] {
  if (value === undefined || value === null) {
    if (required) throw missingParameter(param);
    return [];
  }
  if (typeof value === 'string') return [text(value)];
  if (!Array.isArray(value)) throw invalidType(param, 'a string or an array of content parts', value);
  return value.map((part, index) => {
    const partParam = `${param}[${index}]`;
    const record = readRecord(part, partParam);
    const type = requiredString(record['type'], `${partParam}.type`);
    if (type !== 'text') throw invalidValue(`${partParam}.type`, `'${type}' is not allowed here; only 'text' parts are.`);
    return text(requiredString(record['text'], `${partParam}.text`));
  });
}

function userContent(value: unknown, param: string): ContentPart[] {
  if (value === undefined || value === null) throw missingParameter(param);
  if (typeof value === 'string') return [text(value)];
  if (!Array.isArray(value)) throw invalidType(param, 'a string or an array of content parts', value);
  if (value.length === 0) throw invalidValue(param, 'expected at least one content part.', 'empty_array');
  return value.map((part, index) => {
    const partParam = `${param}[${index}]`;
    const record = readRecord(part, partParam);
    const type = requiredString(record['type'], `${partParam}.type`);
    switch (type) {
      case 'text':
        return text(requiredString(record['text'], `${partParam}.text`));
      case 'image_url': {
        const image = parseImageUrl(record['image_url'] ?? missing(`${partParam}.image_url`), `${partParam}.image_url`);
        return create(ContentPartSchema, { kind: { case: 'image', value: image } });
      }
      case 'file': {
        const file = readRecord(record['file'] ?? missing(`${partParam}.file`), `${partParam}.file`);
        const param = `${partParam}.file`;
        return parseFileInput(
          { fileData: file['file_data'], fileId: file['file_id'], filename: file['filename'] },
          { param, field: (name) => `${param}.${name}` },
        );
      }
      case 'input_audio':
        throw invalidValue(`${partParam}.type`, `'${type}' content parts are not supported by this gateway.`, 'unsupported_value');
      default:
        throw invalidValue(`${partParam}.type`, `'${type}' is not one of 'text', 'image_url', 'file'.`);
    }
  });
}

function missing(param: string): never {
  throw missingParameter(param);
}

/**
 * reasoning_content (first), then text / refusal, then tool calls: the order
 * the model produced them. Signed reasoning carried in the tool-call ids
 * (reasoning-carrier.ts) goes back where it stood — the first call's ahead of
 * everything, a later call's just before that call — and then
 * `reasoning_content`, which only shows the same reasoning as text, is not
 * taken as well.
 */
function assistantContent(message: JsonRecord, param: string): ContentPart[] {
  const reasoning = optionalString(message['reasoning_content'], `${param}.reasoning_content`);
  const content = assistantText(message['content'], `${param}.content`);
  const refusal = optionalString(message['refusal'], `${param}.refusal`);
  const toolCalls = message['tool_calls'];
  const calls =
    toolCalls === undefined || toolCalls === null
      ? []
      : readArray(toolCalls, `${param}.tool_calls`).map((call, index) => toolCall(call, `${param}.tool_calls[${index}]`));
  const carried = calls.some((call) => call.reasoning.length > 0);

  const parts: ContentPart[] = [];
  if (carried) {
    parts.push(...(calls[0]?.reasoning ?? []));
  } else if (reasoning) {
    parts.push(
      create(ContentPartSchema, {
        kind: { case: 'reasoning', value: { text: reasoning, providerType: CLIENT_REASONING_PROVIDER_TYPE } },
      }),
    );
  }
  parts.push(...content);
  // The same refusal sent both ways (field and content part) is taken once.
  if (refusal && !parts.some((part) => part.kind.case === 'text' && part.kind.value.refusal && part.kind.value.text === refusal)) {
    parts.push(refusalText(refusal));
  }
  calls.forEach((call, index) => {
    if (index > 0) parts.push(...call.reasoning);
    parts.push(call.part);
  });
  return parts;
}

function assistantText(value: unknown, param: string): ContentPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [text(value)];
  if (!Array.isArray(value)) throw invalidType(param, 'a string or an array of content parts', value);
  return value.map((part, index) => {
    const partParam = `${param}[${index}]`;
    const record = readRecord(part, partParam);
    const type = requiredString(record['type'], `${partParam}.type`);
    if (type === 'text') return text(requiredString(record['text'], `${partParam}.text`));
    if (type === 'refusal') return refusalText(requiredString(record['refusal'], `${partParam}.refusal`));
    throw invalidValue(`${partParam}.type`, `'${type}' is not one of 'text', 'refusal'.`);
  });
}

function toolCall(value: unknown, param: string): { part: ContentPart; reasoning: ContentPart[] } {
  const call = readRecord(value, param);
  const wireId = requiredString(call['id'], `${param}.id`);
  const type = optionalString(call['type'], `${param}.type`) ?? 'function';
  if (type !== 'function') throw invalidValue(`${param}.type`, `'${type}' tool calls are not supported; only 'function'.`);
  const fn = readRecord(call['function'] ?? missing(`${param}.function`), `${param}.function`);
  const name = requiredString(fn['name'], `${param}.function.name`);
  const argumentsJson = optionalString(fn['arguments'], `${param}.function.arguments`) ?? '';
  const { id, signature } = decodeToolCallId(wireId);
  if (id === '') throw invalidValue(`${param}.id`, 'must not be empty.');
  const carried = decodeCarriedReasoning(wireId);
  if (carried === null) {
    throw invalidValue(`${param}.id`, 'carries reasoning the gateway cannot read; send the id back exactly as the gateway returned it.');
  }
  return {
    part: create(ContentPartSchema, { kind: { case: 'toolCall', value: { id, name, argumentsJson, signature } } }),
    reasoning: carried.map((part) => create(ContentPartSchema, { kind: { case: 'reasoning', value: part } })),
  };
}

function toolResult(message: JsonRecord, param: string): ContentPart {
  const wireId = requiredString(message['tool_call_id'], `${param}.tool_call_id`);
  const { id } = decodeToolCallId(wireId);
  if (id === '') throw invalidValue(`${param}.tool_call_id`, 'must not be empty.');
  // An empty result is still a result: it must reach the upstream (as no content).
  const content = textContent(message['content'], `${param}.content`, true).filter(
    (part) => !(part.kind.case === 'text' && part.kind.value.text === ''),
  );
  const name = optionalString(message['name'], `${param}.name`) ?? '';
  return create(ContentPartSchema, { kind: { case: 'toolResult', value: { toolCallId: id, name, content } } });
}
