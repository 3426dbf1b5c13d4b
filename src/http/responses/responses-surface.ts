// The OpenAI Responses API (POST /v1/responses, GET / DELETE
// /v1/responses/{id}, GET /v1/responses/{id}/input_items) onto any provider: a
// Fastify plugin beside the Chat Completions shim, thin over the same governed
// pipeline (limits, budgets, cache, prompt rules, routes, experts, usage and
// the request log, with surface 'responses'). Stored responses belong to the
// key that created them (core/responses/response-store.ts); see
// docs/responses-api.md for what maps and what is refused.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { create } from '@bufbuild/protobuf';
import { MessageSchema, Role, type Message } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { KeyAuthenticator } from '../../core/auth/authenticate-key.js';
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import type { ResponseStore } from '../../core/responses/response-store.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import type { InFlightLimit } from '../../server/in-flight-limit.js';
import { contextFromRequest } from '../../server/request-context-from.js';
import { abortOnClientLeave } from '../client-abort.js';
import { governanceHeaders } from '../gateway-headers.js';
import { routeHeaders, warningsHeader } from '../openai/gateway-headers.js';
import { invalidValue, type JsonRecord } from '../openai/request-error.js';
import { authenticateShimRequests } from '../shim-auth.js';
import { setShimErrorHandler } from '../shim-errors.js';
import { pageInputItems } from './input-items-page.js';
import { newItemId } from './item-ids.js';
import { mapResponsesError } from './map-error.js';
import { parseInputItems } from './parse-input.js';
import { parseResponsesRequest, type ParsedResponsesRequest } from './parse-request.js';
import { forClient, renderResponse, type ResponseIdentity } from './render-response.js';
import { ResponsesStreamRenderer } from './render-stream.js';
import type { ResponseObject } from './responses-wire.js';
import { sendResponsesStream } from './send-stream.js';

export interface ResponsesSurfaceOptions {
  authenticator: KeyAuthenticator;
  completion: GovernedCompletion;
  store: ResponseStore;
  inFlight?: InFlightLimit;
}

type IdParams = { id: string };

export async function responsesSurface(fastify: FastifyInstance, options: ResponsesSurfaceOptions): Promise<void> {
  const { authenticator, completion, store, inFlight } = options;
  setShimErrorHandler(fastify, 'OpenAI Responses', (error) => mapResponsesError(error, { bodyLimit: fastify.initialConfig.bodyLimit }));
  const keyOf = authenticateShimRequests(fastify, { authenticator, surface: 'OpenAI Responses', ...(inFlight ? { inFlight } : {}) });

  /** The stored turns before this one, then the instructions and this request's input. */
  const conversation = async (parsed: ParsedResponsesRequest, key: VirtualKeyRecord): Promise<Message[]> => {
    const messages: Message[] = [];
    if (parsed.settings.instructions) {
      messages.push(create(MessageSchema, { role: Role.SYSTEM, content: [{ kind: { case: 'text', value: { text: parsed.settings.instructions } } }] }));
    }
    const previous = parsed.settings.previous_response_id;
    if (previous) {
      // Instructions are not carried over from earlier turns (as on OpenAI); their input and output are.
      const turns = await store.conversation(previous, key);
      const items = turns.flatMap((turn) => [...turn.inputItems, ...((turn.response['output'] as JsonRecord[] | undefined) ?? [])]);
      messages.push(...parseInputItems(items, 'previous_response_id'));
    }
    messages.push(...parseInputItems(parsed.inputItems, 'input'));
    return messages;
  };

  const save = (identity: ResponseIdentity, key: VirtualKeyRecord, parsed: ParsedResponsesRequest, response: ResponseObject) =>
    store.save({
      id: identity.id,
      keyId: key.id,
      previousResponseId: parsed.settings.previous_response_id ?? '',
      model: identity.model,
      createdAt: identity.createdAt,
      response: response as unknown as Record<string, unknown>,
      inputItems: parsed.inputItems,
    });

  fastify.post('/v1/responses', async (request, reply) => {
    const key = keyOf(request);
    const parsed = parseResponsesRequest(request.body);
    parsed.chat.messages = await conversation(parsed, key);
    const identity: ResponseIdentity = {
      id: newItemId('resp'),
      createdAt: Date.now(),
      model: parsed.chat.model,
      settings: parsed.settings,
      summarizeReasoning: parsed.summarizeReasoning,
    };
    const context = contextFromRequest(request, 'responses');
    const controller = abortOnClientLeave(reply);
    if (parsed.stream) {
      const renderer = new ResponsesStreamRenderer(identity, parsed.includeEncryptedReasoning);
      const streamed = completion.stream({ request: parsed.chat, key, signal: controller.signal, context });
      await sendResponsesStream(reply, streamed.chunks, renderer, {
        extraHeaders: () => governanceHeaders(streamed.report),
        signal: controller.signal,
        log: request.log,
      });
      if (parsed.settings.store && renderer.final) {
        // The client already has its answer: a failed write can only be logged (a later previous_response_id then gets a 400).
        await save(identity, key, parsed, renderer.final).catch((error: unknown) =>
          request.log.error({ err: error, responseId: identity.id }, 'storing a streamed response failed'),
        );
      }
      return reply;
    }
    const { response, report } = await completion.complete({ request: parsed.chat, key, signal: controller.signal, context });
    const rendered = renderResponse(identity, response);
    if (parsed.settings.store) await save(identity, key, parsed, rendered);
    reply.headers({ ...routeHeaders(response.route), ...warningsHeader(response.warnings), ...governanceHeaders(report) });
    return forClient(rendered, parsed.includeEncryptedReasoning);
  });

  fastify.get<{ Params: IdParams }>('/v1/responses/:id', async (request) => {
    const query = request.query as Record<string, unknown>;
    if (query['stream'] === 'true') throw invalidValue('stream', 'replaying a stored response as a stream is not supported; retrieve it without stream.', 'unsupported_value');
    const stored = await store.get(request.params.id, keyOf(request));
    return forClient(stored.response as unknown as ResponseObject, includesEncryptedReasoning(request));
  });

  fastify.delete<{ Params: IdParams }>('/v1/responses/:id', async (request) => {
    await store.delete(request.params.id, keyOf(request));
    return { id: request.params.id, object: 'response.deleted', deleted: true };
  });

  fastify.get<{ Params: IdParams }>('/v1/responses/:id/input_items', async (request) => {
    const stored = await store.get(request.params.id, keyOf(request));
    return pageInputItems(stored.inputItems, request.query as Record<string, string | string[] | undefined>);
  });
}

/** `include=reasoning.encrypted_content` (or `include[]=…`) on a GET. */
function includesEncryptedReasoning(request: FastifyRequest): boolean {
  const query = request.query as Record<string, string | string[] | undefined>;
  const values = [query['include'], query['include[]']].flat().filter((value): value is string => typeof value === 'string');
  return values.includes('reasoning.encrypted_content');
}
