// The request context of a REST shim request: request id, surface, the client's
// address (Fastify's trustProxy decides whether X-Forwarded-For is believed),
// user agent, session id and cache bypass from the headers, and the request's
// server span when tracing is on.
import type { FastifyRequest } from 'fastify';
import { requestContext, type RequestContext } from '../domain/request-context.js';
import type { RequestSurface } from '../domain/request-log.js';

const header = (request: FastifyRequest, name: string): string => {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
};

export function contextFromRequest(request: FastifyRequest, surface: RequestSurface): RequestContext {
  return requestContext({
    requestId: request.id,
    surface,
    clientIp: request.ip,
    userAgent: header(request, 'user-agent'),
    sessionId: header(request, 'x-session-id'),
    cacheBypass: bypassesCache(header(request, 'cache-control')),
    // Set by request-tracing.ts when tracing is on; undefined otherwise.
    trace: request.traceSpan,
  });
}

/** `cache-control: no-cache` or `no-store` from the client skips the response cache. */
export function bypassesCache(cacheControl: string | undefined): boolean {
  return /(^|,)\s*no-(cache|store)\s*(,|$)/i.test(cacheControl ?? '');
}
