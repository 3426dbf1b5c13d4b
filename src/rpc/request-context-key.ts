// The request context of an RPC, set from the Fastify request (client address,
// user agent, request id) by the Connect plugin's contextValues, and whether
// the in-flight cap refused the request (server/in-flight-limit.ts; answered by
// the capacity interceptor, in the caller's protocol).
import { createContextKey, createContextValues, type ContextValues } from '@connectrpc/connect';
import type { FastifyRequest } from 'fastify';
import { requestContext, type RequestContext } from '../domain/request-context.js';
import { contextFromRequest } from '../server/request-context-from.js';

export const requestContextKey = createContextKey<RequestContext | undefined>(undefined, { description: 'the request’s context' });

/** Set when the process had too many requests in flight as this one arrived. */
export const overCapacityKey = createContextKey<boolean>(false, { description: 'refused by the in-flight cap' });

export function rpcContextValues(request: FastifyRequest, overCapacity = false): ContextValues {
  const values = createContextValues().set(requestContextKey, contextFromRequest(request, 'rpc'));
  return overCapacity ? values.set(overCapacityKey, true) : values;
}

/** The call's context; in-memory transports have none (an RPC with no client details). */
export function contextOf(values: ContextValues): RequestContext {
  return values.get(requestContextKey) ?? requestContext({ surface: 'rpc' });
}
