// CompletionService: thin over the completion core. The virtual key was
// authenticated by the interceptor; cancellation follows the call's signal.
import { create } from '@bufbuild/protobuf';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import {
  CompleteResponseSchema,
  ListModelsResponseSchema,
  StreamCompleteResponseSchema,
  type CompletionService,
  type StreamCompleteResponse,
} from '../../gen/llmgateway/v1/completion_service_pb.js';
import type { StreamChunk } from '../../gen/llmgateway/v1/chat_pb.js';
import type { GovernedCompletion } from '../core/governance/governed-completion.js';
import { GatewayError, invalidArgument } from '../domain/gateway-error.js';
import { contextOf } from './request-context-key.js';
import { refusedWithoutChat } from './refused-calls.js';
import { messageDecodedKey } from './refused-bodies.js';
import { authenticatedKey } from './virtual-key-auth.js';

function callerKey(context: HandlerContext) {
  const key = context.values.get(authenticatedKey);
  // The interceptor always sets it; this guards a wiring mistake.
  if (!key) throw new GatewayError('internal', 'request reached a completion handler unauthenticated');
  return key;
}

/** From here the pipeline (or refused-calls.ts) logs the call; before, refused-bodies.ts does. */
function decoded(context: HandlerContext): HandlerContext {
  context.values.set(messageDecodedKey, true);
  return context;
}

/** The RPC has no response headers: the report of a call is not sent. */
function callOf<Request>(request: Request, context: HandlerContext) {
  return { request, key: callerKey(context), signal: context.signal, context: contextOf(context.values) };
}

function responsesOf(chunks: AsyncIterable<StreamChunk>): AsyncIterable<StreamCompleteResponse> {
  return {
    [Symbol.asyncIterator]() {
      const inner = chunks[Symbol.asyncIterator]();
      const wrap = (result: IteratorResult<StreamChunk>): IteratorResult<StreamCompleteResponse> =>
        result.done ? { done: true, value: undefined } : { done: false, value: create(StreamCompleteResponseSchema, { chunk: result.value }) };
      return {
        next: () => inner.next().then(wrap),
        return: async () => {
          await inner.return?.();
          return { done: true, value: undefined };
        },
        throw: async (error?: unknown) => {
          if (inner.throw) return wrap(await inner.throw(error));
          throw error;
        },
      };
    },
  };
}

export function completionService(core: GovernedCompletion): ServiceImpl<typeof CompletionService> {
  return {
    async complete(request, context) {
      decoded(context);
      if (!request.chat) throw refusedWithoutChat(core, callerKey(context), contextOf(context.values), false);
      return create(CompleteResponseSchema, { response: (await core.complete(callOf(request.chat, context))).response });
    },
    // Each chunk wrapped as it is pulled: an iterator, not an async generator (one async step less per chunk).
    streamComplete(request, context) {
      decoded(context);
      if (!request.chat) throw refusedWithoutChat(core, callerKey(context), contextOf(context.values), true);
      return responsesOf(core.stream(callOf(request.chat, context)).chunks);
    },
    async embed(request, context) {
      return (await core.embed(callOf(request, decoded(context)))).response;
    },
    async countTokens(request, context) {
      if (!request.chat) throw invalidArgument('chat', 'is required');
      return core.countTokens(request.chat, callerKey(context), context.signal);
    },
    async listModels(_request, context) {
      return create(ListModelsResponseSchema, { models: await core.listModels(callerKey(context)) });
    },
  };
}
