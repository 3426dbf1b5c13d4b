// The contract between the core and each provider family. Adapters speak
// canonical proto messages in and out; they know nothing of transports,
// Connect or the gateway's HTTP statuses. Failures are thrown as GatewayError
// (see map-error in each family), never with a credential in the message.
import type { JsonObject } from '@bufbuild/protobuf';
import type { ChatRequest, Choice, PromptFeedback, StreamChunk, Usage, Warning } from '../../gen/llmgateway/v1/chat_pb.js';
import type { GatewayError } from './gateway-error.js';
import type { AdapterMedia, MediaOperation, MediaRequest } from './media.js';
import type { ProviderTypeName } from './provider.js';

/** A provider as adapters see it: decrypted credentials, ready to call. */
export interface ProviderConnection {
  id: string;
  type: ProviderTypeName;
  /** Empty: the vendor's default endpoint. */
  baseUrl: string;
  /** Plain API key; may be empty for openai-compatible hosts. Never log it. */
  apiKey: string;
  extraHeaders: Record<string, string>;
  /** Azure only; empty = the v1 API (`{endpoint}/openai/v1`). */
  azureApiVersion: string;
}

/** What to call at the provider. */
export interface UpstreamTarget {
  /** The resolved upstream model id, never the client's string. */
  upstreamModel: string;
  /** Azure deployment name (empty elsewhere). */
  deployment: string;
}

export interface CallContext {
  /** Aborts the upstream call (client cancelled, deadline, shutdown). */
  signal: AbortSignal;
  /** Tracing on: the W3C trace context headers (traceparent, tracestate) sent with the upstream request. */
  traceHeaders?: Readonly<Record<string, string>>;
}

export interface AdapterCompletion {
  choices: Choice[];
  /** Canonical usage (each token counted once); undefined when the upstream sent none. */
  usage: Usage | undefined;
  warnings: Warning[];
  /** Why the upstream blocked the prompt itself (Gemini), when it did. */
  promptFeedback?: PromptFeedback;
}

export interface EmbeddingInput {
  inputs: string[];
  dimensions: number | undefined;
  user: string;
  providerOptions: JsonObject | undefined;
  /** One per input, in the inputs' order, or none (EmbedRequest.input_options). */
  inputOptions: readonly JsonObject[];
}

export interface AdapterEmbeddings {
  vectors: number[][];
  usage: Usage | undefined;
  warnings: Warning[];
}

export interface ProviderAdapter {
  /**
   * Why this family cannot serve the request at all — the client asked for an answer it cannot give (several
   * choices, log probabilities) — decided before any call; undefined when it can. The core passes over such a
   * target and answers the refusal when no target of the route is left (core/routing/servable-targets.ts).
   */
  refusal?(request: ChatRequest): GatewayError | undefined;
  complete(request: ChatRequest, target: UpstreamTarget, context: CallContext): Promise<AdapterCompletion>;
  /**
   * Canonical chunks as the upstream produces them, one upstream event in, at
   * once out. Yields every chunk kind except `start` and `route` (the core
   * adds those): warnings first, then deltas, a `finish` per choice, and
   * `usage` once at the end when the upstream reported it.
   */
  stream(request: ChatRequest, target: UpstreamTarget, context: CallContext): AsyncIterable<StreamChunk>;
  embed(input: EmbeddingInput, target: UpstreamTarget, context: CallContext): Promise<AdapterEmbeddings>;
  /** Provider-native token counting; undefined when the family has none (the core then uses a tokenizer). */
  countTokens?(request: ChatRequest, target: UpstreamTarget, context: CallContext): Promise<number>;
  /** OpenAI's media endpoints; undefined when the family has none (the core then answers a 400). */
  media?(request: MediaRequest, target: UpstreamTarget, context: CallContext): Promise<AdapterMedia>;
  /** Whether `media` can serve this endpoint (the host may lack some); every one when absent. */
  servesMedia?(operation: MediaOperation): boolean;
  /** The upstream's model ids, where it offers a listing. */
  listModels(context: CallContext): Promise<string[]>;
}

export type ProviderAdapterFactory = (connection: ProviderConnection) => ProviderAdapter;
