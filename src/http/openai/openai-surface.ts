// The OpenAI-compatible REST surface: a Fastify plugin registered beside the
// Connect plugin (so it keeps Fastify's JSON body parsing and has its own
// error handler), thin over the one governed completion pipeline. Every route
// authenticates the virtual key first (shim-auth.ts, before the body is read),
// then decodes, calls the pipeline, encodes (docs/edges.md). A JSON chat request over HTTP/1.1 is
// usually taken before Fastify (../shim-intake.ts, chat-intake.ts); its route here answers through the same
// chat-answer.ts.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { KeyAuthenticator } from '../../core/auth/authenticate-key.js';
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { abortOnClientLeave } from '../client-abort.js';
import { assertCandidatesHonoured } from './candidate-count.js';
import { parseCompletionRequest, renderTextCompletion } from './completions.js';
import { sendCompletionStream } from './completions-stream.js';
import { parseEmbeddingsRequest, renderEmbeddings } from './embeddings.js';
import { routeHeaders, warningsHeader } from './gateway-headers.js';
import { mapError } from './map-error.js';
import { mediaOperationOf, registerMediaRoutes } from './media-routes.js';
import { renderModel, renderModelList } from './models.js';
import { renderAnthropicModel, renderAnthropicModelPage, speaksAnthropic } from '../anthropic/models.js';
import { mapError as mapAnthropicError } from '../anthropic/map-error.js';
import type { AnthropicErrorBody } from '../anthropic/anthropic-wire.js';
import type { OpenAIErrorBody } from './openai-wire.js';
import { answerChat } from './chat-answer.js';
import { contextFromRequest } from '../../server/request-context-from.js';
import { governanceHeaders } from '../gateway-headers.js';
import { authenticateShimRequests } from '../shim-auth.js';
import { setShimErrorHandler } from '../shim-errors.js';
import { bodyShape, shimRefusals, type RefusedShape } from '../refused-requests.js';
import type { InFlightLimit } from '../../server/in-flight-limit.js';
import { MEDIA_LOG_OPERATION } from '../../domain/media.js';

export interface OpenAISurfaceOptions {
  authenticator: KeyAuthenticator;
  completion: GovernedCompletion;
  /** The process's cap on requests in flight (server/in-flight-limit.ts); none when absent. */
  inFlight?: InFlightLimit;
}

/** What a refused request on this surface would have been; undefined for the model lists (no rows). */
function refusedShape(request: FastifyRequest): RefusedShape | undefined {
  const url = request.routeOptions.url ?? '';
  if (url === '/v1/chat/completions' || url === '/v1/completions') return bodyShape('chat', request.body);
  if (url === '/v1/embeddings') return bodyShape('embeddings', request.body);
  const media = mediaOperationOf(url);
  if (media === undefined) return undefined;
  // Of the media routes, speech names a stream in its JSON body (`stream_format: "sse"`); a form's fields are not read yet.
  const body = request.body as Record<string, unknown> | undefined;
  return { ...bodyShape(MEDIA_LOG_OPERATION[media], body), stream: media === 'audio.speech' && body?.['stream_format'] === 'sse' };
}

export async function openaiSurface(fastify: FastifyInstance, options: OpenAISurfaceOptions): Promise<void> {
  const { authenticator, completion, inFlight } = options;
  // Answered in OpenAI's error shape (map-error.ts).
  // A request carrying anthropic-version (the Anthropic SDKs' models.list / retrieve) in Anthropic's.
  setShimErrorHandler<OpenAIErrorBody | AnthropicErrorBody>(fastify, 'OpenAI', (error, request) =>
    speaksAnthropic(request.headers)
      ? mapAnthropicError(error, { requestId: request.id, bodyLimit: fastify.initialConfig.bodyLimit })
      : mapError(error, { bodyLimit: fastify.initialConfig.bodyLimit }),
  );
  const keyOf = authenticateShimRequests(fastify, {
    authenticator,
    surface: 'OpenAI',
    ...(inFlight ? { inFlight } : {}),
    refusals: { refusals: shimRefusals(completion, 'openai'), shapeOf: refusedShape },
  });

  fastify.post('/v1/chat/completions', async (request, reply) => {
    const answer = await answerChat(completion, keyOf(request), request.body, { id: request.id, ip: request.ip, headers: request.headers, traceSpan: request.traceSpan, raw: request.raw, reply, log: request.log });
    if (!answer) return reply;
    reply.headers(answer.headers);
    return answer.body;
  });

  // The legacy text completions, served through chat by any provider (completions.ts).
  fastify.post('/v1/completions', async (request, reply) => {
    const key = keyOf(request);
    const parsed = parseCompletionRequest(request.body);
    const context = contextFromRequest(request, 'openai');
    const controller = abortOnClientLeave(reply);
    if (parsed.stream) {
      const streamed = completion.stream({ request: parsed.chat, key, signal: controller.signal, context });
      await sendCompletionStream(reply, streamed.chunks, {
        includeUsage: parsed.includeUsage,
        n: parsed.n,
        echoed: parsed.echo ? parsed.prompt : '',
        extraHeaders: () => governanceHeaders(streamed.report),
        signal: controller.signal,
        log: request.log,
      });
      return reply;
    }
    const { response, report } = await completion.complete({ request: parsed.chat, key, signal: controller.signal, context });
    assertCandidatesHonoured(parsed.n, response.warnings);
    reply.headers({ ...routeHeaders(response.route), ...warningsHeader(response.warnings), ...governanceHeaders(report) });
    return renderTextCompletion(response, parsed);
  });

  fastify.post('/v1/embeddings', async (request, reply) => {
    const key = keyOf(request);
    const parsed = parseEmbeddingsRequest(request.body);
    const controller = abortOnClientLeave(reply);
    const context = contextFromRequest(request, 'openai');
    const { response, report } = await completion.embed({ request: parsed.embed, key, signal: controller.signal, context });
    reply.headers({ ...routeHeaders(response.route), ...warningsHeader(response.warnings), ...governanceHeaders(report) });
    return renderEmbeddings(response, parsed.encodingFormat);
  });

  // Images, audio and moderations, for OpenAI-family providers (media-routes.ts).
  await registerMediaRoutes(fastify, { completion, keyOf });

  fastify.get('/v1/models', async (request) => {
    const models = await completion.listModels(keyOf(request));
    return speaksAnthropic(request.headers) ? renderAnthropicModelPage(models, request.query as Record<string, unknown>) : renderModelList(models);
  });

  // Model ids contain a slash (`provider/model`): clients may send it encoded or not.
  fastify.get('/v1/models/*', async (request) => {
    const id = (request.params as Record<string, string | undefined>)['*'] ?? '';
    const model = (await completion.listModels(keyOf(request))).find((candidate) => candidate.id === id);
    if (!model) throw new GatewayError('not_found', `The model '${id}' does not exist or you do not have access to it.`);
    return speaksAnthropic(request.headers) ? renderAnthropicModel(model) : renderModel(model);
  });
}
