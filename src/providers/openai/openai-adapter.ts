// The ProviderAdapter for OpenAI, Azure OpenAI and OpenAI-compatible hosts:
// canonical request → convert-request → SDK call (openai-client) → map-*.
// Built like every family's adapter: a factory over one client per provider
// connection, returning the ProviderAdapter object.
import type { JsonValue } from '@bufbuild/protobuf';
import type { StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { MediaStreamPart } from '../../domain/media.js';
import { GatewayError } from '../../domain/gateway-error.js';
import type { ProviderAdapter, ProviderConnection, UpstreamTarget } from '../../domain/provider-adapter.js';
import type { CallPhase } from '../shared/observe-thrown.js';
import { withoutGeminiEmbedOptions } from '../shared/gemini-embed-options.js';
import { passThroughOptions } from '../shared/provider-options.js';
import { connectionSecrets } from '../shared/redact-credentials.js';
import { endpointHost } from '../shared/endpoint-host.js';
import { warningChunk } from '../shared/stream-chunks.js';
import { upstreamError } from '../shared/upstream-error.js';
import { convertRequest, requestRefusal } from './convert-request.js';
import { compatibleHostAt, type CompatibleHost } from './compatible-host.js';
import { familyTraits, type FamilyTraits } from './family.js';
import { mapEmbeddings } from './map-embeddings.js';
import { finalEvent, mapMedia, mapStreamedMedia, mediaParams } from './map-media.js';
import { mapError, type UpstreamFailure } from './map-error.js';
import { mapResponse } from './map-response.js';
import { StreamMapper } from './map-stream.js';
import { createOpenAIClient, toUpstreamFailure, type ChatChunkStream, type EmbeddingParams, type OpenAIClient } from './openai-client.js';
import type { MediaAnswer } from './openai-media-client.js';
import type { OpenAIFamily } from './wire-types.js';

const FAMILIES: ReadonlySet<string> = new Set<OpenAIFamily>(['openai', 'azure-openai', 'openai-compatible']);

export function createOpenAIAdapter(connection: ProviderConnection, client: OpenAIClient = createOpenAIClient(connection)): ProviderAdapter {
  if (!FAMILIES.has(connection.type)) {
    throw new GatewayError('internal', `the OpenAI adapter cannot serve provider type ${connection.type}`);
  }
  /** Compatible hosts differ in what they take back; the base URL and model tell which one this is. */
  const hostOf = compatibleHostAt(connection.baseUrl);
  const traits = familyTraits(connection.type as OpenAIFamily, hostOf(''));
  const secrets = connectionSecrets(connection);
  const errorContext = { providerId: connection.id, endpoint: endpointHost(connection), secrets };
  const fail = (failure: UpstreamFailure): GatewayError => mapError(failure, errorContext);
  const toGatewayError = (error: unknown, signal: AbortSignal, phase: CallPhase): GatewayError =>
    error instanceof GatewayError ? error : fail(toUpstreamFailure(error, signal, phase));
  /** Azure addresses a deployment (classic: in the path; v1: as the model). */
  const modelFor = (target: UpstreamTarget): string =>
    traits.family === 'azure-openai' && target.deployment ? target.deployment : target.upstreamModel;
  const hostTraits = new Map<CompatibleHost, FamilyTraits>();
  const traitsFor = (target: UpstreamTarget): FamilyTraits => {
    if (traits.family !== 'openai-compatible') return traits;
    const host = hostOf(target.upstreamModel);
    let found = hostTraits.get(host);
    if (found === undefined) hostTraits.set(host, (found = familyTraits(traits.family, host)));
    return found;
  };

  /** A streamed media answer's events as they come, its usage noted before its final event; cut short: an error. */
  async function* eventParts(events: AsyncIterable<unknown>, signal: AbortSignal): AsyncGenerator<MediaStreamPart> {
    let ended = false;
    try {
      for await (const event of events) {
        const final = finalEvent(event);
        if (final?.usage) yield { kind: 'usage', usage: final.usage };
        ended ||= final !== undefined;
        yield { kind: 'event', event: event as JsonValue };
      }
    } catch (error) {
      throw toGatewayError(error, signal, 'stream');
    }
    // The SDK ends the iteration quietly when the request is aborted.
    if (signal.aborted) throw fail({ cause: 'aborted' });
    if (!ended) throw upstreamError({ condition: { type: 'truncated_stream' }, detail: 'no final event' }, errorContext);
  }

  async function* audioParts(chunks: AsyncIterable<Uint8Array>, signal: AbortSignal): AsyncGenerator<MediaStreamPart> {
    try {
      for await (const bytes of chunks) yield { kind: 'bytes', bytes };
    } catch (error) {
      throw toGatewayError(error, signal, 'stream');
    }
    if (signal.aborted) throw fail({ cause: 'aborted' });
  }

  return {
    refusal: (request) => requestRefusal(request, traits),

    async complete(request, target, context) {
      const { params, warnings } = convertRequest(request, traitsFor(target), { model: modelFor(target), stream: false });
      try {
        const completion = await client.createChatCompletion(params, context.signal, context.traceHeaders);
        const { choices, usage } = mapResponse(completion, traits.family);
        return { choices, usage, warnings };
      } catch (error) {
        throw toGatewayError(error, context.signal, 'request');
      }
    },

    async *stream(request, target, context): AsyncIterable<StreamChunk> {
      const { signal } = context;
      const { params, warnings } = convertRequest(request, traitsFor(target), { model: modelFor(target), stream: true });
      for (const warning of warnings) yield warningChunk(warning);

      let events: ChatChunkStream;
      try {
        events = await client.streamChatCompletion(params, signal, context.traceHeaders);
      } catch (error) {
        throw toGatewayError(error, signal, 'request');
      }
      const mapper = new StreamMapper(traits.family);
      let output = false;
      try {
        // One upstream chunk in, its canonical chunks out at once.
        for await (const event of events) {
          for (const mapped of mapper.map(event)) {
            output = true;
            yield mapped;
          }
        }
      } catch (error) {
        throw toGatewayError(error, signal, 'stream');
      }
      // The SDK ends the iteration quietly when the request is aborted.
      if (signal.aborted) throw fail({ cause: 'aborted' });
      const end = mapper.end({ doneMarker: events.endedWithDone() });
      if (end.cutShort !== undefined) {
        // After output the host's usage goes first, so that the request is charged what it reported;
        // before any, nothing is sent and the route can still fail over.
        if (output) yield* end.chunks.filter((chunk) => chunk.event.case === 'usage');
        throw upstreamError({ condition: { type: 'cut_short' }, detail: `finish_reason ${end.cutShort}` }, errorContext);
      }
      if (!end.complete) throw upstreamError({ condition: { type: 'truncated_stream' }, detail: 'no finish_reason' }, errorContext);
      yield* end.chunks;
    },

    async embed(input, target, context) {
      const gemini = withoutGeminiEmbedOptions(input.providerOptions, input.inputOptions, traits.label);
      const { fields, warnings } = passThroughOptions(gemini.options);
      warnings.unshift(...gemini.warnings);
      const params: EmbeddingParams = { model: modelFor(target), input: input.inputs };
      if (input.dimensions !== undefined) params.dimensions = input.dimensions;
      if (input.user) params.user = input.user;
      try {
        const response = await client.createEmbeddings({ ...params, ...fields }, context.signal, context.traceHeaders);
        return { ...mapEmbeddings(response), warnings };
      } catch (error) {
        throw toGatewayError(error, context.signal, 'request');
      }
    },

    servesMedia: (operation) => !traits.lacksMedia.includes(operation),

    async media(request, target, context) {
      const { signal } = context;
      const { params, files } = mediaParams(request, modelFor(target));
      let answer: MediaAnswer;
      try {
        answer = await client.media(request.operation, params, files, signal, context.traceHeaders);
      } catch (error) {
        throw toGatewayError(error, signal, 'request');
      }
      switch (answer.kind) {
        case 'events':
          return mapStreamedMedia(request, { kind: 'events', parts: eventParts(answer.events, signal) });
        case 'audio':
          return mapStreamedMedia(request, { kind: 'audio', parts: audioParts(answer.chunks, signal), contentType: answer.contentType });
        default:
          return mapMedia(request, answer);
      }
    },

    async listModels(context) {
      try {
        return await client.listModelIds(context.signal);
      } catch (error) {
        throw toGatewayError(error, context.signal, 'request');
      }
    },
  };
}
