// The only file that imports the `openai` SDK. One client per provider
// connection, built on its first call (the SDK itself loads then: see
// shared/lazy-sdk.ts): OpenAI, Azure (classic deployments API with an
// api-version, or the v1 API without one) and OpenAI-compatible hosts.
// SDK retries are off (the router retries) and nothing is read from the
// environment (OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_LOG …): a gateway's
// providers are configured, not inherited from the process.
import type OpenAI from 'openai';
import type { ClientOptions } from 'openai';
import { GatewayError } from '../../domain/gateway-error.js';
import type { ProviderConnection } from '../../domain/provider-adapter.js';
import { callOptions } from '../shared/caller-signal.js';
import { deferredClient, lazySdkWithFetch, type SdkWithFetch } from '../shared/lazy-sdk.js';
import type { CallPhase } from '../shared/observe-thrown.js';
import type { UpstreamErrorBody, UpstreamFailure } from './map-error.js';
import { mediaCall, type MediaCall } from './openai-media-client.js';
import type { WireChatChunk, WireChatCompletion, WireChatParams, WireEmbeddingResponse } from './wire-types.js';

export interface EmbeddingParams {
  model: string;
  input: string[];
  dimensions?: number;
  user?: string;
  [providerOption: string]: unknown;
}

/** Headers added to one request (the W3C trace context when tracing is on). */
export type RequestHeaders = Readonly<Record<string, string>> | undefined;

export interface OpenAIClient {
  createChatCompletion(params: WireChatParams, signal: AbortSignal, headers?: RequestHeaders): Promise<WireChatCompletion>;
  streamChatCompletion(params: WireChatParams, signal: AbortSignal, headers?: RequestHeaders): Promise<ChatChunkStream>;
  createEmbeddings(params: EmbeddingParams, signal: AbortSignal, headers?: RequestHeaders): Promise<WireEmbeddingResponse>;
  listModelIds(signal: AbortSignal): Promise<string[]>;
  /** OpenAI's media endpoints (openai-media-client.ts): `params` as the client sent them (model resolved), `files` by form field. */
  media: MediaCall;
}

/** A streamed chat completion's chunks, and how the host ended the stream. */
export interface ChatChunkStream extends AsyncIterable<WireChatChunk> {
  /**
   * Once iterated: whether the stream ended with its `data: [DONE]` line, i.e. the host ended it rather than
   * merely closed it. The SDK stops quietly at either; hosts that never name a finish_reason (llama-cpp-python,
   * LocalAI) still send [DONE] (docs/provider-wire-formats.md, "OpenAI-compatible hosts").
   */
  endedWithDone(): boolean;
}

// node:http instead of the global fetch: far less CPU per call (see upstream-fetch.ts).
const sdkModule = lazySdkWithFetch('openai', () => import('openai'), { body: 'node', timeouts: 'default' });
type SdkModule = SdkWithFetch<typeof import('openai')>;

/** The SDK refuses to start without a key; this stands in when none is configured (its header is removed). */
const NO_KEY = 'no-key-configured';

/** Header values; null removes a header the SDK would send (its auth header when there is no key). */
type HeaderMap = Record<string, string | null>;

export function createOpenAIClient(connection: ProviderConnection): OpenAIClient {
  // A misconfigured provider fails its calls (with a clear error), not the factory.
  if (connection.type === 'azure-openai' && !connection.baseUrl) return failingClient(missingEndpoint(connection));
  const client = deferredClient(async () => createSdkClient(connection, await sdkModule.load()));
  return {
    async createChatCompletion(params, signal, headers) {
      const body = { ...params, stream: false } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;
      return (await (await client()).chat.completions.create(body, callOptions(signal, headers))) as unknown as WireChatCompletion;
    },
    async streamChatCompletion(params, signal, headers) {
      const body = { ...params, stream: true } as unknown as OpenAI.ChatCompletionCreateParamsStreaming;
      const { data, response } = await (await client()).chat.completions.create(body, callOptions(signal, headers)).withResponse();
      return chunkStream(data as unknown as AsyncIterable<WireChatChunk>, response);
    },
    async createEmbeddings(params, signal, headers) {
      // Ask for floats: the SDK's base64 default would otherwise be decoded behind our back.
      const body = { encoding_format: 'float', ...params } as unknown as OpenAI.EmbeddingCreateParams;
      return (await (await client()).embeddings.create(body, callOptions(signal, headers))) as unknown as WireEmbeddingResponse;
    },
    async listModelIds(signal) {
      const ids: string[] = [];
      for await (const model of (await client()).models.list({ signal })) ids.push(model.id);
      return ids;
    },
    media: mediaCall(client),
  };
}

