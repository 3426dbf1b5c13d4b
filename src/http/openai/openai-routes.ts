// The OpenAI-compatible REST surface: a Fastify plugin registered beside the
// Connect plugin (so it keeps Fastify's JSON body parsing), thin over the one
// completion core. Every route authenticates the virtual key first (before
// the body is read), then decodes, calls the core, encodes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { credentialFromHeaders, type KeyAuthenticator } from '../../core/auth/authenticate-key.js';
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import { GatewayError } from '../../domain/gateway-error.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import { abortOnClientLeave } from '../client-abort.js';
import { assertCandidatesHonoured } from './candidate-count.js';
import { parseEmbeddingsRequest, renderEmbeddings } from './embeddings.js';
import { routeHeaders, warningsHeader } from './gateway-headers.js';
import { mapError } from './map-error.js';
import { renderModel, renderModelList } from './models.js';
import { parseChatRequest } from './parse-chat-request.js';
import { renderCompletion } from './render-completion.js';
import { sendChatStream } from './send-chat-stream.js';
import { metaFromRequest } from '../../server/request-meta-from.js';
import { governanceHeaders } from '../gateway-headers.js';

export interface OpenAIRoutesOptions {
  authenticator: KeyAuthenticator;
  completion: GovernedCompletion;
}

const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export async function openaiRoutes(fastify: FastifyInstance, options: OpenAIRoutesOptions): Promise<void> {
  const { authenticator, completion } = options;
  const keys = new WeakMap<FastifyRequest, VirtualKeyRecord>();
  const keyOf = (request: FastifyRequest): VirtualKeyRecord => {
    const key = keys.get(request);
    if (!key) throw new Error('OpenAI route reached without an authenticated key');
    return key;
  };

  // Everything that fails on these routes — body parsing, size, auth, the
  // core — is answered in OpenAI's error shape; never a bare 500.
  fastify.setErrorHandler(async (error, request, reply) => {
    const mapped = mapError(error, { bodyLimit: fastify.initialConfig.bodyLimit });
    if (mapped.unexpected) request.log.error({ err: error }, 'unexpected error on the OpenAI surface');
    if (reply.raw.destroyed) {
      // The client is gone (a cancellation, usually): nobody to answer.
      reply.hijack();
      return;
    }
    return reply.code(mapped.status).headers(mapped.headers).send(mapped.body);
  });

  fastify.addHook('onRequest', async (request) => {
    const secret = credentialFromHeaders((name) => headerValue(request.headers[name]));
    keys.set(request, await authenticator.authenticate(secret));
  });

  fastify.post('/v1/chat/completions', async (request, reply) => {
    const key = keyOf(request);
    const parsed = parseChatRequest(request.body);
    const meta = metaFromRequest(request, 'openai');
    const controller = abortOnClientLeave(reply);
    if (parsed.stream) {
      const streamed = completion.stream({ request: parsed.chat, key, signal: controller.signal, context: meta });
      await sendChatStream(reply, streamed.chunks, {
        includeUsage: parsed.includeUsage,
        extraHeaders: () => governanceHeaders(streamed.report),
        n: parsed.n,
        signal: controller.signal,
        log: request.log,
      });
      return reply;
    }
    const { response, report } = await completion.complete({ request: parsed.chat, key, signal: controller.signal, context: meta });
    assertCandidatesHonoured(parsed.n, response.warnings);
    reply.headers({ ...routeHeaders(response.route), ...warningsHeader(response.warnings), ...governanceHeaders(report) });
    return renderCompletion(response);
  });

  fastify.post('/v1/embeddings', async (request, reply) => {
    const key = keyOf(request);
    const parsed = parseEmbeddingsRequest(request.body);
    const controller = abortOnClientLeave(reply);
    const meta = metaFromRequest(request, 'openai');
    const { response, report } = await completion.embed({ request: parsed.embed, key, signal: controller.signal, context: meta });
    reply.headers({ ...routeHeaders(response.route), ...warningsHeader(response.warnings), ...governanceHeaders(report) });
    return renderEmbeddings(response, parsed.encodingFormat);
  });

  fastify.get('/v1/models', async (request) => renderModelList(await completion.listModels(keyOf(request))));

  // Model ids contain a slash (`provider/model`): clients may send it encoded or not.
  fastify.get('/v1/models/*', async (request) => {
    const id = (request.params as Record<string, string | undefined>)['*'] ?? '';
    const model = (await completion.listModels(keyOf(request))).find((candidate) => candidate.id === id);
    if (!model) throw new GatewayError('not_found', `The model '${id}' does not exist or you do not have access to it.`);
    return renderModel(model);
  });
}
