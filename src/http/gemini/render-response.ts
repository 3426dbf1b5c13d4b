// A canonical ChatResponse → Gemini's GenerateContentResponse.
import type { ChatResponse, ContentPart } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GeminiWirePart, GeminiWireResponse } from './gemini-wire.js';
import { finishReasonName, renderPart, renderUsage } from './render-parts.js';

/** A loop, not a flatMap callback: see docs/performance.md, "Closures made per request". */
function renderedParts(content: readonly ContentPart[]): GeminiWirePart[] {
  const parts: GeminiWirePart[] = [];
  for (const part of content) {
    const rendered = renderPart(part);
    if (rendered !== undefined) parts.push(rendered);
  }
  return parts;
}

export function renderGenerateResponse(response: ChatResponse): GeminiWireResponse {
  const usageMetadata = renderUsage(response.usage);
  return {
    candidates: response.choices.map((choice) => {
      const finishReason = finishReasonName(choice.finishReason, choice.rawFinishReason, response.route);
      return {
        content: { role: 'model', parts: renderedParts(choice.message?.content ?? []) },
        ...(finishReason ? { finishReason } : {}),
        index: choice.index,
      };
    }),
    ...(usageMetadata ? { usageMetadata } : {}),
    modelVersion: response.model,
    responseId: response.id,
  };
}
