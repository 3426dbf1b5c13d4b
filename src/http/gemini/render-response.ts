// A canonical ChatResponse → Gemini's GenerateContentResponse.
import type { ChatResponse } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GeminiWireResponse } from './gemini-wire.js';
import { finishReasonName, renderPart, renderUsage } from './render-parts.js';

export function renderGenerateResponse(response: ChatResponse): GeminiWireResponse {
  const usageMetadata = renderUsage(response.usage);
  return {
    candidates: response.choices.map((choice) => {
      const finishReason = finishReasonName(choice.finishReason, choice.rawFinishReason, response.route);
      return {
        content: { role: 'model', parts: (choice.message?.content ?? []).flatMap((part) => renderPart(part) ?? []) },
        ...(finishReason ? { finishReason } : {}),
        index: choice.index,
      };
    }),
    ...(usageMetadata ? { usageMetadata } : {}),
    modelVersion: response.model,
    responseId: response.id,
  };
}
