// Responses API `input` items → canonical Messages. Consecutive assistant-side
// items (an assistant message, reasoning, function calls) form one assistant
// turn, in the order given, so a provider's ordering (thinking → text →
// tool_use) survives; each function_call_output is a tool turn. Also used for
// a stored conversation (previous_response_id), whose output items are valid
// input items.
import { create } from '@bufbuild/protobuf';
import { ContentPartSchema, MessageSchema, Role, type ContentPart, type Message } from '../../../gen/llmgateway/v1/chat_pb.js';
import { parseFileInput } from '../openai/parse-file.js';
import { parseImageUrl } from '../openai/parse-image.js';
import { invalidType, invalidValue, missingParameter, optionalString, readArray, readRecord, requiredString, type JsonRecord } from '../openai/request-error.js';
import { CLIENT_REASONING_PROVIDER_TYPE } from '../openai/parse-messages.js';
import { decodeToolCallId } from '../tool-call-id.js';
import { decodeReasoning } from './encrypted-reasoning.js';
import type { MessageOrigin } from './param-names.js';

const text = (value: string): ContentPart => create(ContentPartSchema, { kind: { case: 'text', value: { text: value } } });

const ROLES: Record<string, Role> = { user: Role.USER, system: Role.SYSTEM, developer: Role.DEVELOPER, assistant: Role.ASSISTANT };

/**
 * `items` were checked to be objects by normalizeInput (input-items.ts); `param` names the array (`input`).
 * `origins`, when given, gets one entry per message: where the client sent each of its parts (param-names.ts).
 */
export function parseInputItems(items: readonly JsonRecord[], param: string, origins: MessageOrigin[] = []): Message[] {
  const messages: Message[] = [];
  let assistant: Message | undefined;
  let assistantOrigin: MessageOrigin | undefined;
  const assistantTurn = (itemParam: string, partParams: string[]): Message => {
    if (!assistant || !assistantOrigin) {
      assistant = create(MessageSchema, { role: Role.ASSISTANT, content: [] });
      assistantOrigin = { message: itemParam, parts: [] };
      messages.push(assistant);
      origins.push(assistantOrigin);
    }
    assistantOrigin.parts.push(...partParams);
    return assistant;
  };
  const push = (message: Message, origin: MessageOrigin): void => {
    assistant = undefined;
    messages.push(message);
    origins.push(origin);
  };
  items.forEach((item, index) => {
    const itemParam = `${param}[${index}]`;
    const type = optionalString(item['type'], `${itemParam}.type`) ?? 'message';
    switch (type) {
      case 'message': {
        const role = requiredString(item['role'], `${itemParam}.role`);
        const canonical = ROLES[role];
        if (canonical === undefined) throw invalidValue(`${itemParam}.role`, `'${role}' is not one of 'user', 'system', 'developer', 'assistant'.`);
        const content = messageContent(item['content'], `${itemParam}.content`, canonical);
        const partParams = content.map((_, part) => `${itemParam}.content[${part}]`);
        if (canonical === Role.ASSISTANT) {
          assistantTurn(itemParam, partParams).content.push(...content);
          return;
        }
        push(create(MessageSchema, { role: canonical, content }), { message: itemParam, parts: partParams });
        return;
      }
      case 'reasoning': {
        const part = reasoning(item, itemParam);
        if (part) assistantTurn(itemParam, [itemParam]).content.push(part);
        return;
      }
      case 'function_call': {
        const { id, signature } = decodeToolCallId(requiredString(item['call_id'], `${itemParam}.call_id`));
        if (id === '') throw invalidValue(`${itemParam}.call_id`, 'must not be empty.');
        const name = requiredString(item['name'], `${itemParam}.name`);
        const argumentsJson = optionalString(item['arguments'], `${itemParam}.arguments`) ?? '';
        assistantTurn(itemParam, [itemParam]).content.push(create(ContentPartSchema, { kind: { case: 'toolCall', value: { id, name, argumentsJson, signature } } }));
        return;
      }
      case 'function_call_output':
        push(create(MessageSchema, { role: Role.TOOL, content: [toolResult(item, itemParam)] }), { message: itemParam, parts: [itemParam] });
        return;
      default:
        throw invalidValue(
          `${itemParam}.type`,
          `'${type}' items are not supported by this gateway; send 'message', 'reasoning', 'function_call' or 'function_call_output' items (item_reference and built-in tool items need OpenAI's own Responses API).`,
          'unsupported_value',
        );
    }
  });
  return messages;
}