/** `data: [DONE]` (or `data:[DONE]`) as the stream's last line. */
const DONE_LINE = /(?:^|\n)data: ?\[DONE\][\r\n]*$/;

/** The upstream fetch's answer keeps the last bytes read (shared/upstream-response.ts); any other cannot tell, so it never counts as ended. */
function chunkStream(events: AsyncIterable<WireChatChunk>, response: Response): ChatChunkStream {
  const tail = response as Response & { readTail?: () => string };
  return {
    [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](),
    endedWithDone: () => typeof tail.readTail === 'function' && DONE_LINE.test(tail.readTail()),
  };
}

function createSdkClient(connection: ProviderConnection, { sdk, upstreamFetch }: SdkModule): OpenAI {
  const { default: Sdk, AzureOpenAI } = sdk;
  const key = connection.apiKey;
  const base = {
    maxRetries: 0,
    organization: null,
    project: null,
    webhookSecret: null,
    logLevel: 'off',
    fetch: upstreamFetch,
  } satisfies ClientOptions;
  const endpoint = connection.baseUrl.replace(/\/+$/, '');
  switch (connection.type) {
    case 'azure-openai': {
      // The endpoint is the resource URL; tolerate one configured with the API path already on it.
      const resource = endpoint.replace(/\/openai(\/v1)?$/, '');
      if (connection.azureApiVersion) {
        // Classic API: the SDK puts /deployments/{model}/ in the path, adds ?api-version= and the api-key header.
        return new AzureOpenAI({
          ...base,
          apiKey: key || NO_KEY,
          baseURL: `${resource}/openai`,
          apiVersion: connection.azureApiVersion,
          defaultHeaders: headers(connection, key ? {} : { 'api-key': null }),
        });
      }
      // v1 API: a plain OpenAI client on {endpoint}/openai/v1, authenticated by api-key.
      return new Sdk({
        ...base,
        apiKey: key || NO_KEY,
        baseURL: `${resource}/openai/v1`,
        defaultHeaders: headers(connection, { Authorization: null, ...(key ? { 'api-key': key } : {}) }),
      });
    }
    case 'openai':
    case 'openai-compatible':
    default:
      return new Sdk({
        ...base,
        apiKey: key || NO_KEY,
        baseURL: endpoint || 'https://api.openai.com/v1',
        // No key (local vLLM/Ollama): send no Authorization header at all rather than a fake one.
        defaultHeaders: headers(connection, key ? {} : { Authorization: null }),
      });
  }
}

/** The connection's extra headers win over the gateway's auth defaults (e.g. an Entra token). */
function headers(connection: ProviderConnection, auth: HeaderMap): HeaderMap {
  const extraNames = new Set(Object.keys(connection.extraHeaders).map((name) => name.toLowerCase()));
  const kept = Object.fromEntries(Object.entries(auth).filter(([name]) => !extraNames.has(name.toLowerCase())));
  return { ...kept, ...connection.extraHeaders };
}

function failingClient(error: GatewayError): OpenAIClient {
  const fail = () => Promise.reject(error);
  return { createChatCompletion: fail, streamChatCompletion: fail, createEmbeddings: fail, listModelIds: fail, media: fail };
}

function missingEndpoint(connection: ProviderConnection): GatewayError {
  return new GatewayError('failed_precondition', `provider ${connection.id} (azure-openai) has no endpoint: set its base_url`, {
    provider: connection.id,
    upstreamStatus: 0,
  });
}

/** Translates what the SDK threw into the SDK-free shape map-error takes; anything else it passes on with the phase. */
export function toUpstreamFailure(error: unknown, signal: AbortSignal, phase: CallPhase): UpstreamFailure {
  // Before the SDK loaded, no error can be one of its classes.
  const Sdk = sdkModule.current()?.sdk.default;
  if (signal.aborted || (Sdk && error instanceof Sdk.APIUserAbortError)) return { cause: 'aborted' };
  if (Sdk && error instanceof Sdk.APIConnectionTimeoutError) return { cause: 'timeout' };
  if (Sdk && error instanceof Sdk.APIConnectionError) return { cause: 'connection', error };
  if (Sdk && error instanceof Sdk.APIError) {
    const body = (typeof error.error === 'object' && error.error !== null ? error.error : undefined) as UpstreamErrorBody | undefined;
    if (error.status === undefined) return { cause: 'stream_error', body };
    return { cause: 'http', status: error.status, headers: headerRecord(error.headers), body };
  }
  return { cause: 'thrown', error, phase };
}

function headerRecord(source: Headers | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  source?.forEach((value, name) => {
    record[name.toLowerCase()] = value;
  });
  return record;
}
