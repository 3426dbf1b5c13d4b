// Gemini's safety verdicts → canonical SafetyRating / PromptFeedback, so a
// Gemini client is told why (promptFeedback.blockReason, safetyRatings) as
// Gemini tells it. Entries that are not objects are skipped, not trusted.
import { create } from '@bufbuild/protobuf';
import { PromptFeedbackSchema, SafetyRatingSchema, type PromptFeedback, type SafetyRating } from '../../../gen/llmgateway/v1/chat_pb.js';
import { isJsonObject } from '../shared/upstream-fault.js';
import type { GeminiResponse, GeminiSafetyRating } from './wire-types.js';

export function mapSafetyRatings(ratings: readonly GeminiSafetyRating[] | undefined): SafetyRating[] {
  if (!Array.isArray(ratings)) return [];
  const mapped: SafetyRating[] = [];
  for (const rating of ratings) {
    if (!isJsonObject(rating)) continue;
    mapped.push(
      create(SafetyRatingSchema, {
        category: typeof rating.category === 'string' ? rating.category : '',
        probability: typeof rating.probability === 'string' ? rating.probability : '',
        blocked: rating.blocked === true,
      }),
    );
  }
  return mapped;
}

/** The prompt's block, when the upstream blocked it; undefined otherwise. */
export function mapPromptFeedback(feedback: GeminiResponse['promptFeedback']): PromptFeedback | undefined {
  if (!feedback?.blockReason) return undefined;
  return create(PromptFeedbackSchema, { blockReason: feedback.blockReason, safetyRatings: mapSafetyRatings(feedback.safetyRatings) });
}
