// Canonical messages → Chat Completions messages. Order is preserved; every
// part that has no place in this wire format is reported once. Documents:
// convert-document.ts.
//
// Text parts that become one string are joined with "\n" (TEXT_SEPARATOR), the
// way hosts that take an array of text parts join it themselves before the chat
// template (vLLM, TensorRT-LLM): the model reads what it would have read from
// the parts. No separator would glue two blocks into one ("Let me check.One
// sec."), "\n\n" adds a blank line no host adds. System and developer parts
// stay separate instructions, a paragraph apart ("\n\n").
import type { ContentPart, ImagePart, Message, ToolResultPart, Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { Role } from '../../../gen/llmgateway/v1/chat_pb.js';
import { defaultApplied, unsupportedParameter, unsupportedParameterNotice } from '../shared/warnings.js';
import { convertDocument } from './convert-document.js';
import type { FamilyTraits } from './family.js';
import { WarningCollector } from '../shared/warning-collector.js';
import { applyDeepSeekReasoningRule } from './deepseek-reasoning.js';
import type { WireContentPart, WireImagePart, WireMessage, WireTextPart, WireToolCall } from './wire-types.js';

const TEXT_SEPARATOR = '\n';

/** Empty parts (a signature-only part, say) add no separator. */
function joinTexts(texts: string[]): string {
  let joined = '';
  for (const text of texts) if (text !== '') joined = joined === '' ? text : `${joined}${TEXT_SEPARATOR}${text}`;
  return joined;
}

export interface ConvertedMessages {
  messages: WireMessage[];
  warnings: Warning[];
}

export function convertMessages(messages: Message[], traits: FamilyTraits): ConvertedMessages {
  const collector = new WarningCollector();
  const out: WireMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case Role.SYSTEM:
      case Role.DEVELOPER:
        out.push(convertInstructions(message, traits, collector));
        break;
      case Role.ASSISTANT:
        out.push(convertAssistant(message, traits, collector));
        break;
      case Role.TOOL:
      case Role.USER:
      default:
        out.push(...convertUserOrTool(message, traits, collector));
        break;
    }
  }
  if (traits.compatibleHost === 'deepseek') applyDeepSeekReasoningRule(out);
  return { messages: out, warnings: collector.warnings };
}

const named = (name: string): { name?: string } => (name ? { name } : {});

function convertInstructions(message: Message, traits: FamilyTraits, collector: WarningCollector): WireMessage {
  // Compatible hosts often reject "developer" (docs/provider-wire-formats.md,
  // "OpenAI Chat Completions, Request"): send it as system there.
  const role = message.role === Role.DEVELOPER && traits.developerRole ? 'developer' : 'system';
  const texts: string[] = [];
  for (const part of message.content) {
    if (part.kind.case === 'text') texts.push(part.kind.value.text);
    else dropPart(part, 'system', traits, collector);
  }
  return { role, content: texts.join('\n\n'), ...named(message.name) };
}

function convertAssistant(message: Message, traits: FamilyTraits, collector: WarningCollector): WireMessage {
  const texts: string[] = [];
  const refusals: string[] = [];
  const toolCalls: WireToolCall[] = [];
  const reasoning: string[] = [];
  for (const part of message.content) {
    const { kind } = part;
    if (kind.case === 'text') {
      (kind.value.refusal && traits.sendsRefusal ? refusals : texts).push(kind.value.text);
      if (kind.value.signature) collector.add(signatureDropped('messages.content.text.signature', traits));
    } else if (kind.case === 'toolCall') {
      // Ids pass through unchanged: the tool results refer to them.
      toolCalls.push({ id: kind.value.id, type: 'function', function: { name: kind.value.name, arguments: kind.value.argumentsJson } });
      if (kind.value.signature) collector.add(signatureDropped('messages.content.tool_call.signature', traits));
    } else if (kind.case === 'reasoning') {
      const sendable = traits.reasoningFields.length > 0 && reasoningBelongsHere(kind.value, traits);
      if (!sendable) collector.add(reasoningDropped(traits));
      else {
        reasoning.push(kind.value.text);
        // DeepSeek-style hosts have no reasoning signatures; the text itself is what they validate.
        if (kind.value.signature || kind.value.redactedData) collector.add(signatureDropped('messages.content.reasoning.signature', traits));
      }
    } else {
      dropPart(part, 'assistant', traits, collector);
    }
  }
  const wire: WireMessage = {
    role: 'assistant',
    content: texts.length > 0 ? joinTexts(texts) : toolCalls.length > 0 || refusals.length > 0 ? null : '',
    ...named(message.name),
  };
  if (refusals.length > 0) wire.refusal = joinTexts(refusals);
  if (toolCalls.length > 0) wire.tool_calls = toolCalls;
  // Only reasoning there is, in the field(s) the host reads: Groq refuses a
  // field it does not know, even an empty one (hermes-agent#11089). DeepSeek's
  // rule for tool-call turns is applied over the whole conversation
  // (deepseek-reasoning.ts). Several reasoning parts of one turn are pieces of
  // one streamed block (a Gemini client keeps a thought part per chunk), so
  // they are joined as they are.
  const reasoningText = reasoning.join('');
  if (reasoningText !== '') for (const field of traits.reasoningFields) wire[field] = reasoningText;
  return wire;
}

