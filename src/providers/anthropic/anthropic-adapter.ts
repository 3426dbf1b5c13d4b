// The Anthropic ProviderAdapter: convert → call the SDK client → map back.
// One client per provider connection (built by the factory, reused). Every
// call carries the caller's abort signal; every failure leaves as GatewayError.
import type { StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import type {
  AdapterCompletion,
  AdapterEmbeddings,
  CallContext,
  ProviderAdapter,
  ProviderAdapterFactory,
  ProviderConnection,
} from '../../domain/provider-adapter.js';
import {
  createAnthropicClient,
  type AnthropicClient,
  type AnthropicCountTokensParams,
  type AnthropicStreamEvent,
} from './anthropic-client.js';
import { convertRequest } from './convert-request.js';
import { mapAnthropicError } from './map-error.js';
import { mapResponse } from './map-response.js';
import { AnthropicStreamMapper, warningChunk } from './map-stream.js';

/** The body fields POST /v1/messages/count_tokens accepts (no max_tokens, no sampling). */
const COUNT_TOKENS_FIELDS = ['model', 'messages', 'system', 'thinking', 'tool_choice', 'tools', 'output_config', 'cache_control', 'speed'];

export const createAnthropicAdapter: ProviderAdapterFactory = (connection) =>
  new AnthropicAdapter(connection, createAnthropicClient(connection));

export class AnthropicAdapter implements ProviderAdapter {
  constructor(
    private readonly connection: ProviderConnection,
    private readonly client: AnthropicClient,
  ) {}

  async complete(...[request, target, context]: Parameters<ProviderAdapter['complete']>): Promise<AdapterCompletion> {
    const { params, warnings } = convertRequest(request, target.upstreamModel);
    try {
      const message = await this.client.createMessage(params, context.signal);
      const mapped = mapResponse(message);
      return { choices: [mapped.choice], usage: mapped.usage, warnings: [...warnings, ...mapped.warnings] };
    } catch (error) {
      throw this.mapError(error, context);
    }
  }

  async *stream(...[request, target, context]: Parameters<ProviderAdapter['stream']>): AsyncIterable<StreamChunk> {
    const { params, warnings } = convertRequest(request, target.upstreamModel);
    // Warnings go out before the first delta.
    for (const warning of warnings) yield warningChunk(warning);
    const mapper = new AnthropicStreamMapper();
    try {
      const events: AsyncIterable<AnthropicStreamEvent> = await this.client.streamMessage(params, context.signal);
      for await (const event of events) {
        for (const chunk of mapper.map(event)) yield chunk;
      }
    } catch (error) {
      throw this.mapError(error, context);
    }
    // The SDK ends iteration quietly when the request is aborted; say so.
    if (context.signal.aborted) throw this.mapError(new Error('aborted'), context);
    if (!mapper.finished) {
      throw new GatewayError('unavailable', `provider ${this.connection.id} ended the stream without message_stop`, {
        provider: this.connection.id,
        retryable: true,
      });
    }
  }

  async embed(): Promise<AdapterEmbeddings> {
    throw new GatewayError('invalid_argument', 'anthropic provides no embeddings; use an OpenAI-family or Gemini model', {
      provider: this.connection.id,
    });
  }

  async countTokens(...[request, target, context]: Parameters<NonNullable<ProviderAdapter['countTokens']>>): Promise<number> {
    const { params } = convertRequest(request, target.upstreamModel);
    const body = Object.fromEntries(Object.entries(params).filter(([name]) => COUNT_TOKENS_FIELDS.includes(name)));
    try {
      return await this.client.countTokens(body as unknown as AnthropicCountTokensParams, context.signal);
    } catch (error) {
      throw this.mapError(error, context);
    }
  }

  async listModels(context: CallContext): Promise<string[]> {
    try {
      return await this.client.listModels(context.signal);
    } catch (error) {
      throw this.mapError(error, context);
    }
  }

  private mapError(error: unknown, context: CallContext): GatewayError {
    return mapAnthropicError(error, { providerId: this.connection.id, secrets: [this.connection.apiKey], signal: context.signal });
  }
}
