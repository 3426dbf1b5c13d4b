// The Anthropic-compatible REST surface (Messages API): a Fastify plugin
// registered beside the OpenAI shim and the Connect plugin (so it keeps
// Fastify's JSON body parsing and has its own error handler), thin over the
// one governed completion pipeline. Every route authenticates the virtual key
// first (shim-auth.ts, before the body is read): `x-api-key` or
// `Authorization: Bearer` (current Anthropic SDKs send the latter).
// `anthropic-version` / `anthropic-beta` are accepted and ignored: the gateway
// speaks one version of the format (docs/edges.md).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { KeyAuthenticator } from '../../core/auth/authenticate-key.js';
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import { abortOnClientLeave } from '../client-abort.js';
import { routeHeaders, warningsHeader } from './gateway-headers.js';
import { mapError } from './map-error.js';
import { parseMessagesRequest, type RequestKind } from './parse-request.js';
import { renderMessage } from './render-response.js';
import { sendMessagesStream } from './send-stream.js';
import { contextFromRequest } from '../../server/request-context-from.js';
import { governanceHeaders } from '../gateway-headers.js';
import { authenticateShimRequests } from '../shim-auth.js';
import { setShimErrorHandler } from '../shim-errors.js';
import type { InFlightLimit } from '../../server/in-flight-limit.js';

export interface AnthropicSurfaceOptions {
  authenticator: KeyAuthenticator;
  completion: GovernedCompletion;
  /** The process's cap on requests in flight (server/in-flight-limit.ts); none when absent. */
  inFlight?: InFlightLimit;
}

export async function anthropicSurface(fastify: FastifyInstance, options: AnthropicSurfaceOptions): Promise<void> {
  const { authenticator, completion, inFlight } = options;
  /** Per request: how canonical message indices map back to the client's (param-names.ts). */
  const systemOffsets = new WeakMap<FastifyRequest, number>();
  // Answered in Anthropic's error shape (map-error.ts).
  setShimErrorHandler(fastify, 'Anthropic', (error, request) =>
    mapError(error, {
      requestId: request.id,
      systemOffset: systemOffsets.get(request) ?? 0,
      bodyLimit: fastify.initialConfig.bodyLimit,
    }),
  );
  const keyOf = authenticateShimRequests(fastify, {
    authenticator,
    surface: 'Anthropic',
    ...(inFlight ? { inFlight } : {}),
    // Anthropic's SDKs read the request id from `request-id` (x-request-id is set app-wide).
    beforeAuth: (request, reply) => reply.header('request-id', request.id),
  });

  /** Both routes begin alike: the key, the body parsed as `kind`, the signal that fires when the client leaves. */
  const begin = (request: FastifyRequest, reply: FastifyReply, kind: RequestKind) => {
    const key = keyOf(request);
    const parsed = parseMessagesRequest(request.body, kind);
    systemOffsets.set(request, parsed.systemOffset);
    return { key, parsed, controller: abortOnClientLeave(reply) };
  };

  fastify.post('/v1/messages', async (request, reply) => {
    const { key, parsed, controller } = begin(request, reply, 'messages');
    const context = contextFromRequest(request, 'anthropic');
    if (parsed.stream) {
      const streamed = completion.stream({ request: parsed.chat, key, signal: controller.signal, context });
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
    const { response, report } = await completion.complete({ request: parsed.chat, key, signal: controller.signal, context });
    const rendered = renderMessage(response, { stopSequences: parsed.stopSequences });
    reply.headers({
      ...routeHeaders(response.route),
      ...warningsHeader(response.warnings, [...parsed.warnings, ...rendered.warnings], parsed.systemOffset),
      ...governanceHeaders(report),
    });
    return rendered.message;
  });

  fastify.post('/v1/messages/count_tokens', async (request, reply) => {
    const { key, parsed, controller } = begin(request, reply, 'count_tokens');
    const counted = await completion.countTokens(parsed.chat, key, controller.signal);
    // Exact (`provider:<type>`) or the gateway's own estimate (`tokenizer:<encoding>`).
    reply.headers({ 'x-gateway-token-count-method': counted.method, ...warningsHeader([], parsed.warnings, parsed.systemOffset) });
    return { input_tokens: counted.inputTokens };
  });
}
