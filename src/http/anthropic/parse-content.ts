// Anthropic content blocks → canonical ContentParts, one part per block (so
// `messages.i.content.j` names the same thing on both sides):
//   text → TextPart; image (base64 | url source) → ImagePart;
//   document (base64 | url | text source) → DocumentPart (parse-document.ts),
//   in user messages and in tool results;
//   tool_use (assistant) → ToolCallPart, input object → arguments JSON;
//   tool_result (user) → ToolResultPart, kept in place in the user message;
//   thinking → ReasoningPart(text, signature); redacted_thinking →
//   ReasoningPart(redacted_data); provider type from the signature (see
//   reasoning-signature.ts).
// A block's `cache_control` becomes the part's cache breakpoint
// (parse-cache-control.ts), except on thinking blocks, which Anthropic caches
// only as part of the prompt before a breakpoint: there it is a warning.
// Blocks the canonical model cannot carry (server tools, search results,
// container uploads) are refused with a 400 naming the block rather than
// dropped.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { ContentPartSchema, ImagePartSchema, type ContentPart, type ImagePart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { decodeToolCallId } from '../tool-call-id.js';
import { parseCacheControl } from './parse-cache-control.js';
import { parseDocument } from './parse-document.js';
import { ANTHROPIC_PROVIDER_TYPE, decodeReasoningSignature } from './reasoning-signature.js';
import { at, fieldRequired, invalidType, invalidValue, isUnset, oneOf, optionalBoolean, optionalString, readRecord, requiredString, type JsonRecord } from './request-error.js';

/** Shared across one request's messages. */
export interface ParseContext {
  /** tool_use id → tool name, to name tool results (Gemini needs the name). */
  toolNames: Map<string, string>;
  /** Request fields that were accepted but have no canonical form (reported as warnings). */
  ignored: Set<string>;
}

export type BlockRole = 'user' | 'assistant' | 'system';

const USER_BLOCKS = ['text', 'image', 'document', 'tool_result'] as const;
const ASSISTANT_BLOCKS = ['text', 'thinking', 'redacted_thinking', 'tool_use'] as const;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const part = (kind: MessageInitShape<typeof ContentPartSchema>['kind']): ContentPart => create(ContentPartSchema, { kind });
const textPart = (text: string): ContentPart => part({ case: 'text', value: { text } });

/** A message's (or the system prompt's) `content`: a string or a list of blocks. */
export function parseContent(value: unknown, field: string, role: BlockRole, context: ParseContext): ContentPart[] {
  if (typeof value === 'string') return [textPart(value)];
  if (isUnset(value)) throw fieldRequired(field);
  if (!Array.isArray(value)) throw invalidType(field, 'a valid string or a valid list of content blocks', value);
  return value.map((block, index) => parseBlock(block, at(field, index), role, context));
}

function parseBlock(value: unknown, field: string, role: BlockRole, context: ParseContext): ContentPart {
  const block = readRecord(value, field);
  const type = requiredString(block['type'], at(field, 'type'));
  const converted = parseBlockOfType(type, block, field, role, context);
  addCacheBreakpoint(converted, block, field, context);
  return converted;
}

function parseBlockOfType(type: string, block: JsonRecord, field: string, role: BlockRole, context: ParseContext): ContentPart {
  if (role === 'system') {
    if (type !== 'text') throw invalidValue(at(field, 'type'), `Input should be 'text' in a system prompt (got '${type}')`);
    return parseText(block, field, context);
  }
  const allowed: readonly string[] = role === 'user' ? USER_BLOCKS : ASSISTANT_BLOCKS;
  if (!allowed.includes(type)) throw blockNotAllowed(type, field, role);
  switch (type) {
    case 'text':
      return parseText(block, field, context);
    case 'image':
      return part({ case: 'image', value: parseImage(block, field) });
    case 'document':
      return part({ case: 'document', value: parseDocument(block, field, context.ignored) });
    case 'tool_use':
      return parseToolUse(block, field, context);
    case 'tool_result':
      return parseToolResult(block, field, context);
    case 'thinking': {
      const text = requiredString(block['thinking'], at(field, 'thinking'));
      const wire = optionalString(block['signature'], at(field, 'signature')) ?? '';
      return part({ case: 'reasoning', value: { text, ...decodeReasoningSignature(wire) } });
    }
    default: {
      // redacted_thinking: opaque, always Anthropic's own.
      const redactedData = requiredString(block['data'], at(field, 'data'));
      return part({ case: 'reasoning', value: { redactedData, providerType: ANTHROPIC_PROVIDER_TYPE } });
    }
  }
}

function blockNotAllowed(type: string, field: string, role: BlockRole) {
  const other: readonly string[] = role === 'user' ? ASSISTANT_BLOCKS : USER_BLOCKS;
  if (other.includes(type)) {
    const owner = role === 'user' ? 'assistant' : 'user';
    return invalidValue(at(field, 'type'), `'${type}' blocks are only allowed in ${owner} messages`);
  }
  const known = [...USER_BLOCKS, ...ASSISTANT_BLOCKS].filter((item, index, all) => all.indexOf(item) === index);
  return invalidValue(
    at(field, 'type'),
    `'${type}' blocks are not supported by this gateway (supported: ${known.map((item) => `'${item}'`).join(', ')})`,
  );
}

