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
