// Canonical answer pieces → Gemini response pieces, shared by the unary and
// the stream renderers: parts (signatures on their parts, thoughts marked by
// origin: thought-signature.ts), finish reasons and usage.
import { FinishReason, type ContentPart, type RouteInfo, type Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GeminiWirePart, GeminiWireUsage } from './gemini-wire.js';
import { GEMINI_PROVIDER_TYPE } from './gemini-names.js';
import { encodeThoughtSignature } from './thought-signature.js';

const signed = (signature: string): { thoughtSignature?: string } => (signature ? { thoughtSignature: signature } : {});

/** Arguments as an object (Gemini's `args`); a provider's unreadable JSON arrives as `{}` rather than failing the answer. */
export function argumentsObject(json: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(json === '' ? '{}' : json);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function renderPart(part: ContentPart): GeminiWirePart | undefined {
  switch (part.kind.case) {
    case 'text':
      return { text: part.kind.value.text, ...signed(part.kind.value.signature) };
    case 'reasoning':
      return { text: part.kind.value.text, thought: true, ...signed(encodeThoughtSignature(part.kind.value)) };
    case 'toolCall': {
      const call = part.kind.value;
      return { functionCall: { ...(call.id ? { id: call.id } : {}), name: call.name, args: argumentsObject(call.argumentsJson) }, ...signed(call.signature) };
    }
    case 'image':
      if (part.kind.value.source.case !== 'data') return undefined;
      return { inlineData: { mimeType: part.kind.value.mediaType, data: Buffer.from(part.kind.value.source.value).toString('base64') } };
    default:
      return undefined;
  }
}

const FINISH_NAMES: Partial<Record<FinishReason, string>> = {
  [FinishReason.STOP]: 'STOP',
  // Gemini reports STOP when a turn ends in function calls.
  [FinishReason.TOOL_CALLS]: 'STOP',
  [FinishReason.LENGTH]: 'MAX_TOKENS',
  [FinishReason.CONTENT_FILTER]: 'SAFETY',
  [FinishReason.ERROR]: 'OTHER',
  [FinishReason.OTHER]: 'OTHER',
};

/** Gemini's own reason when Gemini served the answer (RECITATION, BLOCKLIST … kept), else the canonical one named. */
export function finishReasonName(reason: FinishReason, raw: string, route: RouteInfo | undefined): string | undefined {
  if (route?.providerType === GEMINI_PROVIDER_TYPE && /^[A-Z_]+$/.test(raw)) return raw;
  return FINISH_NAMES[reason];
}

/** Gemini counts thoughts apart from the candidates: candidates = output − reasoning. */
export function renderUsage(usage: Usage | undefined): GeminiWireUsage | undefined {
  if (!usage) return undefined;
  const thoughts = usage.reasoningTokens;
  return {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: Math.max(0, usage.outputTokens - thoughts),
    totalTokenCount: usage.totalTokens || usage.inputTokens + usage.outputTokens,
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
    ...(usage.cachedInputTokens > 0 ? { cachedContentTokenCount: usage.cachedInputTokens } : {}),
  };
}
