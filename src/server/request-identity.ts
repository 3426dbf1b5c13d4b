// What Fastify gives every request before a route sees it — its id, the client's address, the
// x-request-id header, a server span when tracing is on — given the same way to the requests the
// intakes serve before Fastify (rpc/fast-path/fast-rpc-intake.ts, http/shim-intake.ts), so a
// request reads and logs alike whichever side served it.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import proxyAddr from '@fastify/proxy-addr';
import type { RequestTracer, TraceSpan } from '../domain/trace-span.js';
import { REQUEST_ID_HEADER } from './client-request-id.js';
import { startRequestSpan, TRACE_ID_HEADER } from './request-tracing.js';

export type NodeRequest = IncomingMessage | Http2ServerRequest;
export type NodeServerResponse = ServerResponse | Http2ServerResponse;

export interface RequestIdentityOptions {
  /** Fastify's genReqId (client-request-id.ts): ids follow one rule whichever side serves the request. */
  requestIdOf: (request: NodeRequest) => string;
  /** Fastify's trustProxy list: X-Forwarded-For and X-Forwarded-Proto are believed only from these. */
  trustedProxies: readonly string[];
  tracer: RequestTracer | undefined;
  tls: boolean;
}

export interface RequestIdentity {
  /** The client's x-request-id when it looks like an id, or a new one (client-request-id.ts). */
  id: string;
  /** The client's address, as trustProxy settles it. */
  ip: string;
  /** x-request-id, and x-trace-id when traced: they lead the answer's headers. */
  replyHeaders: OutgoingHttpHeaders;
  traceSpan: TraceSpan | undefined;
}

export type IdentifyRequest = (request: NodeRequest, response: NodeServerResponse, route: string) => RequestIdentity;

export function createRequestIdentifier(options: RequestIdentityOptions): IdentifyRequest {
  const { requestIdOf, tracer } = options;
  const trust = options.trustedProxies.length > 0 ? proxyAddr.compile([...options.trustedProxies]) : undefined;
  const scheme = options.tls ? 'https' : 'http';
  // As Fastify's request.protocol: X-Forwarded-Proto (its last entry) when the peer is a trusted proxy.
  const schemeOf = (request: NodeRequest): string => {
    const forwarded = request.headers['x-forwarded-proto'];
    if (trust && typeof forwarded === 'string' && forwarded !== '' && trust(request.socket.remoteAddress ?? '', 0)) {
      return forwarded.slice(forwarded.lastIndexOf(',') + 1).trim();
    }
    return scheme;
  };
  return (request, response, route) => {
    const id = requestIdOf(request);
    const ip = (trust ? proxyAddr(request as IncomingMessage, trust) : request.socket.remoteAddress) ?? '';
    const replyHeaders: OutgoingHttpHeaders = { [REQUEST_ID_HEADER]: id };
    const traceSpan = tracer ? startRequestSpan(tracer, { method: request.method ?? 'POST', url: route, route, scheme: schemeOf(request), ip, raw: request }, response) : undefined;
    if (traceSpan) replyHeaders[TRACE_ID_HEADER] = traceSpan.traceId;
    return { id, ip, replyHeaders, traceSpan };
  };
}
