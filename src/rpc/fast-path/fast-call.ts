// What a fast-path call of CompletionService does between reading its request and answering it,
// in the order connect-es runs it for the calls it serves: the request message is decoded first,
// then the in-flight cap (capacityInterceptor), then the virtual key (virtualKeyAuthInterceptor),
// then the same completion core the Connect handlers call.
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { CompletionService } from '../../../gen/llmgateway/v1/completion_service_pb.js';
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import { credentialFromHeaders, nodeHeader, type KeyAuthenticator } from '../../core/auth/authenticate-key.js';
import type { CompletionCall } from '../../core/completion/completion-call.js';
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import type { TraceSpan } from '../../domain/trace-span.js';
import type { ConnectError } from '@connectrpc/connect';
import { overCapacity } from '../../server/in-flight-limit.js';
import { contextFromRequest } from '../../server/request-context-from.js';
import { refusedWithoutChat } from '../refused-calls.js';
import { recordRefusedBody } from '../refused-bodies.js';
import type { ErrorReporter } from '../connect-errors.js';
import type { NodeResponse } from './envelope-writer.js';

export interface FastRpcDependencies {
  completion: GovernedCompletion;
  authenticator: KeyAuthenticator;
  reporter: ErrorReporter;
  /** Largest request body taken, as connect-es's readMaxBytes. */
  readMaxBytes: number;
}

/**
 * One call as the fast path serves it, whoever routed it: Fastify's route (fast-rpc-routes.ts) or
 * the intake in front of Fastify (fast-rpc-intake.ts), which fill in the same fields.
 */
export interface FastCall {
  /** Fastify's request id (the client's x-request-id, or a new one). */
  id: string;
  /** The client's address, as Fastify's trustProxy settles it. */
  ip: string;
  headers: IncomingHttpHeaders;
  /** The request's server span when tracing is on. */
  traceSpan?: TraceSpan | undefined;
  /** Where the body is read from. */
  raw: IncomingMessage | Http2ServerRequest;
  response: NodeResponse;
  /** Set before the call (x-request-id, x-trace-id): they lead the answer's headers. */
  replyHeaders: OutgoingHttpHeaders;
  /** Whether the in-flight cap refused this call as it arrived (server/in-flight-limit.ts). */
  refused: boolean;
}

/** The two hot methods; every other one is served by connect-es. */
export const FAST_METHODS = {
  complete: CompletionService.method.complete,
  streamComplete: CompletionService.method.streamComplete,
} as const;
export type FastMethodName = keyof typeof FAST_METHODS;

/** The call for the completion core: the chat request, the caller's key, the signal and the request context. */
export async function completionCallOf(
  call: FastCall,
  chat: ChatRequest | undefined,
  signal: AbortSignal,
  dependencies: FastRpcDependencies,
  stream: boolean,
): Promise<CompletionCall<ChatRequest>> {
  if (call.refused) throw overCapacity();
  const key = await dependencies.authenticator.authenticate(credentialFromHeaders(call.headers, nodeHeader));
  const context = contextFromRequest(call, 'rpc');
  if (!chat) throw refusedWithoutChat(dependencies.completion, key, context, stream);
  return { request: chat, key, signal, context };
}

/**
 * The row of a call refused before its message was decoded (refused-bodies.ts), written behind the
 * answer once the key authenticates; none for a call the in-flight cap refused.
 */
export function recordRefusedCall(call: FastCall, dependencies: FastRpcDependencies, stream: boolean, error: ConnectError): void {
  if (call.refused) return;
  const credential = credentialFromHeaders(call.headers, nodeHeader);
  void recordRefusedBody(dependencies, { operation: 'chat', credential, context: contextFromRequest(call, 'rpc'), stream, error });
}
