// The fast path's calls taken before Fastify. Fastify's routing, its request and reply objects and
// its hooks cost a fast-path call 40–70 µs of CPU (measured: docs/performance.md), more than the
// typed surfaces then save against the REST shim. So the server's request handler offers each
// request here first: a POST to Complete or StreamComplete that the fast path serves
// (fastProtocolOf) is served at once, with what Fastify would have given it — the request id
// (the client's x-request-id, or the same generator's), the client's address as trustProxy
// settles it, the x-request-id header, a server span when tracing is on, a place under the
// in-flight cap. Everything else, and every call once shutdown has begun (Fastify answers those
// 503), goes to Fastify. The intake is not used when Fastify logs each request (debug) or when
// CORS is configured for a call that carries an Origin: those need Fastify's own hooks.
import type { InFlightLimit } from '../../server/in-flight-limit.js';
import type { IdentifyRequest, NodeRequest, NodeServerResponse } from '../../server/request-identity.js';
import type { FastCall, FastMethodName } from './fast-call.js';
import { fastProtocolOf, serveFast, type FastServing } from './fast-rpc-routes.js';

export interface FastRpcIntakeOptions {
  serving: FastServing;
  /** The request path of each fast method (`/llmgateway.v1.CompletionService/Complete`, …). */
  paths: ReadonlyMap<string, FastMethodName>;
  /** What Fastify would give the request: id, client address, x-request-id, server span. */
  identify: IdentifyRequest;
  inFlight: InFlightLimit;
  /** CORS is configured: a call with an Origin goes through Fastify, whose CORS plugin answers it. */
  cors: boolean;
  log: { error(details: object, message: string): void };
}

export interface FastRpcIntake {
  /** Serves the request when it is a fast-path call; false: Fastify's to serve. */
  take(request: NodeRequest, response: NodeServerResponse): boolean;
  /** From now on every request goes to Fastify (shutdown has begun). */
  stop(): void;
}

export function createFastRpcIntake(options: FastRpcIntakeOptions): FastRpcIntake {
  const { serving, paths, identify, inFlight, log } = options;
  let stopped = false;
  return {
    take(request, response) {
      if (stopped || request.method !== 'POST') return false;
      const url = request.url ?? '';
      const method = paths.get(url);
      if (method === undefined) return false;
      const headers = request.headers;
      if (options.cors && headers.origin !== undefined) return false;
      const protocol = fastProtocolOf(request, method);
      if (protocol === undefined) return false;

      const { id, ip, replyHeaders, traceSpan } = identify(request, response, url);
      const call: FastCall = { id, ip, headers, traceSpan, raw: request, response, replyHeaders, refused: !inFlight.tryAdmit(response) };
      serveFast(serving, call, method, protocol).catch((error: unknown) => {
        // What Fastify does with a handler that throws after answering: log it; the response is cut.
        log.error({ err: error, path: url, requestId: id }, 'a fast-path RPC failed');
        if (!response.destroyed) response.destroy();
      });
      return true;
    },
    stop() {
      stopped = true;
    },
  };
}
