// The Responses API shapes the gateway writes, as in OpenAI's API reference
// (https://platform.openai.com/docs/api-reference/responses/object).
import type { JsonValue } from '@bufbuild/protobuf';
import type { OpenAITokenLogprob } from '../openai/openai-wire.js';

/** The request's settings, echoed in every response object. */
export interface ResponseSettings {
  instructions: string | null;
  max_output_tokens: number | null;
  metadata: Record<string, string>;
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number;
  text: { format: { [name: string]: unknown } };
  tool_choice: JsonValue;
  tools: JsonValue[];
  top_p: number;
  truncation: 'auto' | 'disabled';
  user: string | null;
}

/** A token of an output_text, as the Chat Completions shim renders it (../openai/render-logprobs.ts). */
export type OutputLogprob = OpenAITokenLogprob;

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: never[];
  /** The text's tokens, when the request included message.output_text.logprobs; else empty. */
  logprobs: OutputLogprob[];
}

/** The model declined (structured outputs): why, in place of output_text. */
export interface OutputRefusal {
  type: 'refusal';
  refusal: string;
}

export interface MessageItem {
  type: 'message';
  id: string;
  status: ItemStatus;
  role: 'assistant';
  content: Array<OutputText | OutputRefusal>;
}

export interface FunctionCallItem {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: ItemStatus;
}

export interface ReasoningItem {
  type: 'reasoning';
  id: string;
  summary: Array<{ type: 'summary_text'; text: string }>;
  /** Always kept in the stored response; shown only with include: ["reasoning.encrypted_content"]. */
  encrypted_content?: string;
}

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';
export type OutputItem = MessageItem | FunctionCallItem | ReasoningItem;

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseObject extends ResponseSettings {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  model: string;
  output: OutputItem[];
  usage: ResponseUsage | null;
}

/** One streamed event; `sequence_number` is added as it is written. */
export interface StreamEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}
