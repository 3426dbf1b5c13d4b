// The Gemini ProviderAdapter: canonical request → convert → SDK → map back.
// Built like every family's adapter: a factory over one client per provider
// connection, returning the ProviderAdapter object. Errors of every step leave
// as GatewayError (map-error).
import type { ChatRequest, StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { AdapterCompletion, AdapterEmbeddings, CallContext, EmbeddingInput, ProviderAdapter, ProviderConnection, UpstreamTarget } from '../../domain/provider-adapter.js';
import { connectionSecrets } from '../shared/redact-credentials.js';
import { endpointHost } from '../shared/endpoint-host.js';
import { warningChunk } from '../shared/stream-chunks.js';
import { passThroughOptions } from '../shared/provider-options.js';
import { UpstreamFault } from '../shared/upstream-fault.js';
import { unsupportedParameter } from '../shared/warnings.js';
import { convertRequest, requestRefusal } from './convert-request.js';
import { embedGroups } from './embed-groups.js';
import { GEMINI_LABEL } from './family.js';
import { createGeminiClient, type GeminiClient } from './gemini-client.js';
import { mapError, type ErrorContext } from './map-error.js';
import { mapResponse } from './map-response.js';
import { StreamMapper } from './map-stream.js';

export function createGeminiAdapter(connection: ProviderConnection, client: GeminiClient = createGeminiClient(connection)): ProviderAdapter {
  const secrets = connectionSecrets(connection);
  const endpoint = endpointHost(connection);
  const errorContext = (signal: AbortSignal): ErrorContext => ({ providerId: connection.id, endpoint, secrets, signal });

  return {
    refusal: requestRefusal,

    async complete(request, target, context): Promise<AdapterCompletion> {
      try {
        const converted = convertRequest(request, target.upstreamModel);
        const response = await client.generate(converted.request, context.signal, context.traceHeaders);
        const mapped = mapResponse(response);
        return { choices: mapped.choices, usage: mapped.usage, warnings: [...converted.warnings, ...mapped.warnings], promptFeedback: mapped.promptFeedback };
      } catch (error) {
        throw mapError(error, errorContext(context.signal));
      }
    },

    async *stream(request, target, context): AsyncIterable<StreamChunk> {
      // Our own controller, so that a consumer who stops reading early also
      // closes the upstream connection (the SDK's reader would keep it open).
      const upstream = new AbortController();
      const forwardAbort = () => upstream.abort(context.signal.reason);
      if (context.signal.aborted) forwardAbort();
      context.signal.addEventListener('abort', forwardAbort, { once: true });
      let opened = false;
      try {
        const converted = convertRequest(request, target.upstreamModel);
        // Open first: an HTTP error then surfaces before anything was yielded,
        // so the router can still fail over.
        const events = await client.generateStream(converted.request, upstream.signal, context.traceHeaders);
        opened = true;
        for (const warning of converted.warnings) yield warningChunk(warning);
        const mapper = new StreamMapper();
        for await (const event of events) yield* mapper.map(event);
        const end = mapper.end();
        if (!end.complete) throw new UpstreamFault('truncated_stream', 'no finishReason');
        yield* end.chunks;
      } catch (error) {
        throw mapError(error, { ...errorContext(context.signal), phase: opened ? 'stream' : 'request' });
      } finally {
        context.signal.removeEventListener('abort', forwardAbort);
        upstream.abort();
      }
    },

    async embed(input: EmbeddingInput, target: UpstreamTarget, context: CallContext): Promise<AdapterEmbeddings> {
      try {
        const { fields, warnings } = passThroughOptions(input.providerOptions);
        // Per-input options live inside each `requests[]` entry, which a body
        // merge cannot reach: the SDK's own config fields carry them, one call per group.
        const { taskType, title, ...extraBody } = fields;
        if (input.user !== '') warnings.push(unsupportedParameter('user', GEMINI_LABEL, 'the Gemini API has no end-user field'));
        const vectors: number[][] = [];
        for (const group of embedGroups(input.inputs.length, { taskType, title }, input.inputOptions, warnings)) {
          const inputs = group.positions.map((position) => input.inputs[position]!);
          const call = { model: target.upstreamModel, inputs, dimensions: input.dimensions, taskType: group.taskType, title: group.title, extraBody };
          const answered = await client.embed(call, context.signal, context.traceHeaders);
          if (answered.length !== inputs.length) throw new UpstreamFault('malformed_body', `${answered.length} embeddings for ${inputs.length} inputs`);
          group.positions.forEach((position, index) => (vectors[position] = answered[index]!));
        }
        // Gemini's embedding endpoints report no token usage.
        return { vectors, usage: undefined, warnings };
      } catch (error) {
        throw mapError(error, errorContext(context.signal));
      }
    },

    async countTokens(request: ChatRequest, target: UpstreamTarget, context: CallContext): Promise<number> {
      try {
        const { request: converted } = convertRequest(request, target.upstreamModel);
        return await client.countTokens(
          {
            model: target.upstreamModel,
            contents: converted.contents,
            systemInstruction: converted.config.systemInstruction,
            tools: converted.config.tools,
            toolConfig: converted.config.toolConfig,
          },
          context.signal,
        );
      } catch (error) {
        throw mapError(error, errorContext(context.signal));
      }
    },

    async listModels(context: CallContext): Promise<string[]> {
      try {
        return await client.listModels(context.signal);
      } catch (error) {
        throw mapError(error, errorContext(context.signal));
      }
    },
  };
}
