// A canonical ChatResponse → Gemini's GenerateContentResponse.
import type { ChatResponse, ContentPart, Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GeminiWireCandidate, GeminiWirePart, GeminiWireResponse } from './gemini-wire.js';
import { finishReasonName, markMalformedCalls, renderPart, renderUsage, type MalformedCall } from './render-parts.js';
import { renderPromptFeedback, renderSafetyRatings } from './render-safety.js';
import { renderCandidateLogprobs } from './render-logprobs.js';

export interface RenderedGenerateResponse {
  body: GeminiWireResponse;
  /** Problems found while rendering (function-call arguments that were not a JSON object). */
  warnings: Warning[];
}

/** A loop, not a flatMap callback: see docs/performance.md, "Closures made per request". */
function renderedParts(content: readonly ContentPart[], malformed: MalformedCall[]): GeminiWirePart[] {
  const parts: GeminiWirePart[] = [];
  for (const part of content) {
    const rendered = renderPart(part, malformed);
    if (rendered !== undefined) parts.push(rendered);
  }
  return parts;
}

export function renderGenerateResponse(response: ChatResponse): RenderedGenerateResponse {
  const warnings: Warning[] = [];
  const usageMetadata = renderUsage(response.usage);
  if (response.promptFeedback) {
    // A blocked prompt: Gemini's own shape, no candidates (the canonical empty choice is for other surfaces).
    const promptFeedback = renderPromptFeedback(response.promptFeedback);
    return { body: { promptFeedback, ...(usageMetadata ? { usageMetadata } : {}), modelVersion: response.model, responseId: response.id }, warnings };
  }
  const candidates = response.choices.map((choice) => {
    const malformed: MalformedCall[] = [];
    const finishReason = finishReasonName(choice.finishReason, choice.rawFinishReason, response.route);
    const candidate: GeminiWireCandidate = {
      content: { role: 'model', parts: renderedParts(choice.message?.content ?? [], malformed) },
      ...(finishReason ? { finishReason } : {}),
      index: choice.index,
      ...(choice.safetyRatings.length > 0 ? { safetyRatings: renderSafetyRatings(choice.safetyRatings) } : {}),
      ...renderCandidateLogprobs(choice.logprobs),
    };
    markMalformedCalls(candidate, malformed, warnings);
    return candidate;
  });
  return {
    body: { candidates, ...(usageMetadata ? { usageMetadata } : {}), modelVersion: response.model, responseId: response.id },
    warnings,
  };
}
