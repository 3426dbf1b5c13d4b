// The Anthropic ProviderAdapter: convert → call the SDK client → map back.
// Built like every family's adapter: a factory over one client per provider
// connection (built here, reused), returning the ProviderAdapter object. Every
// call carries the caller's abort signal; every failure leaves as GatewayError.
import type { StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import type { CallContext, ProviderAdapter, ProviderConnection } from '../../domain/provider-adapter.js';
import type { CallPhase } from '../shared/observe-thrown.js';
import { connectionSecrets } from '../shared/redact-credentials.js';
import { endpointHost } from '../shared/endpoint-host.js';
import { warningChunk } from '../shared/stream-chunks.js';
import { upstreamError } from '../shared/upstream-error.js';
import { createAnthropicClient, type AnthropicClient, type AnthropicCountTokensParams, type AnthropicStreamEvent } from './anthropic-client.js';
import { anthropicApiVersion } from './api-version.js';
import { convertRequest } from './convert-request.js';
import { requestRefusal } from './request-refusal.js';
import { mapError } from './map-error.js';
import { mapResponse } from './map-response.js';
import { StreamMapper } from './map-stream.js';

/** The body fields POST /v1/messages/count_tokens accepts (no max_tokens, no sampling). */
const COUNT_TOKENS_FIELDS = ['model', 'messages', 'system', 'thinking', 'tool_choice', 'tools', 'output_config', 'cache_control', 'speed'];

export function createAnthropicAdapter(
  connection: ProviderConnection,
  client: AnthropicClient = createAnthropicClient(connection),
): ProviderAdapter {
  const secrets = connectionSecrets(connection);
  // What the upstream accepts depends on the version the client sends (convert-sampling.ts).
  const apiVersion = anthropicApiVersion(connection.extraHeaders);
  const errorContext = { providerId: connection.id, endpoint: endpointHost(connection), secrets };
  const toGatewayError = (error: unknown, context: CallContext, phase: CallPhase = 'request'): GatewayError =>
    mapError(error, { ...errorContext, signal: context.signal, phase });

  return {
    refusal: (request) => requestRefusal(request, connection.id),

    async complete(request, target, context) {
      const { params, warnings } = convertRequest(request, target.upstreamModel, apiVersion);
      try {
        const message = await client.createMessage(params, context.signal, context.traceHeaders);
        const mapped = mapResponse(message);
        return { choices: [mapped.choice], usage: mapped.usage, warnings: [...warnings, ...mapped.warnings] };
      } catch (error) {
        throw toGatewayError(error, context);
      }
    },

    async *stream(request, target, context): AsyncIterable<StreamChunk> {
      const { params, warnings } = convertRequest(request, target.upstreamModel, apiVersion);
      // Warnings go out before the first delta.
      for (const warning of warnings) yield warningChunk(warning);
      let events: AsyncIterable<AnthropicStreamEvent>;
      try {
        events = await client.streamMessage(params, context.signal, context.traceHeaders);
      } catch (error) {
        throw toGatewayError(error, context);
      }
      const mapper = new StreamMapper();
      try {
        for await (const event of events) {
          for (const chunk of mapper.map(event)) yield chunk;
        }
      } catch (error) {
        throw toGatewayError(error, context, 'stream');
      }
      // The SDK ends iteration quietly when the request is aborted; say so.
      if (context.signal.aborted) throw toGatewayError(new Error('aborted'), context);
      const end = mapper.end();
      if (!end.complete) throw upstreamError({ condition: { type: 'truncated_stream' }, detail: 'no message_stop' }, errorContext);
      yield* end.chunks;
    },

    async embed() {
      throw new GatewayError('invalid_argument', 'anthropic provides no embeddings; use an OpenAI-family or Gemini model', {
        provider: connection.id,
      });
    },

    async countTokens(request, target, context) {
      const { params } = convertRequest(request, target.upstreamModel, apiVersion);
      const body = Object.fromEntries(Object.entries(params).filter(([name]) => COUNT_TOKENS_FIELDS.includes(name)));
      try {
        return await client.countTokens(body as unknown as AnthropicCountTokensParams, context.signal);
      } catch (error) {
        throw toGatewayError(error, context);
      }
    },

    async listModels(context) {
      try {
        return await client.listModels(context.signal);
      } catch (error) {
        throw toGatewayError(error, context);
      }
    },
  };
}
