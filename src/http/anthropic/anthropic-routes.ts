// The Anthropic-compatible REST surface (Messages API): a Fastify plugin
// registered beside the OpenAI shim and the Connect plugin (so it keeps
// Fastify's JSON body parsing and has its own error handler), thin over the
// one completion core. Every route authenticates the virtual key first
// (before the body is read): `x-api-key` or `Authorization: Bearer` (current
// Anthropic SDKs send the latter). `anthropic-version` / `anthropic-beta` are
// accepted and ignored: the gateway speaks one version of the format.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { credentialFromHeaders, type KeyAuthenticator } from '../../core/auth/authenticate-key.js';
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import { abortOnClientLeave } from '../client-abort.js';
import { routeHeaders, warningsHeader } from './gateway-headers.js';
import { mapError } from './map-error.js';
import { parseMessagesRequest } from './parse-request.js';
import { renderMessage } from './render-message.js';
import { sendMessagesStream } from './send-stream.js';
import { metaFromRequest } from '../../server/request-meta-from.js';
import { governanceHeaders } from '../gateway-headers.js';

export interface AnthropicRoutesOptions {
  authenticator: KeyAuthenticator;
  completion: GovernedCompletion;
}

const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export async function anthropicRoutes(fastify: FastifyInstance, options: AnthropicRoutesOptions): Promise<void> {
  const { authenticator, completion } = options;
  const keys = new WeakMap<FastifyRequest, VirtualKeyRecord>();
  /** Per request: how canonical message indices map back to the client's (param-names.ts). */
  const systemOffsets = new WeakMap<FastifyRequest, number>();
  const keyOf = (request: FastifyRequest): VirtualKeyRecord => {
    const key = keys.get(request);
    if (!key) throw new Error('Anthropic route reached without an authenticated key');
    return key;
  };

  // Everything that fails on these routes — body parsing, size, auth, the
  // core — is answered in Anthropic's error shape; never a bare 500.
  fastify.setErrorHandler(async (error, request, reply) => {
    const mapped = mapError(error, {
      requestId: request.id,
      systemOffset: systemOffsets.get(request) ?? 0,
      bodyLimit: fastify.initialConfig.bodyLimit,
    });
    if (mapped.unexpected) request.log.error({ err: error }, 'unexpected error on the Anthropic surface');
    if (reply.raw.destroyed) return;
    return reply.code(mapped.status).headers(mapped.headers).send(mapped.body);
  });

  fastify.addHook('onRequest', async (request, reply) => {
    // Anthropic's SDKs read the request id from `request-id` (x-request-id is set app-wide).
    reply.header('request-id', request.id);
    const secret = credentialFromHeaders((name) => headerValue(request.headers[name]));
    keys.set(request, await authenticator.authenticate(secret));
  });

  fastify.post('/v1/messages', async (request, reply) => {
    const key = keyOf(request);
    const parsed = parseMessagesRequest(request.body, 'messages');
    systemOffsets.set(request, parsed.systemOffset);
    const meta = metaFromRequest(request, 'anthropic');
    const controller = abortOnClientLeave(reply);
    if (parsed.stream) {
      const streamed = completion.stream({ request: parsed.chat, key, signal: controller.signal, context: meta });
      await sendMessagesStream(reply, streamed.chunks, {
        stopSequences: parsed.stopSequences,
        systemOffset: parsed.systemOffset,
        extraHeaders: () => governanceHeaders(streamed.report),
        shimWarnings: parsed.warnings,
        signal: controller.signal,
        requestId: request.id,
        log: request.log,
      });
      return reply;
    }
    const { response, report } = await completion.complete({ request: parsed.chat, key, signal: controller.signal, context: meta });
    const rendered = renderMessage(response, { stopSequences: parsed.stopSequences });
    reply.headers({
      ...routeHeaders(response.route),
      ...warningsHeader(response.warnings, [...parsed.warnings, ...rendered.warnings], parsed.systemOffset),
      ...governanceHeaders(report),
    });
    return rendered.message;
  });

  fastify.post('/v1/messages/count_tokens', async (request, reply) => {
    const key = keyOf(request);
    const parsed = parseMessagesRequest(request.body, 'count_tokens');
    systemOffsets.set(request, parsed.systemOffset);
    const meta = metaFromRequest(request, 'anthropic');
    const controller = abortOnClientLeave(reply);
    const counted = await completion.countTokens(parsed.chat, key, controller.signal);
    // Exact (`provider:<type>`) or the gateway's own estimate (`tokenizer:<encoding>`).
    reply.headers({ 'x-gateway-token-count-method': counted.method, ...warningsHeader([], parsed.warnings, parsed.systemOffset) });
    return { input_tokens: counted.inputTokens };
  });
}
