// The only file that imports @google/genai. One GoogleGenAI per connection,
// built on its first call (the SDK itself loads then: see shared/lazy-sdk.ts).
// Retries are the router's job: the SDK retries only when
// httpOptions.retryOptions is set, and it is not; its automatic stream
// continuation (which reconnects dropped streams) is switched off per call
// with `automaticContinuation: false`. Every call carries the caller's
// AbortSignal (`config.abortSignal`) so cancelling aborts the HTTP request.
import type { CountTokensParameters, GenerateContentConfig, GenerateContentParameters } from '@google/genai';
import type { ProviderConnection } from '../../domain/provider-adapter.js';
import { deferredClient, lazySdkWithFetch } from '../shared/lazy-sdk.js';
import { UpstreamFault } from '../shared/upstream-fault.js';
import { resolveEndpoint } from './gemini-endpoint.js';
import type { GeminiContent, GeminiGenerateRequest, GeminiResponse, GeminiTool, GeminiToolConfig } from './wire-types.js';

export interface GeminiEmbedCall {
  model: string;
  inputs: string[];
  dimensions: number | undefined;
  taskType: string | undefined;
  title: string | undefined;
  extraBody: Record<string, unknown>;
}

/** The wire-level GenerateContentRequest countTokens counts (system and tools included). */
export interface GeminiCountCall {
  model: string;
  contents: GeminiContent[];
  systemInstruction: GeminiContent | undefined;
  tools: GeminiTool[] | undefined;
  toolConfig: GeminiToolConfig | undefined;
}

/** Headers added to one request (the W3C trace context when tracing is on). */
export type RequestHeaders = Readonly<Record<string, string>> | undefined;

export interface GeminiClient {
  generate(request: GeminiGenerateRequest, signal: AbortSignal, headers?: RequestHeaders): Promise<GeminiResponse>;
  /** Resolves once the upstream answered 200 (HTTP errors reject here, before any event). */
  generateStream(request: GeminiGenerateRequest, signal: AbortSignal, headers?: RequestHeaders): Promise<AsyncIterable<GeminiResponse>>;
  embed(call: GeminiEmbedCall, signal: AbortSignal, headers?: RequestHeaders): Promise<number[][]>;
  countTokens(call: GeminiCountCall, signal: AbortSignal): Promise<number>;
  listModels(signal: AbortSignal): Promise<string[]>;
}

// node:http instead of the global fetch (see upstream-fetch.ts). The SDK
// reads stream bodies with getReader(), so the body is a web stream; and with
// a fetch of its own it no longer removes the global dispatcher's timeouts
// itself, so this fetch has none either (deadlines come from the gateway: the
// route's attempt timeout, and for a stream that began, the dispatcher's
// GATEWAY_STREAM_IDLE_TIMEOUT_MS, core/routing/stream-idle-watch.ts).
const sdkModule = lazySdkWithFetch('@google/genai', () => import('@google/genai'), { body: 'web', timeouts: 'none' });

/** batchEmbedContents' own limit ("at most 100 requests can be in one batch", 400 INVALID_ARGUMENT beyond). */
const EMBED_BATCH_LIMIT = 100;

