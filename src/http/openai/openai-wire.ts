// The OpenAI response shapes the shim writes (Chat Completions, Embeddings,
// Models, errors), as in OpenAI's API reference.

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAIAssistantMessage {
  role: 'assistant';
  content: string | null;
  /** The model declined (structured outputs): why, instead of the content. */
  refusal: string | null;
  /** Reasoning text (DeepSeek / OpenAI-compatible convention); only when there is some. */
  reasoning_content?: string;
  tool_calls?: OpenAIToolCall[];
}

export interface OpenAITopLogprob {
  token: string;
  logprob: number;
  /** The token's UTF-8 bytes. */
  bytes: number[];
}

export interface OpenAITokenLogprob extends OpenAITopLogprob {
  top_logprobs: OpenAITopLogprob[];
}

/** A choice's (or a chunk's) log probabilities: content tokens, refusal tokens. */
export interface OpenAIChoiceLogprobs {
  content: OpenAITokenLogprob[] | null;
  refusal: OpenAITokenLogprob[] | null;
}

export interface OpenAIChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{ index: number; message: OpenAIAssistantMessage; logprobs: OpenAIChoiceLogprobs | null; finish_reason: OpenAIFinishReason }>;
  usage?: OpenAIUsage;
  /** The tier that served the request ("default", "flex" …), when the upstream named it. */
  service_tier?: string;
}

export interface OpenAIToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

export interface OpenAIChunkDelta {
  role?: 'assistant';
  content?: string;
  refusal?: string;
  reasoning_content?: string;
  tool_calls?: OpenAIToolCallDelta[];
}

export interface OpenAIChunkChoice {
  index: number;
  delta: OpenAIChunkDelta;
  logprobs: OpenAIChoiceLogprobs | null;
  finish_reason: OpenAIFinishReason | null;
}

export interface OpenAIChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: OpenAIChunkChoice[];
  /** Present (null, then the totals in the last `choices: []` chunk) only when include_usage was asked. */
  usage?: OpenAIUsage | null;
  /** On every chunk once the upstream named it (before the first output: OpenAI names it on its first chunk). */
  service_tier?: string;
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}
