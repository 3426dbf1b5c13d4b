// The ProviderAdapter for OpenAI, Azure OpenAI and OpenAI-compatible hosts:
// canonical request → convert-request → SDK call (openai-client) → map-*.
import { create } from '@bufbuild/protobuf';
import type { ChatRequest, StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { StreamChunkSchema } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import type {
  AdapterCompletion,
  AdapterEmbeddings,
  CallContext,
  EmbeddingInput,
  ProviderAdapter,
  ProviderAdapterFactory,
  ProviderConnection,
  UpstreamTarget,
} from '../../domain/provider-adapter.js';
import { passThroughOptions } from '../shared/provider-options.js';
import { convertRequest } from './convert-request.js';
import { familyTraits, type FamilyTraits } from './family.js';
import { mapEmbeddings } from './map-embeddings.js';
import { mapError, type UpstreamFailure } from './map-error.js';
import { mapResponse } from './map-response.js';
import { StreamMapper } from './map-stream.js';
import { createOpenAIClient, toUpstreamFailure, type EmbeddingParams, type OpenAIClient } from './openai-client.js';
import type { OpenAIFamily } from './wire-types.js';

const FAMILIES: ReadonlySet<string> = new Set<OpenAIFamily>(['openai', 'azure-openai', 'openai-compatible']);

export const createOpenAIAdapter: ProviderAdapterFactory = (connection) => {
  if (!FAMILIES.has(connection.type)) {
    throw new GatewayError('internal', `the OpenAI adapter cannot serve provider type ${connection.type}`);
  }
  return new OpenAIAdapter(connection, createOpenAIClient(connection));
};

class OpenAIAdapter implements ProviderAdapter {
  private readonly traits: FamilyTraits;
  /** Values no error message may contain: the key and credential-like extra headers. */
  private readonly secrets: string[];

  constructor(
    private readonly connection: ProviderConnection,
    private readonly client: OpenAIClient,
  ) {
    this.traits = familyTraits(connection.type as OpenAIFamily);
    const credentialHeaders = Object.entries(connection.extraHeaders)
      .filter(([name]) => /auth|key|token|secret/i.test(name))
      .map(([, value]) => value);
    this.secrets = [connection.apiKey, ...credentialHeaders].filter((secret) => secret.length > 0);
  }

  async complete(request: ChatRequest, target: UpstreamTarget, context: CallContext): Promise<AdapterCompletion> {
    const { params, warnings } = convertRequest(request, this.traits, { model: this.modelFor(target), stream: false });
    try {
      const completion = await this.client.createChatCompletion(params, context.signal);
      const { choices, usage } = mapResponse(completion, this.traits.family);
      return { choices, usage, warnings };
    } catch (error) {
      throw this.toGatewayError(error, context.signal, 'request');
    }
  }

  async *stream(request: ChatRequest, target: UpstreamTarget, context: CallContext): AsyncIterable<StreamChunk> {
    const { signal } = context;
    const { params, warnings } = convertRequest(request, this.traits, { model: this.modelFor(target), stream: true });
    for (const warning of warnings) yield create(StreamChunkSchema, { event: { case: 'warning', value: warning } });

    let upstream: AsyncIterable<unknown>;
    try {
      upstream = await this.client.streamChatCompletion(params, signal);
    } catch (error) {
      throw this.toGatewayError(error, signal, 'request');
    }
    const mapper = new StreamMapper(this.traits.family);
    try {
      for await (const chunk of upstream) {
        // One upstream chunk in, its canonical chunks out at once.
        for (const mapped of mapper.map(chunk as Parameters<StreamMapper['map']>[0])) yield mapped;
      }
    } catch (error) {
      throw this.toGatewayError(error, signal, 'stream');
    }
    // The SDK ends the iteration quietly when the request is aborted.
    if (signal.aborted) throw this.fail({ cause: 'aborted' });
    const end = mapper.end();
    if (!end.complete) {
      throw this.fail({ cause: 'stream_incomplete', message: 'the stream ended before every choice had a finish_reason' });
    }
    yield* end.chunks;
  }

  async embed(input: EmbeddingInput, target: UpstreamTarget, context: CallContext): Promise<AdapterEmbeddings> {
    const { fields, warnings } = passThroughOptions(input.providerOptions);
    const params: EmbeddingParams = { model: this.modelFor(target), input: input.inputs };
    if (input.dimensions !== undefined) params.dimensions = input.dimensions;
    if (input.user) params.user = input.user;
    try {
      const response = await this.client.createEmbeddings({ ...params, ...fields }, context.signal);
      return { ...mapEmbeddings(response), warnings };
    } catch (error) {
      throw this.toGatewayError(error, context.signal, 'request');
    }
  }

  async listModels(context: CallContext): Promise<string[]> {
    try {
      return await this.client.listModelIds(context.signal);
    } catch (error) {
      throw this.toGatewayError(error, context.signal, 'request');
    }
  }

  /** Azure addresses a deployment (classic: in the path; v1: as the model). */
  private modelFor(target: UpstreamTarget): string {
    if (this.traits.family === 'azure-openai' && target.deployment) return target.deployment;
    return target.upstreamModel;
  }

  private toGatewayError(error: unknown, signal: AbortSignal, phase: 'request' | 'stream'): GatewayError {
    if (error instanceof GatewayError) return error;
    return this.fail(toUpstreamFailure(error, signal, phase));
  }

  private fail(failure: UpstreamFailure): GatewayError {
    return mapError(failure, { providerId: this.connection.id, secrets: this.secrets });
  }
}