function parseText(block: JsonRecord, field: string, context: ParseContext): ContentPart {
  const text = requiredString(block['text'], at(field, 'text'));
  const citations = block['citations'];
  if (Array.isArray(citations) && citations.length > 0) context.ignored.add('citations');
  return textPart(text);
}

function parseImage(block: JsonRecord, field: string): ImagePart {
  const sourceField = at(field, 'source');
  const source = readRecord(block['source'], sourceField);
  const type = oneOf(requiredString(source['type'], at(sourceField, 'type')), at(sourceField, 'type'), ['base64', 'url', 'file']);
  if (type === 'file') {
    throw invalidValue(at(sourceField, 'type'), "'file' image sources (Files API) are not supported by this gateway; send base64 data or a url");
  }
  if (type === 'url') {
    const url = requiredString(source['url'], at(sourceField, 'url')).trim();
    if (!/^https?:\/\/\S+$/i.test(url)) throw invalidValue(at(sourceField, 'url'), 'Input should be an http(s) URL');
    return create(ImagePartSchema, { source: { case: 'url', value: url } });
  }
  const mediaType = requiredString(source['media_type'], at(sourceField, 'media_type')).toLowerCase();
  if (!/^image\/[a-z0-9.+-]+$/.test(mediaType)) {
    throw invalidValue(at(sourceField, 'media_type'), `Input should be an image media type such as 'image/png' (got '${mediaType}')`);
  }
  const data = requiredString(source['data'], at(sourceField, 'data')).replace(/\s+/g, '');
  if (data === '' || !BASE64.test(data)) throw invalidValue(at(sourceField, 'data'), 'Input should be valid base64 data');
  return create(ImagePartSchema, { source: { case: 'data', value: new Uint8Array(Buffer.from(data, 'base64')) }, mediaType });
}

function parseToolUse(block: JsonRecord, field: string, context: ParseContext): ContentPart {
  const wireId = requiredString(block['id'], at(field, 'id'));
  const { id, signature } = decodeToolCallId(wireId);
  if (id === '') throw invalidValue(at(field, 'id'), 'String should have at least 1 character');
  const name = requiredString(block['name'], at(field, 'name'));
  const input = block['input'] ?? {};
  if (typeof input !== 'object' || Array.isArray(input)) throw invalidType(at(field, 'input'), 'a valid dictionary', input);
  context.toolNames.set(id, name);
  return part({ case: 'toolCall', value: { id, name, argumentsJson: JSON.stringify(input), signature } });
}

function parseToolResult(block: JsonRecord, field: string, context: ParseContext): ContentPart {
  const wireId = requiredString(block['tool_use_id'], at(field, 'tool_use_id'));
  const { id } = decodeToolCallId(wireId);
  if (id === '') throw invalidValue(at(field, 'tool_use_id'), 'String should have at least 1 character');
  const isError = optionalBoolean(block['is_error'], at(field, 'is_error')) ?? false;
  const contentField = at(field, 'content');
  const raw = block['content'];
  let content: ContentPart[] = [];
  if (typeof raw === 'string') content = raw === '' ? [] : [textPart(raw)];
  else if (!isUnset(raw)) {
    if (!Array.isArray(raw)) throw invalidType(contentField, 'a valid string or a valid list of content blocks', raw);
    content = raw.map((entry, index) => {
      const entryField = at(contentField, index);
      const item = readRecord(entry, entryField);
      const type = requiredString(item['type'], at(entryField, 'type'));
      let converted: ContentPart;
      if (type === 'text') converted = parseText(item, entryField, context);
      else if (type === 'image') converted = part({ case: 'image', value: parseImage(item, entryField) });
      else if (type === 'document') converted = part({ case: 'document', value: parseDocument(item, entryField, context.ignored) });
      else throw invalidValue(at(entryField, 'type'), `'${type}' blocks are not supported in tool results by this gateway (supported: 'text', 'image', 'document')`);
      addCacheBreakpoint(converted, item, entryField, context);
      return converted;
    });
  }
  const name = context.toolNames.get(id) ?? '';
  return part({ case: 'toolResult', value: { toolCallId: id, name, content, isError } });
}

function addCacheBreakpoint(part: ContentPart, block: JsonRecord, field: string, context: ParseContext): void {
  if (part.kind.case === 'reasoning') {
    // Anthropic takes no breakpoint on a thinking block itself (it is cached only inside the prompt before one).
    if (!isUnset(block['cache_control'])) context.ignored.add('cache_control');
    return;
  }
  part.cacheBreakpoint = parseCacheControl(block['cache_control'], at(field, 'cache_control'));
}
