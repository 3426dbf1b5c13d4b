// Prompt and completion content in the GenAI conventions' shapes
// (gen_ai.system_instructions, gen_ai.input.messages, gen_ai.output.messages:
// JSON arrays of {role, parts: [{type, …}]}). Recorded only when the operator
// turned content on (GATEWAY_TRACE_CONTENT=true). Like the request log's
// bodies, each value is redacted of credentials (sk-…, Bearer …, AIza… keys,
// credential-named fields) and capped at 64 KiB; image and document bytes are never copied.
import type { ChatRequest, Choice, ContentPart, Message } from '../../../gen/llmgateway/v1/chat_pb.js';
import { Role } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { TraceAttributes } from '../../domain/trace-span.js';
import { redactBody } from '../request-log/redact-body.js';
import { finishReasonName, GEN_AI } from './gen-ai-attributes.js';

type Part = Record<string, unknown>;

const ROLE_NAMES: Partial<Record<Role, string>> = {
  [Role.USER]: 'user',
  [Role.ASSISTANT]: 'assistant',
  [Role.TOOL]: 'tool',
};

function partOf(part: ContentPart): Part | undefined {
  const { kind } = part;
  switch (kind.case) {
    case 'text':
      return { type: 'text', content: kind.value.text };
    case 'reasoning':
      return kind.value.text ? { type: 'reasoning', content: kind.value.text } : undefined;
    case 'toolCall':
      return { type: 'tool_call', id: kind.value.id, name: kind.value.name, arguments: parsedOrText(kind.value.argumentsJson) };
    case 'toolResult':
      return { type: 'tool_call_response', id: kind.value.toolCallId, response: kind.value.content.map(partOf).filter(Boolean) };
    case 'image':
      // A reference, never the bytes: spans are not the place for megabytes of base64.
      return kind.value.source.case === 'url'
        ? { type: 'uri', modality: 'image', uri: kind.value.source.value.startsWith('data:') ? '[inline data]' : kind.value.source.value }
        : { type: 'blob', modality: 'image', mime_type: kind.value.mediaType };
    case 'document':
      // A reference as for images: a URL, else the media type (text documents' text included, as text parts are).
      if (kind.value.source.case === 'url') return { type: 'uri', modality: 'document', uri: kind.value.source.value };
      if (kind.value.source.case === 'text') return { type: 'text', content: kind.value.source.value };
      return { type: 'blob', modality: 'document', mime_type: kind.value.mediaType };
    default:
      return undefined;
  }
}

function parsedOrText(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

const partsOf = (message: Message | undefined): Part[] => (message?.content ?? []).map(partOf).filter((part): part is Part => part !== undefined);

/** The request's system instructions and input messages (system and developer messages are instructions). */
export function inputContent(request: Pick<ChatRequest, 'messages'>): TraceAttributes {
  const instructions: Part[] = [];
  const messages: Part[] = [];
  for (const message of request.messages) {
    if (message.role === Role.SYSTEM || message.role === Role.DEVELOPER) instructions.push(...partsOf(message));
    else messages.push({ role: ROLE_NAMES[message.role] ?? 'user', parts: partsOf(message) });
  }
  return {
    [GEN_AI.systemInstructions]: instructions.length > 0 ? (redactBody(instructions) ?? undefined) : undefined,
    [GEN_AI.inputMessages]: redactBody(messages) ?? undefined,
  };
}

/** The answer's choices as output messages. */
export function outputContent(choices: readonly Choice[]): TraceAttributes {
  const messages = choices.map((choice) => ({
    role: 'assistant',
    parts: partsOf(choice.message),
    finish_reason: finishReasonName(choice.finishReason) ?? '',
  }));
  return { [GEN_AI.outputMessages]: redactBody(messages) ?? undefined };
}

/** Embeddings' inputs as one user message of text parts. */
export function embeddingInputContent(inputs: readonly string[]): TraceAttributes {
  return { [GEN_AI.inputMessages]: redactBody([{ role: 'user', parts: inputs.map((content) => ({ type: 'text', content })) }]) ?? undefined };
}
