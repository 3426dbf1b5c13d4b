// Canonical messages → Anthropic `system` + `messages`.
// - System and developer messages (wherever they stand) become top-level
//   `system` text blocks, in order.
// - Tool results (ROLE_TOOL messages, or result parts in a user message) become
//   `tool_result` blocks at the start of the next user message, so all results
//   of one assistant turn travel in ONE user message (docs/provider-wire-formats.md,
//   "Anthropic Messages, Tool calls").
// - Consecutive same-role messages are merged (the API merges them anyway, but
//   only after validating that results come first).
// - Assistant reasoning produced by Anthropic goes back byte-identical, in its
//   original position (same document, "Anthropic Messages, Thinking and
//   signatures"); reasoning of another family is dropped with a warning.
// - A part's cache breakpoint goes on its block as `cache_control`
//   (convert-cache-control.ts), tool results' own blocks included.
// - Documents become `document` blocks (convert-document.ts), in user turns and
//   in tool results.
import { Role, type ContentPart, type ImagePart, type Message, type ReasoningPart, type ToolResultPart, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { convertParts } from '../shared/convert-parts.js';
import { parseBase64DataUrl, sniffImageMediaType } from '../shared/image-data.js';
import { reasoningDropped, unsupportedContent } from '../shared/warnings.js';
import type {
  AnthropicContentBlockParam,
  AnthropicDocumentBlockParam,
  AnthropicImageBlockParam,
  AnthropicMessageParam,
  AnthropicTextBlockParam,
  AnthropicToolResultBlockParam,
} from './anthropic-client.js';
import { withCacheControl } from './convert-cache-control.js';
import { convertDocument } from './convert-document.js';
import { ANTHROPIC_PROVIDER_TYPE } from './family.js';
import { toAnthropicToolCallId } from './tool-call-id.js';

export interface ConvertedMessages {
  system: AnthropicTextBlockParam[];
  messages: AnthropicMessageParam[];
  warnings: Warning[];
}

type Base64MediaType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

export function convertMessages(messages: Message[]): ConvertedMessages {
  const system: AnthropicTextBlockParam[] = [];
  const converted: AnthropicMessageParam[] = [];
  const warnings: Warning[] = [];

  messages.forEach((message, messageIndex) => {
    const where = `messages[${messageIndex}]`;
    if (message.role === Role.SYSTEM || message.role === Role.DEVELOPER) {
      const texts = convertParts(message.content, where, (part, at) => {
        if (part.kind.case === 'text') return withCacheControl(textBlock(part.kind.value.text), part.cacheBreakpoint, at, warnings);
        warnings.push(unsupportedContent(at, `a system message carries text only; a ${part.kind.case} part was not sent`));
        return undefined;
      });
      system.push(...texts);
      return;
    }
    if (message.name !== '') {
      warnings.push(unsupportedContent(`${where}.name`, 'anthropic has no participant names; the name was not sent'));
    }
    const role = message.role === Role.ASSISTANT ? 'assistant' : 'user';
    const blocks =
      role === 'assistant' ? assistantBlocks(message.content, where, warnings) : userBlocks(message.content, where, warnings);
    if (blocks.length === 0) return; // the API rejects empty content
    const previous = converted[converted.length - 1];
    if (previous !== undefined && previous.role === role) {
      (previous.content as AnthropicContentBlockParam[]).push(...blocks);
    } else {
      converted.push({ role, content: blocks });
    }
  });

  for (const message of converted) {
    if (message.role === 'user') message.content = resultsFirst(message.content as AnthropicContentBlockParam[]);
  }
  return { system, messages: converted, warnings };
}

function userBlocks(parts: ContentPart[], where: string, warnings: Warning[]): AnthropicContentBlockParam[] {
  return convertParts(parts, where, (part, at) => withCacheControl(userBlock(part, at, warnings), part.cacheBreakpoint, at, warnings));
}

function userBlock(part: ContentPart, at: string, warnings: Warning[]): AnthropicContentBlockParam | undefined {
  switch (part.kind.case) {
    case 'text':
      return textBlock(part.kind.value.text);
    case 'image':
      return imageBlock(part.kind.value, at);
    case 'document':
      return convertDocument(part.kind.value, at);
    case 'toolResult':
      return toolResultBlock(part.kind.value, at, warnings);
    case 'reasoning':
    case 'toolCall':
      warnings.push(unsupportedContent(at, `a ${part.kind.case} part belongs to an assistant turn; it was not sent`));
      return undefined;
    default:
      return undefined;
  }
}

function assistantBlocks(parts: ContentPart[], where: string, warnings: Warning[]): AnthropicContentBlockParam[] {
  return convertParts(parts, where, (part, at) => withCacheControl(assistantBlock(part, at, warnings), part.cacheBreakpoint, at, warnings));
}

function assistantBlock(part: ContentPart, at: string, warnings: Warning[]): AnthropicContentBlockParam | undefined {
  switch (part.kind.case) {
    case 'text':
      return textBlock(part.kind.value.text);
    case 'reasoning':
      return thinkingBlock(part.kind.value, at, warnings);
    case 'toolCall': {
      const call = part.kind.value;
      return { type: 'tool_use', id: toAnthropicToolCallId(call.id), name: call.name, input: parseArguments(call.argumentsJson, at) };
    }
    case 'image':
    case 'document':
      warnings.push(unsupportedContent(at, `anthropic accepts no ${part.kind.case}s in assistant turns; the ${part.kind.case} was not sent`));
      return undefined;
    case 'toolResult':
      warnings.push(unsupportedContent(at, 'a tool result cannot stand in an assistant turn; it was not sent'));
      return undefined;
    default:
      return undefined;
  }
}

/** Empty text blocks are rejected by the API. */
function textBlock(text: string): AnthropicTextBlockParam | undefined {
  return text === '' ? undefined : { type: 'text', text };
}

function thinkingBlock(reasoning: ReasoningPart, at: string, warnings: Warning[]): AnthropicContentBlockParam | undefined {
  if (reasoning.providerType !== ANTHROPIC_PROVIDER_TYPE) {
    // Signatures are model-bound, and Anthropic accepts only signed thinking.
    warnings.push(
      reasoningDropped(
        at,
        `reasoning produced by "${reasoning.providerType || 'an unknown provider'}" cannot be sent to anthropic ` +
          '(thinking signatures are model-bound); it was not sent',
      ),
    );
    return undefined;
  }
  // Byte-identical: never trimmed, rebuilt or dropped, signature-only blocks included.
  if (reasoning.redactedData !== '') return { type: 'redacted_thinking', data: reasoning.redactedData };
  return { type: 'thinking', thinking: reasoning.text, signature: reasoning.signature };
}

function toolResultBlock(result: ToolResultPart, at: string, warnings: Warning[]): AnthropicToolResultBlockParam {
  const content = convertParts(result.content, at, (part, partAt) =>
    withCacheControl(toolResultContentBlock(part, partAt, warnings), part.cacheBreakpoint, partAt, warnings),
  );
  const block: AnthropicToolResultBlockParam = { type: 'tool_result', tool_use_id: toAnthropicToolCallId(result.toolCallId) };
  // An empty result is still sent: `content` is optional, empty text blocks are not allowed.
  if (content.length > 0) block.content = content;
  if (result.isError) block.is_error = true;
  return block;
}

type ToolResultContentBlock = AnthropicTextBlockParam | AnthropicImageBlockParam | AnthropicDocumentBlockParam;

function toolResultContentBlock(part: ContentPart, at: string, warnings: Warning[]): ToolResultContentBlock | undefined {
  if (part.kind.case === 'text') return textBlock(part.kind.value.text);
  if (part.kind.case === 'image') return imageBlock(part.kind.value, at);
  if (part.kind.case === 'document') return convertDocument(part.kind.value, at);
  if (part.kind.case !== undefined) {
    warnings.push(unsupportedContent(at, `a tool result carries text, images and documents only; a ${part.kind.case} part was not sent`));
  }
  return undefined;
}

function imageBlock(image: ImagePart, at: string): AnthropicImageBlockParam {
  if (image.source.case === 'data') {
    const mediaType = image.mediaType || sniffImageMediaType(image.source.value);
    if (mediaType === undefined) throw new GatewayError('invalid_argument', `${at}: image bytes need a media_type`, { field: at });
    const data = Buffer.from(image.source.value).toString('base64');
    return { type: 'image', source: { type: 'base64', media_type: mediaType as Base64MediaType, data } };
  }
  if (image.source.case === 'url') {
    const url = image.source.value;
    const dataUrl = parseBase64DataUrl(url);
    if (dataUrl?.mediaType !== undefined) {
      return { type: 'image', source: { type: 'base64', media_type: dataUrl.mediaType as Base64MediaType, data: dataUrl.data } };
    }
    if (url.startsWith('data:')) throw new GatewayError('invalid_argument', `${at}: only base64 data URLs are supported`, { field: at });
    return { type: 'image', source: { type: 'url', url } };
  }
  throw new GatewayError('invalid_argument', `${at}: an image needs a url or data`, { field: at });
}

/** Tool call arguments go upstream as an object; "" means no arguments. */
function parseArguments(argumentsJson: string, at: string): unknown {
  if (argumentsJson.trim() === '') return {};
  try {
    return JSON.parse(argumentsJson) as unknown;
  } catch {
    throw new GatewayError('invalid_argument', `${at}: tool call arguments_json is not valid JSON`, {
      field: `${at}.tool_call.arguments_json`,
    });
  }
}

/** Stable partition: the API wants every tool_result before other user content. */
function resultsFirst(blocks: AnthropicContentBlockParam[]): AnthropicContentBlockParam[] {
  return [...blocks.filter((block) => block.type === 'tool_result'), ...blocks.filter((block) => block.type !== 'tool_result')];
}
