// The request context of an RPC, set from the Fastify request (client address,
// user agent, request id) by the Connect plugin's contextValues.
import { createContextKey, createContextValues, type ContextValues } from '@connectrpc/connect';
import type { FastifyRequest } from 'fastify';
import { requestContext, type RequestContext } from '../domain/request-context.js';
import { contextFromRequest } from '../server/request-context-from.js';

export const requestContextKey = createContextKey<RequestContext | undefined>(undefined, { description: 'the request’s context' });

export function rpcContextValues(request: FastifyRequest): ContextValues {
  return createContextValues().set(requestContextKey, contextFromRequest(request, 'rpc'));
}

/** The call's context; in-memory transports have none (an RPC with no client details). */
export function contextOf(values: ContextValues): RequestContext {
  return values.get(requestContextKey) ?? requestContext({ surface: 'rpc' });
}
