// The Gemini API v1beta wire shapes this family reads and writes
// (ai.google.dev/api/generate-content). Declared here rather than imported
// from @google/genai so that only gemini-client.ts depends on the SDK; the
// SDK's own types are structurally the same (it sends parts as given).

export interface GeminiInlineData {
  mimeType: string;
  /** Bare base64, no `data:` prefix. */
  data: string;
}

export interface GeminiFileData {
  mimeType?: string;
  fileUri: string;
}

export interface GeminiFunctionCall {
  id?: string;
  name?: string;
  args?: Record<string, unknown>;
}

export interface GeminiFunctionResponse {
  id?: string;
  name: string;
  /** Must be a JSON object. */
  response: Record<string, unknown>;
  /** Multimodal results (images) beside `response`. */
  parts?: Array<{ inlineData?: GeminiInlineData; fileData?: GeminiFileData }>;
}

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  /** Opaque, model-bound; must come back on the same part. */
  thoughtSignature?: string;
  inlineData?: GeminiInlineData;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  /** Parts this gateway does not model (executableCode, …). */
  [other: string]: unknown;
}

export interface GeminiContent {
  role?: 'user' | 'model' | string;
  parts?: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** Full JSON Schema ($ref/$defs/anyOf/additionalProperties allowed). */
  parametersJsonSchema?: unknown;
}

export interface GeminiTool {
  functionDeclarations: GeminiFunctionDeclaration[];
}

export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED';

export interface GeminiToolConfig {
  functionCallingConfig: { mode: GeminiFunctionCallingMode; allowedFunctionNames?: string[] };
}

export type GeminiThinkingLevel = 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';

export interface GeminiThinkingConfig {
  /** Never together with thinkingLevel (the API answers 400). */
  thinkingBudget?: number;
  thinkingLevel?: GeminiThinkingLevel;
  includeThoughts?: boolean;
}

/** The SDK's GenerateContentConfig subset we use (flat; the SDK nests generationConfig on the wire). */
export interface GeminiGenerateConfig {
  systemInstruction?: GeminiContent;
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  seed?: number;
  candidateCount?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseJsonSchema?: unknown;
  /** Gemini's OpenAPI-subset schema: sent only with text/x.enum (enum-schema.ts). */
  responseSchema?: unknown;
  thinkingConfig?: GeminiThinkingConfig;
  /** Log probabilities of the chosen tokens, and `logprobs` alternatives at each step (0–20). */
  responseLogprobs?: boolean;
  logprobs?: number;
}

/** One generateContent call, ready for the client. */
export interface GeminiGenerateRequest {
  model: string;
  contents: GeminiContent[];
  config: GeminiGenerateConfig;
  /** provider_options: merged into the JSON body as is (deep merge). */
  extraBody: Record<string, unknown>;
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

export interface GeminiSafetyRating {
  category?: string;
  probability?: string;
  blocked?: boolean;
}

/** One token and its log probability (zero values are left out of Google's JSON: a missing one is 0). */
export interface GeminiLogprobsCandidate {
  token?: string;
  tokenId?: number;
  logProbability?: number;
}

/** Per decoding step: the chosen token, and the most likely ones (only when `logprobs` asked for them). */
export interface GeminiLogprobsResult {
  chosenCandidates?: GeminiLogprobsCandidate[];
  topCandidates?: Array<{ candidates?: GeminiLogprobsCandidate[] }>;
}

export interface GeminiCandidate {
  content?: GeminiContent;
  finishReason?: string;
  finishMessage?: string;
  index?: number;
  safetyRatings?: GeminiSafetyRating[];
  logprobsResult?: GeminiLogprobsResult;
}

export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string; safetyRatings?: GeminiSafetyRating[] };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}