export function createGeminiClient(connection: ProviderConnection): GeminiClient {
  const endpoint = resolveEndpoint(connection.baseUrl);
  const sdk = deferredClient(async () => {
    const {
      sdk: { GoogleGenAI },
      upstreamFetch,
    } = await sdkModule.load();
    return new GoogleGenAI({
      apiKey: connection.apiKey,
      apiVersion: endpoint.apiVersion,
      httpOptions: {
        ...(endpoint.baseUrl !== undefined ? { baseUrl: endpoint.baseUrl } : {}),
        apiVersion: endpoint.apiVersion,
        headers: { ...connection.extraHeaders },
        fetch: upstreamFetch,
        // No retryOptions: the SDK then makes exactly one attempt.
      },
    });
  });

  const paramsOf = (request: GeminiGenerateRequest, signal: AbortSignal, headers: RequestHeaders): GenerateContentParameters => ({
    model: request.model,
    // Our wire types mirror the SDK's; its enums are string enums with the same values.
    contents: request.contents as GenerateContentParameters['contents'],
    config: {
      ...(request.config as GenerateContentConfig),
      abortSignal: signal,
      automaticContinuation: false,
      ...perCallHttpOptions(request.extraBody, headers),
    },
  });

  return {
    async generate(request, signal, headers) {
      return (await (await sdk()).models.generateContent(paramsOf(request, signal, headers))) as GeminiResponse;
    },
    async generateStream(request, signal, headers) {
      return (await (await sdk()).models.generateContentStream(paramsOf(request, signal, headers))) as AsyncIterable<GeminiResponse>;
    },
    async embed(call, signal, headers) {
      const config = {
        abortSignal: signal,
        ...(call.dimensions !== undefined ? { outputDimensionality: call.dimensions } : {}),
        ...(call.taskType !== undefined ? { taskType: call.taskType } : {}),
        ...(call.title !== undefined ? { title: call.title } : {}),
        ...perCallHttpOptions(call.extraBody, headers),
      };
      // batchEmbedContents takes at most 100 requests (OpenAI's API takes 2048 inputs): one call per
      // hundred, one after the other, the vectors kept in the inputs' order.
      const vectors: number[][] = [];
      for (let start = 0; start < call.inputs.length; start += EMBED_BATCH_LIMIT) {
        const batch = call.inputs.slice(start, start + EMBED_BATCH_LIMIT);
        const response = await (await sdk()).models.embedContent({ model: call.model, contents: batch, config });
        // Valid JSON of another method's shape (a generateContent answer) has no embeddings at all.
        if (!Array.isArray(response.embeddings)) throw new UpstreamFault('malformed_body', 'a JSON object without embeddings');
        if (response.embeddings.length !== batch.length) throw new UpstreamFault('malformed_body', `${response.embeddings.length} embeddings for ${batch.length} inputs`);
        vectors.push(...response.embeddings.map((embedding) => embedding.values ?? []));
      }
      return vectors;
    },
    async countTokens(call, signal) {
      // The SDK's Developer-API countTokens accepts only `contents` and throws on
      // systemInstruction/tools, which would then go uncounted. The API also
      // takes a whole `generateContentRequest` instead of `contents` (the two are
      // mutually exclusive), so `contents` is left out — the SDK's converter
      // skips an absent field — and the request travels as an extra body field.
      const generateContentRequest = {
        model: call.model.startsWith('models/') ? call.model : `models/${call.model}`,
        contents: call.contents,
        ...(call.systemInstruction ? { systemInstruction: call.systemInstruction } : {}),
        ...(call.tools ? { tools: call.tools } : {}),
        ...(call.toolConfig ? { toolConfig: call.toolConfig } : {}),
      };
      const params = {
        model: call.model,
        config: { abortSignal: signal, httpOptions: { extraBody: { generateContentRequest } } },
      } as unknown as CountTokensParameters;
      const response = await (await sdk()).models.countTokens(params);
      return response.totalTokens ?? 0;
    },
    async listModels(signal) {
      const names: string[] = [];
      const pager = await (await sdk()).models.list({ config: { abortSignal: signal } });
      for await (const model of pager) {
        if (model.name) names.push(model.name.replace(/^models\//, ''));
      }
      return names;
    },
  };
}

/** A call's own httpOptions, only when it has any: the SDK merges their headers into the client's. */
function perCallHttpOptions(extraBody: Record<string, unknown>, headers: RequestHeaders): { httpOptions?: { extraBody?: Record<string, unknown>; headers?: Record<string, string> } } {
  const hasBody = Object.keys(extraBody).length > 0;
  if (!hasBody && !headers) return {};
  return { httpOptions: { ...(hasBody ? { extraBody } : {}), ...(headers ? { headers: { ...headers } } : {}) } };
}
