// One Gemini response part → what it means canonically. Shared by the unary
// and the stream mappers so both read parts the same way:
// - `thought: true` → reasoning (its thoughtSignature, if any, on it);
// - functionCall → a tool call, the part's thoughtSignature on the call;
// - text → text, the part's thoughtSignature on that text part (Gemini 3 signs
//   the last part of a turn without calls, possibly an empty text part).
import { create } from '@bufbuild/protobuf';
import { WarningSchema, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GeminiPart } from './wire-types.js';

export type ClassifiedPart =
  | { kind: 'reasoning'; text: string; signature: string }
  | { kind: 'text'; text: string; signature: string }
  | { kind: 'toolCall'; upstreamId: string | undefined; name: string; argumentsJson: string; signature: string }
  | { kind: 'unsupported'; field: string }
  | { kind: 'empty' };

export function classifyPart(part: GeminiPart): ClassifiedPart {
  const signature = typeof part.thoughtSignature === 'string' ? part.thoughtSignature : '';
  if (part.functionCall) {
    return {
      kind: 'toolCall',
      upstreamId: part.functionCall.id || undefined,
      name: part.functionCall.name ?? '',
      argumentsJson: JSON.stringify(part.functionCall.args ?? {}),
      signature,
    };
  }
  const text = typeof part.text === 'string' ? part.text : undefined;
  if (part.thought === true) return { kind: 'reasoning', text: text ?? '', signature };
  if (text !== undefined || signature !== '') {
    return text || signature ? { kind: 'text', text: text ?? '', signature } : { kind: 'empty' };
  }
  const field = Object.keys(part).find((key) => key !== 'thoughtSignature' && key !== 'thought' && part[key] != null);
  return field === undefined ? { kind: 'empty' } : { kind: 'unsupported', field };
}

export function unsupportedOutput(field: string): Warning {
  return create(WarningSchema, {
    code: 'unsupported_output',
    param: `candidates.content.parts.${field}`,
    message: `Gemini returned a ${field} part, which the gateway cannot represent; it was left out`,
  });
}
