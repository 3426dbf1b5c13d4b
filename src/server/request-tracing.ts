// A server span per request (tracing on): started when Fastify has routed the
// request, continuing the client's W3C traceparent/tracestate, answered with
// the trace id in `x-trace-id` (also what the request-log row records), and
// ended when the response closes (finished or cut) and the pipeline has recorded
// its outcome (request-span.ts). The REST shims and the
// Connect/gRPC services run behind Fastify's routing, where one hook covers
// them; the RPC fast path's calls taken before Fastify (rpc/fast-path/
// fast-rpc-intake.ts) start the same span with startRequestSpan. The span
// reaches the pipeline in the request context (request-context-from.ts).
// Health probes and metrics scrapes are not traced: they would bury real traffic. Registered only
// when tracing is on: off, no hook runs at all.
import type { FastifyInstance } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestTracer, TraceSpan } from '../domain/trace-span.js';
import { nodeHeader } from '../core/auth/authenticate-key.js';
import { CLIENT_CLOSED_REQUEST, RequestSpan } from './request-span.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's server span; absent when tracing is off or the route is not traced. */
    traceSpan?: TraceSpan | undefined;
  }
}

/** The response header carrying the trace id (32 lowercase hex digits). */
export const TRACE_ID_HEADER = 'x-trace-id';

/** Probes and scrapes: every few seconds from machines, not requests of the gateway's clients. */
const UNTRACED_ROUTES: ReadonlySet<string> = new Set([
  '/metrics',
  '/healthz',
  '/readyz',
  '/grpc.health.v1.Health/Check',
  '/grpc.health.v1.Health/Watch',
]);

export function registerRequestTracing(fastify: FastifyInstance, tracer: RequestTracer): void {
  fastify.decorateRequest('traceSpan', undefined);
  // Callback style, as the other hooks: no promise per request.
  fastify.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && UNTRACED_ROUTES.has(route)) {
      done();
      return;
    }
    const span = startRequestSpan(tracer, { method: request.method, url: request.url, route, scheme: request.protocol, ip: request.ip, raw: request.raw }, reply.raw);
    request.traceSpan = span;
    reply.header(TRACE_ID_HEADER, span.traceId);
    done();
  });
}

/** What a request's server span is made from: Fastify's request, or a call the RPC fast path took before Fastify. */
export interface TracedRequest {
  method: string;
  url: string;
  /** The route that matched; undefined when none did. */
  route: string | undefined;
  /** http or https; behind a trusted proxy, what its X-Forwarded-Proto says. */
  scheme: string;
  ip: string | undefined;
  raw: { httpVersion: string; headers: IncomingHttpHeaders };
}

/** Where the request's end is seen: the raw response, whose 'close' comes once in every case. */
interface TracedResponse {
  statusCode: number;
  /** False at 'close' when the client left before the answer was written in full. */
  readonly writableEnded: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Starts the request's server span and ends it when `response` closes, with its status — 499 when the
 * client left first — once the pipeline has recorded its outcome (request-span.ts).
 */
export function startRequestSpan(tracer: RequestTracer, request: TracedRequest, response: TracedResponse): TraceSpan {
  const { route, url, raw } = request;
  const queryAt = url.indexOf('?');
  // HTTP semantic conventions; no query string and no request headers beyond the user agent (no credentials).
  const started = tracer.startServerSpan(
    route === undefined ? request.method : `${request.method} ${route}`,
    { traceparent: nodeHeader(raw.headers, 'traceparent'), tracestate: nodeHeader(raw.headers, 'tracestate') },
    {
      'http.request.method': request.method,
      'http.route': route,
      'url.path': queryAt < 0 ? url : url.slice(0, queryAt),
      'url.scheme': request.scheme,
      'network.protocol.version': raw.httpVersion,
      'client.address': request.ip,
      'user_agent.original': nodeHeader(raw.headers, 'user-agent'),
    },
  );
  const span = new RequestSpan(started);
  response.once('close', () => {
    const answered = response.writableEnded;
    span.responseClosed(answered ? response.statusCode : CLIENT_CLOSED_REQUEST, answered);
  });
  return span;
}
