// The only file that imports @anthropic-ai/sdk. Everything else in this
// folder is pure and uses the wire types re-exported here, so swapping or
// upgrading the SDK touches one file. The SDK itself loads with the first
// call of an Anthropic provider (see shared/lazy-sdk.ts).
import type Anthropic from '@anthropic-ai/sdk';
import type { ProviderConnection } from '../../domain/provider-adapter.js';
import { callOptions } from '../shared/caller-signal.js';
import { deferredClient, lazySdkWithFetch } from '../shared/lazy-sdk.js';
import { UpstreamFault } from '../shared/upstream-fault.js';
import { headersWithApiVersion } from './api-version.js';

export type AnthropicMessage = Anthropic.Message;
export type AnthropicContentBlock = Anthropic.ContentBlock;
export type AnthropicUsage = Anthropic.Usage;
export type AnthropicMessageDeltaUsage = Anthropic.MessageDeltaUsage;
export type AnthropicStreamEvent = Anthropic.RawMessageStreamEvent;
export type AnthropicMessageParam = Anthropic.MessageParam;
export type AnthropicContentBlockParam = Anthropic.ContentBlockParam;
export type AnthropicTextBlockParam = Anthropic.TextBlockParam;
export type AnthropicImageBlockParam = Anthropic.ImageBlockParam;
export type AnthropicDocumentBlockParam = Anthropic.DocumentBlockParam;
export type AnthropicToolResultBlockParam = Anthropic.ToolResultBlockParam;
export type AnthropicTool = Anthropic.Tool;
export type AnthropicCacheControl = Anthropic.CacheControlEphemeral;
export type AnthropicToolChoice = Anthropic.ToolChoice;
export type AnthropicThinkingConfig = Anthropic.ThinkingConfigParam;
export type AnthropicOutputConfig = Anthropic.OutputConfig;
export type AnthropicCountTokensParams = Anthropic.MessageCountTokensParams;

/**
 * The body of POST /v1/messages without `stream`. The SDK 1.x types no longer
 * name `temperature`/`top_p`/`top_k` (API version 2026-10-21 refuses them);
 * the gateway sends them only to a provider pinned to an older version
 * (convert-sampling.ts). provider_options add any other vendor field.
 */
export type AnthropicMessageParams = Omit<Anthropic.MessageCreateParamsNonStreaming, 'stream'> & {
  temperature?: number;
  top_p?: number;
  top_k?: number;
  [field: string]: unknown;
};

/** Headers added to one request (the W3C trace context when tracing is on). */
export type RequestHeaders = Readonly<Record<string, string>> | undefined;

export interface AnthropicClient {
  createMessage(params: AnthropicMessageParams, signal: AbortSignal, headers?: RequestHeaders): Promise<AnthropicMessage>;
  streamMessage(params: AnthropicMessageParams, signal: AbortSignal, headers?: RequestHeaders): Promise<AsyncIterable<AnthropicStreamEvent>>;
  countTokens(params: AnthropicCountTokensParams, signal: AbortSignal): Promise<number>;
  listModels(signal: AbortSignal): Promise<string[]>;
}

/** The vendor's endpoint; passed explicitly so ANTHROPIC_BASE_URL in the gateway's environment cannot redirect traffic. */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/**
 * The SDK's own limit for one non-streamed call. Given explicitly because
 * without a client timeout the SDK refuses (client-side) non-streamed calls
 * whose max_tokens suggests more than 10 minutes; the gateway's deadline
 * travels in the abort signal instead.
 */
const REQUEST_TIMEOUT_MS = 10 * 60 * 1000;

// node:http instead of the global fetch: far less CPU per call (see upstream-fetch.ts).
const sdkModule = lazySdkWithFetch('@anthropic-ai/sdk', () => import('@anthropic-ai/sdk'), { body: 'node', timeouts: 'default' });

/** One SDK client per provider connection, created on its first call and reused for every request. */
export function createAnthropicClient(connection: ProviderConnection): AnthropicClient {
  const client = deferredClient(async () => {
    const {
      sdk: { default: Sdk },
      upstreamFetch,
    } = await sdkModule.load();
    return new Sdk({
      // A string (even empty) is an explicit credential: the SDK then reads no
      // ANTHROPIC_* credential from the environment or from profile files.
      apiKey: connection.apiKey,
      baseURL: connection.baseUrl || ANTHROPIC_DEFAULT_BASE_URL,
      // Retrying is the router's job.
      maxRetries: 0,
      // Off: on a malformed stream event the SDK would print the raw event (model output) to the console;
      // the failure reaches the gateway's own log through map-error instead.
      logLevel: 'off',
      timeout: REQUEST_TIMEOUT_MS,
      // The version the converter assumed, always explicit (api-version.ts).
      defaultHeaders: headersWithApiVersion(connection.extraHeaders),
      fetch: upstreamFetch,
    });
  });

  return {
    async createMessage(params, signal, headers) {
      const body = { ...params, stream: false } as Anthropic.MessageCreateParamsNonStreaming;
      return (await client()).messages.create(body, callOptions(signal, headers));
    },
    async streamMessage(params, signal, headers) {
      const body = { ...params, stream: true } as Anthropic.MessageCreateParamsStreaming;
      return (await client()).messages.create(body, callOptions(signal, headers));
    },
    async countTokens(params, signal) {
      // An empty body comes back as undefined (see map-response.ts): say what it is rather than fail reading it.
      const counted = (await (await client()).messages.countTokens(params, { signal })) as Anthropic.MessageTokensCount | undefined;
      if (typeof counted?.input_tokens !== 'number') throw new UpstreamFault(counted === undefined ? 'empty_body' : 'malformed_body', 'no input_tokens');
      return counted.input_tokens;
    },
    async listModels(signal) {
      const ids: string[] = [];
      // The page iterator follows `has_more`/`last_id` on its own.
      for await (const model of (await client()).models.list({}, { signal })) ids.push(model.id);
      return ids;
    },
  };
}
