// What a fast-path call of CompletionService does between reading its request and answering it,
// in the order connect-es runs it for the calls it serves: the request message is decoded first,
// then the in-flight cap (capacityInterceptor), then the virtual key (virtualKeyAuthInterceptor),
// then the same completion core the Connect handlers call.
import type { FastifyRequest } from 'fastify';
import { CompletionService } from '../../../gen/llmgateway/v1/completion_service_pb.js';
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import { credentialFromHeaders, nodeHeader, type KeyAuthenticator } from '../../core/auth/authenticate-key.js';
import type { CompletionCall } from '../../core/completion/completion-call.js';
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import { invalidArgument } from '../../domain/gateway-error.js';
import { overCapacity } from '../../server/in-flight-limit.js';
import { contextFromRequest } from '../../server/request-context-from.js';
import type { ErrorReporter } from '../connect-errors.js';

export interface FastRpcDependencies {
  completion: GovernedCompletion;
  authenticator: KeyAuthenticator;
  reporter: ErrorReporter;
  /** Largest request body taken, as connect-es's readMaxBytes. */
  readMaxBytes: number;
  /** Whether the in-flight cap refused this request as it arrived (server/in-flight-limit.ts). */
  refused: (request: FastifyRequest) => boolean;
}

/** The two hot methods; every other one is served by connect-es. */
export const FAST_METHODS = {
  complete: CompletionService.method.complete,
  streamComplete: CompletionService.method.streamComplete,
} as const;
export type FastMethodName = keyof typeof FAST_METHODS;

/** The call for the completion core: the chat request, the caller's key, the signal and the request context. */
export async function completionCallOf(
  request: FastifyRequest,
  chat: ChatRequest | undefined,
  signal: AbortSignal,
  dependencies: FastRpcDependencies,
): Promise<CompletionCall<ChatRequest>> {
  if (dependencies.refused(request)) throw overCapacity();
  const key = await dependencies.authenticator.authenticate(credentialFromHeaders(request.headers, nodeHeader));
  if (!chat) throw invalidArgument('chat', 'is required');
  return { request: chat, key, signal, context: contextFromRequest(request, 'rpc') };
}
