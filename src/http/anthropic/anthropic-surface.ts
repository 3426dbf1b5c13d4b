// The Anthropic-compatible REST surface (Messages API): a Fastify plugin
// registered beside the OpenAI shim and the Connect plugin (so it keeps
// Fastify's JSON body parsing and has its own error handler), thin over the
// one governed completion pipeline. Every route authenticates the virtual key
// first (shim-auth.ts, before the body is read): `x-api-key` or
// `Authorization: Bearer` (current Anthropic SDKs send the latter).
// `anthropic-version` / `anthropic-beta` are accepted and ignored: the gateway
// speaks one version of the format (docs/edges.md).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { KeyAuthenticator } from '../../core/auth/authenticate-key.js';
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import { abortOnClientLeave } from '../client-abort.js';
import { warningsHeader } from './gateway-headers.js';
import { mapError } from './map-error.js';
import { parseMessagesRequest } from './parse-request.js';
import { answerMessages, type MessagesState } from './messages-answer.js';
import { authenticateShimRequests } from '../shim-auth.js';
import { setShimErrorHandler } from '../shim-errors.js';
import { bodyShape, shimRefusals } from '../refused-requests.js';
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
  const states = new WeakMap<FastifyRequest, MessagesState>();
  // Answered in Anthropic's error shape (map-error.ts).
  setShimErrorHandler(fastify, 'Anthropic', (error, request) =>
    mapError(error, {
      requestId: request.id,
      systemOffset: states.get(request)?.systemOffset ?? 0,
      bodyLimit: fastify.initialConfig.bodyLimit,
    }),
  );
  const keyOf = authenticateShimRequests(fastify, {
    authenticator,
    surface: 'Anthropic',
    ...(inFlight ? { inFlight } : {}),
    // Anthropic's SDKs read the request id from `request-id` (x-request-id is set app-wide).
    beforeAuth: (request, reply) => reply.header('request-id', request.id),
    // Token counts make no row, refused or not.
    refusals: {
      refusals: shimRefusals(completion, 'anthropic'),
      shapeOf: (request) => (request.routeOptions.url === '/v1/messages' ? bodyShape('chat', request.body) : undefined),
    },
  });

  // A JSON request over HTTP/1.1 is usually taken before Fastify (messages-intake.ts), answered by the same function.
  fastify.post('/v1/messages', async (request, reply) => {
    const state: MessagesState = { systemOffset: 0 };
    states.set(request, state);
    const exchange = { id: request.id, ip: request.ip, headers: request.headers, traceSpan: request.traceSpan, raw: request.raw, reply, log: request.log };
    const answer = await answerMessages(completion, keyOf(request), request.body, exchange, state);
    if (!answer) return reply;
    reply.headers(answer.headers);
    return answer.body;
  });

  fastify.post('/v1/messages/count_tokens', async (request, reply) => {
    const key = keyOf(request);
    const parsed = parseMessagesRequest(request.body, 'count_tokens');
    states.set(request, { systemOffset: parsed.systemOffset });
    const controller = abortOnClientLeave(reply);
    const counted = await completion.countTokens(parsed.chat, key, controller.signal);
    // Exact (`provider:<type>`) or the gateway's own estimate (`tokenizer:<encoding>`).
    reply.headers({ 'x-gateway-token-count-method': counted.method, ...warningsHeader([], parsed.warnings, parsed.systemOffset) });
    return { input_tokens: counted.inputTokens };
  });
}
