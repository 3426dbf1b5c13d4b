// The OpenAI Responses API (POST /v1/responses, GET / DELETE
// /v1/responses/{id}, GET /v1/responses/{id}/input_items, POST /v1/responses/input_tokens) onto any provider: a
// Fastify plugin beside the Chat Completions shim, thin over the same governed
// pipeline (limits, budgets, cache, prompt rules, routes, experts, usage and
// the request log, with surface 'responses'). Stored responses belong to the
// key that created them (core/responses/response-store.ts); see
// docs/responses-api.md for what maps and what is refused.
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { create } from '@bufbuild/protobuf';
import { MessageSchema, Role, WarningSchema, type Message, type StreamChunk, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { KeyAuthenticator } from '../../core/auth/authenticate-key.js';
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import type { ResponseStore } from '../../core/responses/response-store.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import type { InFlightLimit } from '../../server/in-flight-limit.js';
import { contextFromRequest } from '../../server/request-context-from.js';
import { abortOnClientLeave } from '../client-abort.js';
import { governanceHeaders } from '../gateway-headers.js';
import { routeHeaders } from '../openai/gateway-headers.js';
import { warningsHeader, withOrigins, type MessageOrigin } from './param-names.js';
import { invalidValue, type JsonRecord } from '../openai/request-error.js';
import { authenticateShimRequests } from '../shim-auth.js';
import { bodyShape, shimRefusals } from '../refused-requests.js';
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
  // Where the client sent each canonical message, per request, so that an error names `input[1].content[0]`.
  const paramNames = new WeakMap<FastifyRequest, (field: string) => string>();
  setShimErrorHandler(fastify, 'OpenAI Responses', (error, request) => {
    const paramName = paramNames.get(request);
    return mapResponsesError(error, { bodyLimit: fastify.initialConfig.bodyLimit, ...(paramName ? { paramName } : {}) });
  });
  const keyOf = authenticateShimRequests(fastify, {
    authenticator,
    surface: 'OpenAI Responses',
    ...(inFlight ? { inFlight } : {}),
    // A refused creation is logged (an unknown previous_response_id too); reading, deleting and counting make no row.
    refusals: {
      refusals: shimRefusals(completion, 'responses'),
      shapeOf: (request) => (request.method === 'POST' && request.routeOptions.url === '/v1/responses' ? bodyShape('chat', request.body) : undefined),
    },
  });

  /** The stored turns before this one, then the instructions and this request's input. */
  const conversation = async (parsed: ParsedResponsesRequest, key: VirtualKeyRecord, request: FastifyRequest): Promise<Message[]> => {
    const messages: Message[] = [];
    const origins: MessageOrigin[] = [];
    if (parsed.settings.instructions) {
      messages.push(create(MessageSchema, { role: Role.SYSTEM, content: [{ kind: { case: 'text', value: { text: parsed.settings.instructions } } }] }));
      origins.push({ message: 'instructions', parts: ['instructions'] });
    }
    const previous = parsed.settings.previous_response_id;
    if (previous) {
      // Instructions are not carried over from earlier turns (as on OpenAI); their input and output are.
      const turns = await store.conversation(previous, key);
      const items = turns.flatMap((turn) => [...turn.inputItems, ...((turn.response['output'] as JsonRecord[] | undefined) ?? [])]);
      const stored = parseInputItems(items, 'previous_response_id');
      messages.push(...stored);
      origins.push(...stored.map((message) => ({ message: 'previous_response_id', parts: message.content.map(() => 'previous_response_id') })));
    }
    messages.push(...parseInputItems(parsed.inputItems, 'input', origins));
    paramNames.set(request, withOrigins(origins));
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

  /**
   * The answer is delivered even when it cannot be stored (the upstream call is done and paid for): the
   * failure is logged, named in x-gateway-warnings (unary) and the answer says `store: false` (unary and
   * streamed); continuing from it then gets previous_response_not_found.
   */
  const saveOrWarn = async (
    identity: ResponseIdentity,
    key: VirtualKeyRecord,
    parsed: ParsedResponsesRequest,
    response: ResponseObject,
    log: FastifyBaseLogger,
  ): Promise<Warning | undefined> => {
    try {
      await save(identity, key, parsed, response);
      return undefined;
    } catch (error) {
      log.error({ err: error, responseId: identity.id }, 'storing a response failed; it was answered but cannot be continued or retrieved');
      return create(WarningSchema, { code: 'not_stored', param: 'store', message: 'the response could not be stored; it cannot be retrieved or continued with previous_response_id' });
    }
  };

  fastify.post('/v1/responses', async (request, reply) => {
    const key = keyOf(request);
    const parsed = parseResponsesRequest(request.body);
    parsed.chat.messages = await conversation(parsed, key, request);
    const identity: ResponseIdentity = {
      id: newItemId('resp'),
      createdAt: Date.now(),
      model: parsed.chat.model,
      settings: parsed.settings,
      summarizeReasoning: parsed.summarizeReasoning,
    };
    const context = contextFromRequest(request, 'responses');
    // An x-session-id header names the session as on the other shims, over prompt_cache_key.
    if (context.sessionId && parsed.chat.gateway) parsed.chat.gateway.sessionId = context.sessionId;
    const controller = abortOnClientLeave(reply);
    if (parsed.stream) {
      const renderer = new ResponsesStreamRenderer(identity, parsed.includeEncryptedReasoning);
      const streamed = completion.stream({ request: parsed.chat, key, signal: controller.signal, context });
      // Stored before response.completed is written: a client that continues at once finds its previous response.
      const chunks = parsed.settings.store
        ? storedAfterLastChunk(streamed.chunks, async () => {
            if (await saveOrWarn(identity, key, parsed, renderer.conclude(), request.log)) renderer.notStored();
          })
        : streamed.chunks;
      await sendResponsesStream(reply, chunks, renderer, {
        extraHeaders: () => governanceHeaders(streamed.report),
        signal: controller.signal,
        log: request.log,
      }, paramNames.get(request));
      return reply;
    }
    const { response, report } = await completion.complete({ request: parsed.chat, key, signal: controller.signal, context });
    const rendered = renderResponse(identity, response);
    const warnings = [...response.warnings];
    if (parsed.settings.store) {
      const failure = await saveOrWarn(identity, key, parsed, rendered, request.log);
      if (failure) {
        warnings.push(failure);
        rendered.store = false;
      }
    }
    reply.headers({ ...routeHeaders(response.route), ...warningsHeader(warnings, parsed.summarizeReasoning), ...governanceHeaders(report) });
    return forClient(rendered, parsed.includeEncryptedReasoning);
  });

  // responses.inputTokens.count: the input as the upstream would get it (stored turns included), counted
  // by the provider where it can, by the gateway's tokenizer otherwise.
  fastify.post('/v1/responses/input_tokens', async (request, reply) => {
    const key = keyOf(request);
    const parsed = parseResponsesRequest(request.body);
    parsed.chat.messages = await conversation(parsed, key, request);
    const counted = await completion.countTokens(parsed.chat, key, abortOnClientLeave(reply).signal);
    reply.header('x-gateway-token-count-method', counted.method);
    return { object: 'response.input_tokens', input_tokens: counted.inputTokens };
  });

  fastify.get<{ Params: IdParams }>('/v1/responses/:id', async (request) => {
    const query = request.query as Record<string, unknown>;
    if (query['stream'] === 'true') throw invalidValue('stream', 'replaying a stored response as a stream is not supported; retrieve it without stream.', 'unsupported_value');
    const stored = await store.get(request.params.id, keyOf(request));
    return forClient(stored.response as unknown as ResponseObject, includesEncryptedReasoning(request));
  });

  // OpenAI's API reference deletes with `Content-Type: application/json` and no body, as clients that send
  // that header on every call do: with no body there is nothing to parse (Fastify's parser refuses it empty).
  const noBodyToParse: onRequestHookHandler = (request, _reply, done) => {
    const length = request.headers['content-length'];
    if ((length === undefined || length === '0') && request.headers['transfer-encoding'] === undefined) delete request.headers['content-type'];
    done();
  };
  fastify.delete<{ Params: IdParams }>('/v1/responses/:id', { onRequest: noBodyToParse }, async (request) => {
    await store.delete(request.params.id, keyOf(request));
    return { id: request.params.id, object: 'response.deleted', deleted: true };
  });

  fastify.get<{ Params: IdParams }>('/v1/responses/:id/input_items', async (request) => {
    const stored = await store.get(request.params.id, keyOf(request));
    return pageInputItems(stored.inputItems, request.query as Record<string, string | string[] | undefined>);
  });
}

/** Passes the chunks on; once the last one is through, runs `after` before the stream is ended. */
async function* storedAfterLastChunk(chunks: AsyncIterable<StreamChunk>, after: () => Promise<unknown>): AsyncGenerator<StreamChunk> {
  for await (const chunk of chunks) yield chunk;
  await after();
}

/** `include=reasoning.encrypted_content` (or `include[]=…`) on a GET. */
function includesEncryptedReasoning(request: FastifyRequest): boolean {
  const query = request.query as Record<string, string | string[] | undefined>;
  const values = [query['include'], query['include[]']].flat().filter((value): value is string => typeof value === 'string');
  return values.includes('reasoning.encrypted_content');
}
