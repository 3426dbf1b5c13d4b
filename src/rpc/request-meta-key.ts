// The RequestMeta of an RPC, set from the Fastify request (client address,
// user agent, request id) by the Connect plugin's contextValues.
import { createContextKey, createContextValues, type ContextValues } from '@connectrpc/connect';
import type { FastifyRequest } from 'fastify';
import { requestMeta, type RequestMeta } from '../core/completion/request-meta.js';
import { metaFromRequest } from '../server/request-meta-from.js';

export const requestMetaKey = createContextKey<RequestMeta | undefined>(undefined, { description: 'the request’s meta' });

export function rpcContextValues(request: FastifyRequest): ContextValues {
  return createContextValues().set(requestMetaKey, metaFromRequest(request, 'rpc'));
}

/** A fresh meta per call (the report is per request); in-memory transports have none. */
export function metaOf(values: ContextValues): RequestMeta {
  return values.get(requestMetaKey) ?? requestMeta({ surface: 'rpc' });
}
