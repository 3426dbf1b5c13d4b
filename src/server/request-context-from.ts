// The request context of a REST shim request: request id, surface, the client's
// address (Fastify's trustProxy decides whether X-Forwarded-For is believed),
// user agent, session id and cache bypass from the headers, the request's
// server span when tracing is on, and its arrival (request-arrival.ts).
import type { IncomingHttpHeaders } from 'node:http';
import { requestContext, type ClientFieldNames, type RequestContext } from '../domain/request-context.js';
import type { RequestSurface } from '../domain/request-log.js';
import type { TraceSpan } from '../domain/trace-span.js';
import { arrivalOf } from './request-arrival.js';

/** What the context is read from: a Fastify request, or a call the RPC fast path took before Fastify. */
export interface ContextSource {
  id: string;
  ip: string;
  headers: IncomingHttpHeaders;
  traceSpan?: TraceSpan | undefined;
  /** The Node request, stamped with its arrival by the server. */
  raw: object;
}

const header = (request: ContextSource, name: string): string => {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
};

/** `fieldNames`: how the surface names the fields of this request in errors (the request log keeps them so). */
export function contextFromRequest(request: ContextSource, surface: RequestSurface, fieldNames?: ClientFieldNames): RequestContext {
  return requestContext({
    requestId: request.id,
    surface,
    clientIp: request.ip,
    userAgent: header(request, 'user-agent'),
    sessionId: header(request, 'x-session-id'),
    cacheBypass: hasDirective(header(request, 'cache-control'), 'no-store'),
    cacheRefresh: hasDirective(header(request, 'cache-control'), 'no-cache'),
    // Set by request-tracing.ts when tracing is on; undefined otherwise.
    trace: request.traceSpan,
    // The arrival, not now: the key check and the body read come before the context is made.
    receivedAt: arrivalOf(request.raw),
    fieldNames,
  });
}

/**
 * Whether the client's `cache-control` names `directive` (RFC 9111 §5.2.1: `no-store`, the response cache
 * neither read nor written; `no-cache`, not served from it, the fresh answer stored).
 */
export function hasDirective(cacheControl: string | undefined, directive: 'no-cache' | 'no-store'): boolean {
  // Most requests send none: no pattern run then.
  return cacheControl !== undefined && cacheControl !== '' && DIRECTIVES[directive].test(cacheControl);
}

const DIRECTIVES = { 'no-cache': /(^|,)\s*no-cache\s*(,|$)/i, 'no-store': /(^|,)\s*no-store\s*(,|$)/i } as const;
