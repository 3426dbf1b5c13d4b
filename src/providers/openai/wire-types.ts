// The Chat Completions wire shapes this family reads and writes, as JSON.
// Declared here (not imported from the SDK) so the pure mappers stay free of
// the SDK and can name the extensions compatible hosts add (DeepSeek's
// `reasoning_content` and cache counters, vLLM's `reasoning`, Azure's
// content-filter annotations) that the SDK's types do not know.
import type { JsonValue } from '@bufbuild/protobuf';

export type OpenAIFamily = 'openai' | 'azure-openai' | 'openai-compatible';

/** The assistant-message field a compatible host reads earlier reasoning from (DeepSeek's, vLLM's). */
export type ReasoningField = 'reasoning_content' | 'reasoning';

export interface WireTextPart {
  type: 'text';
  text: string;
}

export interface WireImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: string };
}

/** A PDF (https://developers.openai.com/api/docs/guides/file-inputs): file_data is a data URL, filename the name the model sees. */
export interface WireFilePart {
  type: 'file';
  file: { file_data: string; filename: string };
}

export type WireContentPart = WireTextPart | WireImagePart | WireFilePart;

export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type WireMessage =
  | { role: 'system' | 'developer'; content: string; name?: string }
  | { role: 'user'; content: string | WireContentPart[]; name?: string }
  | {
      role: 'assistant';
      content: string | null;
      name?: string;
      tool_calls?: WireToolCall[];
      /** An earlier structured-outputs refusal (OpenAI, Azure). */
      refusal?: string;
      /** The turn's reasoning sent back (compatible hosts only): DeepSeek's field … */
      reasoning_content?: string;
      /** … and vLLM's, Ollama's, Groq's. */
      reasoning?: string;
    }
  | { role: 'tool'; tool_call_id: string; content: string | WireTextPart[] };

export interface WireTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, JsonValue>; strict?: boolean };
}

export type WireToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type WireResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; description?: string; schema?: Record<string, JsonValue>; strict?: boolean };
    };

/** The request body (`stream` and `stream_options` are set by the adapter). */
export interface WireChatParams {
  model: string;
  messages: WireMessage[];
  tools?: WireTool[];
  tool_choice?: WireToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: WireResponseFormat;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string[];
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  reasoning_effort?: string;
  /** DeepSeek's thinking-mode switch. */
  thinking?: { type: 'enabled' | 'disabled' };
  user?: string;
  metadata?: Record<string, string>;
  n?: number;
  logprobs?: boolean;
  top_logprobs?: number;
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  [providerOption: string]: JsonValue | undefined | object;
}

export interface WireUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  /** DeepSeek: cache hits and misses (hit + miss = prompt_tokens). */
  prompt_cache_hit_tokens?: number | null;
  prompt_cache_miss_tokens?: number | null;
  /** OpenRouter: what the request cost the account (USD), and on the caller's own key what the upstream provider charged it. */
  cost?: number | null;
  is_byok?: boolean | null;
  cost_details?: { upstream_inference_cost?: number | null } | null;
}

export interface WireResponseToolCall {
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

export interface WireResponseMessage {
  role?: string;
  content?: string | null;
  refusal?: string | null;
  tool_calls?: WireResponseToolCall[] | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
}

/** A token's log probability (compatible hosts may leave out `bytes` or `top_logprobs`). */
export interface WireTokenLogprob {
  token?: string;
  logprob?: number;
  bytes?: number[] | null;
  top_logprobs?: Array<{ token?: string; logprob?: number; bytes?: number[] | null }> | null;
}

/** choices[].logprobs, in an answer and in a stream chunk (the chunk's own tokens). */
export interface WireChoiceLogprobs {
  content?: WireTokenLogprob[] | null;
  refusal?: WireTokenLogprob[] | null;
}

export interface WireChatCompletion {
  id?: string;
  choices?: Array<{ index?: number; message?: WireResponseMessage; finish_reason?: string | null; logprobs?: WireChoiceLogprobs | null }>;
  usage?: WireUsage | null;
  /** The tier that served the request ("default", "flex", "priority" …); OpenAI sends it, most hosts do not. */
  service_tier?: string | null;
}

export interface WireToolCallDelta {
  index?: number;
  id?: string | null;
  type?: string;
  function?: { name?: string | null; arguments?: string | null };
}

export interface WireChunkDelta {
  role?: string;
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: WireToolCallDelta[] | null;
}

export interface WireChatChunk {
  id?: string;
  /** Azure: empty on the opening prompt-filter chunk and on annotation chunks. */
  choices?: Array<{ index?: number; delta?: WireChunkDelta | null; finish_reason?: string | null; logprobs?: WireChoiceLogprobs | null }>;
  usage?: WireUsage | null;
  /** On every chunk, as on the completion. */
  service_tier?: string | null;
}

export interface WireEmbeddingResponse {
  data?: Array<{ index?: number; embedding?: number[] | string }>;
  usage?: { prompt_tokens?: number | null; total_tokens?: number | null } | null;
}
