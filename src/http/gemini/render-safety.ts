// Canonical safety verdicts → Gemini's `safetyRatings` and `promptFeedback`
// (https://ai.google.dev/api/generate-content#PromptFeedback): a blocked
// prompt is answered as Gemini answers it, no candidates and the reason in
// promptFeedback, which is what Gemini clients check.
import type { PromptFeedback, SafetyRating } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GeminiWirePromptFeedback, GeminiWireSafetyRating } from './gemini-wire.js';

export function renderSafetyRatings(ratings: readonly SafetyRating[]): GeminiWireSafetyRating[] {
  const rendered: GeminiWireSafetyRating[] = [];
  for (const rating of ratings) {
    rendered.push({ category: rating.category, probability: rating.probability, ...(rating.blocked ? { blocked: true } : {}) });
  }
  return rendered;
}

export function renderPromptFeedback(feedback: PromptFeedback): GeminiWirePromptFeedback {
  const safetyRatings = renderSafetyRatings(feedback.safetyRatings);
  return { blockReason: feedback.blockReason, ...(safetyRatings.length > 0 ? { safetyRatings } : {}) };
}