function messageContent(value: unknown, param: string, role: Role): ContentPart[] {
  if (value === undefined || value === null) throw missingParameter(param);
  if (typeof value === 'string') return value === '' && role === Role.ASSISTANT ? [] : [text(value)];
  return readArray(value, param).map((entry, index) => contentPart(readRecord(entry, `${param}[${index}]`), `${param}[${index}]`, role));
}

function contentPart(part: JsonRecord, param: string, role: Role): ContentPart {
  const type = requiredString(part['type'], `${param}.type`);
  switch (type) {
    case 'input_text':
    case 'output_text':
      return text(requiredString(part['text'], `${param}.text`));
    case 'refusal':
      return create(ContentPartSchema, { kind: { case: 'text', value: { text: requiredString(part['refusal'], `${param}.refusal`), refusal: true } } });
    case 'input_image': {
      if (role !== Role.USER) throw invalidValue(`${param}.type`, "'input_image' parts are accepted in user messages only.");
      if (part['file_id'] !== undefined && part['file_id'] !== null) {
        throw invalidValue(`${param}.file_id`, 'file ids are not supported by this gateway (it has no Files API); send image_url as an https or data URL.', 'unsupported_value');
      }
      const image = parseImageUrl({ url: part['image_url'] ?? missing(`${param}.image_url`), detail: part['detail'] }, param, `${param}.image_url`);
      return create(ContentPartSchema, { kind: { case: 'image', value: image } });
    }
    case 'input_file':
      if (role !== Role.USER) throw invalidValue(`${param}.type`, "'input_file' parts are accepted in user messages only.");
      // `detail` (PDF page-image resolution) has no Chat Completions counterpart, through which every family is called.
      return parseFileInput(
        { fileData: part['file_data'], fileId: part['file_id'], fileUrl: part['file_url'], filename: part['filename'] },
        { param, field: (name) => `${param}.${name}` },
      );
    default:
      throw invalidValue(`${param}.type`, `'${type}' content parts are not supported; use 'input_text', 'input_image' or 'input_file'.`, 'unsupported_value');
  }
}

function reasoning(item: JsonRecord, param: string): ContentPart | undefined {
  const encrypted = optionalString(item['encrypted_content'], `${param}.encrypted_content`);
  if (encrypted) {
    const decoded = decodeReasoning(encrypted);
    if (!decoded) {
      throw invalidValue(`${param}.encrypted_content`, 'was not produced by this gateway or is malformed; send reasoning items back exactly as the gateway returned them.');
    }
    return create(ContentPartSchema, { kind: { case: 'reasoning', value: decoded } });
  }
  // Without encrypted content only the summary text is known: sent as unsigned reasoning (providers that need a signature drop it).
  const summary = item['summary'] === undefined || item['summary'] === null ? [] : readArray(item['summary'], `${param}.summary`);
  const summaryText = summary
    .map((entry, index) => requiredString(readRecord(entry, `${param}.summary[${index}]`)['text'], `${param}.summary[${index}].text`))
    .join('\n\n');
  if (summaryText === '') return undefined;
  return create(ContentPartSchema, { kind: { case: 'reasoning', value: { text: summaryText, providerType: CLIENT_REASONING_PROVIDER_TYPE } } });
}

function toolResult(item: JsonRecord, param: string): ContentPart {
  const { id } = decodeToolCallId(requiredString(item['call_id'], `${param}.call_id`));
  if (id === '') throw invalidValue(`${param}.call_id`, 'must not be empty.');
  const output = item['output'];
  let content: ContentPart[];
  if (typeof output === 'string') content = output === '' ? [] : [text(output)];
  else if (Array.isArray(output)) content = output.map((entry, index) => contentPart(readRecord(entry, `${param}.output[${index}]`), `${param}.output[${index}]`, Role.USER));
  else throw invalidType(`${param}.output`, 'a string or an array of content parts', output);
  return create(ContentPartSchema, { kind: { case: 'toolResult', value: { toolCallId: id, content } } });
}

function missing(param: string): never {
  throw missingParameter(param);
}
