// The Gemini API's JSON shapes the gateway answers with (camelCase, as the
// REST API and @google/genai send them). Reference:
// https://ai.google.dev/api/generate-content, https://ai.google.dev/api/tokens,
// https://ai.google.dev/api/embeddings, https://ai.google.dev/api/models.

export interface GeminiWirePart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  functionCall?: { id?: string; name: string; args: Record<string, unknown> };
}

export interface GeminiWireCandidate {
  content: { role: 'model'; parts: GeminiWirePart[] };
  finishReason?: string;
  /** Why the candidate stopped, in words (MALFORMED_FUNCTION_CALL: the calls that could not be read). */
  finishMessage?: string;
  index: number;
  safetyRatings?: GeminiWireSafetyRating[];
  /** The tokens' log probabilities (generationConfig.responseLogprobs); in a stream, the event's own tokens. */
  logprobsResult?: GeminiWireLogprobsResult;
  /** The mean log probability of the candidate's tokens (a stream: on its last event). */
  avgLogprobs?: number;
}

export interface GeminiWireLogprobsCandidate {
  token: string;
  logProbability: number;
}

export interface GeminiWireLogprobsResult {
  /** Per decoding step: the most likely tokens (only when generationConfig.logprobs asked for them). */
  topCandidates?: Array<{ candidates: GeminiWireLogprobsCandidate[] }>;
  /** Per decoding step: the token chosen. */
  chosenCandidates: GeminiWireLogprobsCandidate[];
}

export interface GeminiWireUsage {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
}

export interface GeminiWireSafetyRating {
  category: string;
  probability: string;
  blocked?: boolean;
}

export interface GeminiWirePromptFeedback {
  blockReason: string;
  safetyRatings?: GeminiWireSafetyRating[];
}

export interface GeminiWireResponse {
  /** Absent when the prompt was blocked (`promptFeedback` says why). */
  candidates?: GeminiWireCandidate[];
  promptFeedback?: GeminiWirePromptFeedback;
  usageMetadata?: GeminiWireUsage;
  modelVersion: string;
  responseId: string;
}

/** Google's error body (https://ai.google.dev/gemini-api/docs/troubleshooting). */
export interface GeminiErrorBody {
  /** `details`: google.rpc detail messages; the gateway sends RetryInfo when it knows when to retry. */
  error: { code: number; message: string; status: string; details?: Array<{ '@type': string; retryDelay: string }> };
}

export interface GeminiWireModel {
  name: string;
  baseModelId: string;
  version: string;
  displayName: string;
  description: string;
  supportedGenerationMethods: string[];
}
