// Canonical messages → Gemini `systemInstruction` + `contents`.
// - system and developer messages become systemInstruction parts, in order;
// - assistant → role "model"; user and tool → role "user". Consecutive turns of
//   one role are merged, so ALL results answering a model turn travel in ONE
//   user turn (docs/provider-wire-formats.md, "Gemini API, Tool calls");
// - signatures go back on the part they came on (same document, "Gemini API,
//   Thought signatures" and Pitfall 2): a tool call's
//   on its functionCall part, a text part's on that text part, a Gemini
//   reasoning part's on its `thought` part. Reasoning from other families is
//   dropped with a warning (signatures are model-bound).
import { Role, type ContentPart, type Message, type ReasoningPart, type ToolCallPart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { invalidArgument } from '../../domain/gateway-error.js';
import { convertParts } from '../shared/convert-parts.js';
import { reasoningDropped, unsupportedContent, unsupportedParameter } from '../shared/warnings.js';
import { convertDocument } from './convert-document.js';
import { convertImage } from './convert-image.js';
import { convertToolResult } from './convert-tool-result.js';
import type { WarningCollector } from '../shared/warning-collector.js';
import { GEMINI_LABEL, GEMINI_PROVIDER_TYPE } from './family.js';
import type { GeminiContent, GeminiPart } from './wire-types.js';

export interface ConvertedMessages {
  systemInstruction: GeminiContent | undefined;
  contents: GeminiContent[];
}

export function convertMessages(messages: readonly Message[], warnings: WarningCollector): ConvertedMessages {
  const systemParts: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  // Gemini requires functionResponse.name; results may omit it, so remember each call's name.
  const callNames = new Map<string, string>();
  messages.forEach((message, messageIndex) => {
    const where = `messages[${messageIndex}]`;
    if (message.name !== '') {
      warnings.add(unsupportedParameter('messages.name', GEMINI_LABEL, 'Gemini turns carry no participant name'));
    }
    switch (message.role) {
      case Role.SYSTEM:
      case Role.DEVELOPER:
        systemParts.push(...systemPartsOf(message.content, where, warnings));
        return;
      case Role.ASSISTANT:
        append(contents, 'model', modelPartsOf(message.content, where, warnings, callNames));
        return;
      case Role.USER:
      case Role.TOOL:
        append(contents, 'user', userPartsOf(message.content, where, warnings, callNames));
        return;
      default:
        throw invalidArgument(`${where}.role`, 'must be set');
    }
  });
  if (contents.length === 0) {
    throw invalidArgument('messages', 'Gemini needs at least one user or assistant message besides system instructions');
  }
  return { systemInstruction: systemParts.length > 0 ? { parts: systemParts } : undefined, contents };
}

function append(contents: GeminiContent[], role: 'user' | 'model', parts: GeminiPart[]): void {
  if (parts.length === 0) return; // Gemini rejects a turn without parts.
  const last = contents.at(-1);
  if (last?.role === role) last.parts = [...(last.parts ?? []), ...parts];
  else contents.push({ role, parts });
}

function systemPartsOf(content: ContentPart[], where: string, warnings: WarningCollector): GeminiPart[] {
  return convertParts(content, where, (part) => {
    if (part.kind.case === 'text') return { text: part.kind.value.text };
    warnings.add(unsupportedContent(`${where}.content`, `Gemini system instructions take text only; a ${part.kind.case} part was not sent`));
    return undefined;
  });
}

function modelPartsOf(content: ContentPart[], where: string, warnings: WarningCollector, callNames: Map<string, string>): GeminiPart[] {
  return convertParts(content, where, (part, at): GeminiPart | undefined => {
    switch (part.kind.case) {
      case 'text': {
        const { text, signature } = part.kind.value;
        // A signed empty text part is how Gemini 3 signs a turn without calls: keep it.
        return text !== '' || signature !== '' ? withSignature({ text }, signature) : undefined;
      }
      case 'reasoning':
        return thoughtPart(part.kind.value, at, warnings);
      case 'toolCall': {
        const call = part.kind.value;
        if (call.id !== '') callNames.set(call.id, call.name);
        return functionCallPart(call, at, warnings);
      }
      default:
        warnings.add(unsupportedContent(`${where}.content`, `a ${part.kind.case ?? 'empty'} part is not valid on an assistant turn and was not sent`));
        return undefined;
    }
  });
}

function userPartsOf(content: ContentPart[], where: string, warnings: WarningCollector, callNames: Map<string, string>): GeminiPart[] {
  return convertParts(content, where, (part, at): GeminiPart | undefined => {
    switch (part.kind.case) {
      case 'text':
        return { text: part.kind.value.text };
      case 'image':
        return convertImage(part.kind.value, at, warnings);
      case 'document':
        return convertDocument(part.kind.value, at, false, warnings);
      case 'toolResult':
        return { functionResponse: convertToolResult(part.kind.value, at, warnings, callNames) };
      default:
        warnings.add(unsupportedContent(`${where}.content`, `a ${part.kind.case ?? 'empty'} part is not valid on a user or tool turn and was not sent`));
        return undefined;
    }
  });
}

function thoughtPart(reasoning: ReasoningPart, at: string, warnings: WarningCollector): GeminiPart | undefined {
  const ours = reasoning.providerType === GEMINI_PROVIDER_TYPE;
  const unsignedNeutral = reasoning.providerType === '' && reasoning.signature === '' && reasoning.redactedData === '';
  if (!ours && !unsignedNeutral) {
    warnings.add(
      reasoningDropped(
        'messages.content.reasoning',
        `reasoning produced by "${reasoning.providerType || 'unknown'}" was not sent to Gemini: signatures are model-bound`,
      ),
    );
    return undefined;
  }
  if (reasoning.redactedData !== '') {
    warnings.add(unsupportedContent(at, 'Gemini has no redacted reasoning; the redacted data was not sent'));
  }
  if (reasoning.text === '' && reasoning.signature === '') return undefined;
  return withSignature({ text: reasoning.text, thought: true }, reasoning.signature);
}

function functionCallPart(call: ToolCallPart, at: string, warnings: WarningCollector): GeminiPart {
  let args: Record<string, unknown> = {};
  try {
    const parsed: unknown = call.argumentsJson.trim() === '' ? {} : JSON.parse(call.argumentsJson);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) args = parsed as Record<string, unknown>;
    else throw new Error('not an object');
  } catch {
    // Gemini needs an object; a truncated call from an earlier turn must not sink the conversation.
    warnings.add(unsupportedContent(`${at}.tool_call.arguments_json`, 'not a JSON object; sent as {} to Gemini'));
  }
  const functionCall = { ...(call.id !== '' ? { id: call.id } : {}), name: call.name, args };
  return withSignature({ functionCall }, call.signature);
}

function withSignature(part: GeminiPart, signature: string): GeminiPart {
  return signature === '' ? part : { ...part, thoughtSignature: signature };
}
