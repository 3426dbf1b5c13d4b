// The request context of an RPC, set from the Fastify request (client address,
// user agent, request id) by the Connect plugin's contextValues.
import { createContextKey, createContextValues, type ContextValues } from '@connectrpc/connect';
import type { FastifyRequest } from 'fastify';
import { requestContext, type RequestContext } from '../domain/request-context.js';
import { metaFromRequest } from '../server/request-meta-from.js';

export const requestMetaKey = createContextKey<RequestContext | undefined>(undefined, { description: 'the request’s meta' });

export function rpcContextValues(request: FastifyRequest): ContextValues {
  return createContextValues().set(requestMetaKey, metaFromRequest(request, 'rpc'));
}

/** The call's context; in-memory transports have none (an RPC with no client details). */
export function metaOf(values: ContextValues): RequestContext {
  return values.get(requestMetaKey) ?? requestContext({ surface: 'rpc' });
}