function reasoningBelongsHere(part: { providerType: string; signature: string; redactedData: string }, traits: FamilyTraits): boolean {
  if (part.providerType === traits.family) return true;
  return part.providerType === '' && !part.signature && !part.redactedData;
}

function convertUserOrTool(message: Message, traits: FamilyTraits, collector: WarningCollector): WireMessage[] {
  const out: WireMessage[] = [];
  const content: WireContentPart[] = [];
  for (const part of message.content) {
    const { kind } = part;
    if (kind.case === 'toolResult') out.push(convertToolResult(kind.value, traits, collector));
    else if (message.role === Role.TOOL) dropPart(part, 'tool', traits, collector);
    else if (kind.case === 'text') content.push({ type: 'text', text: kind.value.text });
    else if (kind.case === 'image') content.push(convertImage(kind.value, collector));
    else if (kind.case === 'document') content.push(convertDocument(kind.value, false, traits, collector));
    else dropPart(part, 'user', traits, collector);
  }
  if (content.length > 0 || (message.content.length === 0 && message.role !== Role.TOOL)) {
    out.push({ role: 'user', content: textOrParts(content, traits), ...named(message.name) });
  }
  return out;
}

/**
 * One plain text part travels as a string: every host understands that form.
 * Several go as one string to compatible hosts (DeepSeek 400s an array:
 * "invalid type: sequence, expected a string"); an image keeps the parts.
 */
function textOrParts<Part extends WireContentPart>(parts: Part[], traits: FamilyTraits): string | Part[] {
  const texts: string[] = [];
  for (const part of parts) {
    if (part.type !== 'text') return parts;
    texts.push(part.text);
  }
  if (texts.length <= 1) return texts[0] ?? '';
  return traits.textAsString ? joinTexts(texts) : parts;
}

// One `tool` message per result. An empty result is sent as "" — the official
// API accepts it, and dropping it would leave the call unanswered (400).
function convertToolResult(result: ToolResultPart, traits: FamilyTraits, collector: WarningCollector): WireMessage {
  const texts: WireTextPart[] = [];
  for (const part of result.content) {
    if (part.kind.case === 'text') texts.push({ type: 'text', text: part.kind.value.text });
    else if (part.kind.case === 'document') texts.push(convertDocument(part.kind.value, true, traits, collector) as WireTextPart);
    else dropPart(part, 'tool', traits, collector);
  }
  if (result.isError) {
    collector.add(
      unsupportedParameterNotice('messages.content.tool_result.is_error', `${traits.label} has no error flag on tool results; the result was sent as plain content`),
    );
  }
  return { role: 'tool', tool_call_id: result.toolCallId, content: textOrParts(texts, traits) };
}

function convertImage(image: ImagePart, collector: WarningCollector): WireImagePart {
  let url = '';
  if (image.source.case === 'url') url = image.source.value;
  else if (image.source.case === 'data') {
    let mediaType = image.mediaType;
    if (!mediaType) {
      mediaType = 'image/png';
      collector.add(defaultApplied('messages.content.image.media_type', 'an image without media_type was sent as image/png'));
    }
    url = `data:${mediaType};base64,${Buffer.from(image.source.value).toString('base64')}`;
  }
  return { type: 'image_url', image_url: { url, ...(image.detail ? { detail: image.detail } : {}) } };
}

function dropPart(part: ContentPart, role: string, traits: FamilyTraits, collector: WarningCollector): void {
  const kind = part.kind.case ?? 'empty';
  if (kind === 'empty') return;
  if (kind === 'reasoning') {
    collector.add(reasoningDropped(traits));
    return;
  }
  collector.add(unsupportedParameter(`messages.content.${kind}`, traits.label, `${kind} parts in ${role} messages`));
}

function reasoningDropped(traits: FamilyTraits): Warning {
  const detail = traits.reasoningFields.length > 0
    ? 'reasoning produced by another provider type (signatures are model-bound)'
    : 'earlier reasoning (Chat Completions cannot take it back)';
  return unsupportedParameter('messages.content.reasoning', traits.label, detail);
}

function signatureDropped(param: string, traits: FamilyTraits): Warning {
  return unsupportedParameter(param, traits.label, 'provider signatures have no place in Chat Completions');
}
