// Canonical messages → Anthropic `system` + `messages`.
// - System and developer messages (wherever they stand) become top-level
//   `system` text blocks, in order.
// - Tool results (ROLE_TOOL messages, or result parts in a user message) become
//   `tool_result` blocks at the start of the next user message, so all results
//   of one assistant turn travel in ONE user message (PROTOCOL-NOTES §4, §7.11).
// - Consecutive same-role messages are merged (the API merges them anyway, but
//   only after validating that results come first).
// - Assistant reasoning produced by Anthropic goes back byte-identical, in its
//   original position (§7.1); reasoning of another family is dropped with a warning.
import { create } from '@bufbuild/protobuf';
import {
  Role,
  WarningSchema,
  type ContentPart,
  type ImagePart,
  type Message,
  type ToolResultPart,
  type Warning,
} from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import type {
  AnthropicContentBlockParam,
  AnthropicImageBlockParam,
  AnthropicMessageParam,
  AnthropicTextBlockParam,
  AnthropicToolResultBlockParam,
} from './anthropic-client.js';
import { toAnthropicToolCallId } from './tool-call-id.js';

export const ANTHROPIC_PROVIDER_TYPE = 'anthropic';

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
      for (const [partIndex, part] of message.content.entries()) {
        if (part.kind.case === 'text') {
          if (part.kind.value.text !== '') system.push({ type: 'text', text: part.kind.value.text });
        } else {
          const detail = `a system message carries text only; a ${part.kind.case} part was not sent`;
          warnings.push(droppedContent(`${where}.content[${partIndex}]`, detail));
        }
      }
      return;
    }
    if (message.name !== '') {
      warnings.push(droppedContent(`${where}.name`, 'anthropic has no participant names; the name was not sent'));
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
  const blocks: AnthropicContentBlockParam[] = [];
  parts.forEach((part, partIndex) => {
    const at = `${where}.content[${partIndex}]`;
    switch (part.kind.case) {
      case 'text':
        if (part.kind.value.text !== '') blocks.push({ type: 'text', text: part.kind.value.text });
        break;
      case 'image':
        blocks.push(imageBlock(part.kind.value, at));
        break;
      case 'toolResult':
        blocks.push(toolResultBlock(part.kind.value, at, warnings));
        break;
      case 'reasoning':
      case 'toolCall':
        warnings.push(droppedContent(at, `a ${part.kind.case} part belongs to an assistant turn; it was not sent`));
        break;
      default:
        break;
    }
  });
  return blocks;
}

function assistantBlocks(parts: ContentPart[], where: string, warnings: Warning[]): AnthropicContentBlockParam[] {
  const blocks: AnthropicContentBlockParam[] = [];
  parts.forEach((part, partIndex) => {
    const at = `${where}.content[${partIndex}]`;
    switch (part.kind.case) {
      case 'text':
        if (part.kind.value.text !== '') blocks.push({ type: 'text', text: part.kind.value.text });
        break;
      case 'reasoning': {
        const reasoning = part.kind.value;
        if (reasoning.providerType !== ANTHROPIC_PROVIDER_TYPE) {
          // Signatures are model-bound, and Anthropic accepts only signed thinking.
          warnings.push(
            create(WarningSchema, {
              code: 'reasoning_dropped',
              param: at,
              message:
                `reasoning produced by "${reasoning.providerType || 'an unknown provider'}" cannot be sent to anthropic ` +
                '(thinking signatures are model-bound); it was not sent',
            }),
          );
          break;
        }
        // Byte-identical: never trimmed, rebuilt or dropped, signature-only blocks included.
        if (reasoning.redactedData !== '') blocks.push({ type: 'redacted_thinking', data: reasoning.redactedData });
        else blocks.push({ type: 'thinking', thinking: reasoning.text, signature: reasoning.signature });
        break;
      }
      case 'toolCall': {
        const call = part.kind.value;
        const input = parseArguments(call.argumentsJson, at);
        blocks.push({ type: 'tool_use', id: toAnthropicToolCallId(call.id), name: call.name, input });
        break;
      }
      case 'image':
        warnings.push(droppedContent(at, 'anthropic accepts no images in assistant turns; the image was not sent'));
        break;
      case 'toolResult':
        warnings.push(droppedContent(at, 'a tool result cannot stand in an assistant turn; it was not sent'));
        break;
      default:
        break;
    }
  });
  return blocks;
}

function toolResultBlock(result: ToolResultPart, at: string, warnings: Warning[]): AnthropicToolResultBlockParam {
  const content: Array<AnthropicTextBlockParam | AnthropicImageBlockParam> = [];
  result.content.forEach((part, partIndex) => {
    if (part.kind.case === 'text') {
      if (part.kind.value.text !== '') content.push({ type: 'text', text: part.kind.value.text });
    } else if (part.kind.case === 'image') {
      content.push(imageBlock(part.kind.value, `${at}.content[${partIndex}]`));
    } else if (part.kind.case !== undefined) {
      const detail = `a tool result carries text and images only; a ${part.kind.case} part was not sent`;
      warnings.push(droppedContent(`${at}.content[${partIndex}]`, detail));
    }
  });
  const block: AnthropicToolResultBlockParam = { type: 'tool_result', tool_use_id: toAnthropicToolCallId(result.toolCallId) };
  // An empty result is still sent: `content` is optional, empty text blocks are not allowed.
  if (content.length > 0) block.content = content;
  if (result.isError) block.is_error = true;
  return block;
}

function imageBlock(image: ImagePart, at: string): AnthropicImageBlockParam {
  if (image.source.case === 'data') {
    const mediaType = image.mediaType || sniffImageType(image.source.value);
    if (mediaType === '') throw new GatewayError('invalid_argument', `${at}: image bytes need a media_type`, { field: at });
    const data = Buffer.from(image.source.value).toString('base64');
    return { type: 'image', source: { type: 'base64', media_type: mediaType as Base64MediaType, data } };
  }
  if (image.source.case === 'url') {
    const url = image.source.value;
    const dataUrl = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(url);
    if (dataUrl !== null) {
      return { type: 'image', source: { type: 'base64', media_type: dataUrl[1] as Base64MediaType, data: dataUrl[2] ?? '' } };
    }
    if (url.startsWith('data:')) throw new GatewayError('invalid_argument', `${at}: only base64 data URLs are supported`, { field: at });
    return { type: 'image', source: { type: 'url', url } };
  }
  throw new GatewayError('invalid_argument', `${at}: an image needs a url or data`, { field: at });
}

/** The media type from the first bytes, for images sent without one. */
function sniffImageType(bytes: Uint8Array): string {
  const starts = (...signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  const webp = [0x57, 0x45, 0x42, 0x50].every((byte, index) => bytes[8 + index] === byte);
  if (starts(0x52, 0x49, 0x46, 0x46) && webp) return 'image/webp';
  return '';
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

function droppedContent(param: string, message: string): Warning {
  return create(WarningSchema, { code: 'unsupported_content', param, message });
}
