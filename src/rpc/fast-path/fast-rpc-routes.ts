// The routes of CompletionService.Complete and StreamComplete. The calls typed clients make —
// gRPC over HTTP/2, binary gRPC-Web, Connect server-streaming and Connect unary POSTs, with
// identity-encoded request frames — are served by stream-call.ts and connect-unary-call.ts, which
// skip connect-es's per-call pipeline (its layers of async iterables, header objects and abort
// controllers cost more CPU than the REST shim spends on the same call: docs/performance.md).
// Everything else on these paths — JSON gRPC and gRPC-Web, Connect GET, compressed request frames,
// gRPC over HTTP/1.1 — goes to the connect-es handler as @connectrpc/connect-fastify hands it over.
// Most fast calls never reach these routes: fast-rpc-intake.ts serves them before Fastify sees them;
// these serve them when the intake steps aside (debug request logging, CORS with an Origin, shutdown).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Code, ConnectError, type ContextValues } from '@connectrpc/connect';
import { compressionBrotli, compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from '@connectrpc/connect-node';
import type { UniversalHandler } from '@connectrpc/connect/protocol';
import { parseContentType as parseConnectContentType } from '@connectrpc/connect/protocol-connect';
import { connectUnaryServing, type ConnectUnaryServing } from './connect-unary-call.js';
import type { FastCall, FastMethodName, FastRpcDependencies } from './fast-call.js';
import { envelopedServing, type EnvelopedProtocol, type EnvelopedServing } from './stream-call.js';

export interface FastRpcRoutesOptions {
  serving: FastServing;
  /** connect-es's handlers of the fast methods, taken out of the router (fast-method-handlers.ts). */
  handlers: ReadonlyMap<FastMethodName, UniversalHandler>;
  contextValues: (request: FastifyRequest) => ContextValues;
  /** Whether the in-flight cap refused this request as it arrived (server/in-flight-limit.ts). */
  refused: (request: FastifyRequest) => boolean;
}

/** As connect-es's own adapters negotiate (the same list @connectrpc/connect-fastify defaults to). */
const COMPRESSIONS = [compressionGzip, compressionBrotli];
/** connect-es's default: smaller messages are sent uncompressed. */
const COMPRESS_MIN_BYTES = 1024;

/** The two ways the fast path answers, made once per gateway and shared by the routes and the intake. */
export interface FastServing {
  enveloped: EnvelopedServing;
  connectUnary: ConnectUnaryServing;
}

export function fastServing(dependencies: FastRpcDependencies): FastServing {
  return {
    enveloped: envelopedServing(dependencies, COMPRESSIONS, COMPRESS_MIN_BYTES),
    connectUnary: connectUnaryServing(dependencies, COMPRESSIONS, COMPRESS_MIN_BYTES),
  };
}

/** Serves a call the fast path takes, by its protocol. */
export function serveFast(serving: FastServing, call: FastCall, method: FastMethodName, protocol: NonNullable<FastProtocol>): Promise<void> {
  if (protocol.kind === 'connect-unary') return serving.connectUnary.serve(call);
  return serving.enveloped.serve(call, method, protocol.kind, protocol.binary);
}
const GRPC_CONTENT_TYPES = new Set(['application/grpc', 'application/grpc+proto']);
const GRPC_WEB_CONTENT_TYPES = new Set(['application/grpc-web', 'application/grpc-web+proto']);

export type FastProtocol = { kind: EnvelopedProtocol; binary: boolean } | { kind: 'connect-unary' } | undefined;

const identity = (encoding: string | string[] | undefined) => encoding === undefined || encoding === 'identity';

/** What fastProtocolOf looks at: the HTTP method, the headers and the HTTP version. */
export interface ArrivingRequest {
  method?: string | undefined;
  headers: IncomingHttpHeaders;
  httpVersionMajor: number;
}

/** Which fast protocol serves this call, from its method and headers only (the body is not read yet); undefined: connect-es. */
export function fastProtocolOf(request: ArrivingRequest, method: FastMethodName): FastProtocol {
  if (request.method !== 'POST') return undefined;
  const { headers } = request;
  const contentType = headers['content-type']?.toLowerCase() ?? '';
  if (GRPC_CONTENT_TYPES.has(contentType)) {
    return request.httpVersionMajor === 2 && identity(headers['grpc-encoding']) ? { kind: 'grpc', binary: true } : undefined;
  }
  if (GRPC_WEB_CONTENT_TYPES.has(contentType)) return identity(headers['grpc-encoding']) ? { kind: 'grpc-web', binary: true } : undefined;
  const connect = parseConnectContentType(contentType);
  if (!connect) return undefined;
  if (!connect.stream) return method === 'complete' ? { kind: 'connect-unary' } : undefined;
  return method === 'streamComplete' && identity(headers['connect-content-encoding']) ? { kind: 'connect-stream', binary: connect.binary } : undefined;
}

export async function fastRpcRoutes(instance: FastifyInstance, options: FastRpcRoutesOptions): Promise<void> {
  // The bodies are read by the handlers (and by connect-es), not by Fastify.
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  const serving = options.serving;
  for (const [method, handler] of options.handlers) {
    instance.all(handler.requestPath, (request, reply) => {
      const protocol = fastProtocolOf(request.raw, method);
      if (protocol === undefined) return serveThroughConnect(handler, request, reply, options.contextValues);
      return serveFast(serving, fastCallOf(request, reply, options.refused(request)), method, protocol);
    });
  }
}

function fastCallOf(request: FastifyRequest, reply: FastifyReply, refused: boolean): FastCall {
  return {
    id: request.id,
    ip: request.ip,
    headers: request.headers,
    traceSpan: request.traceSpan,
    raw: request.raw,
    response: reply.raw,
    replyHeaders: reply.getHeaders() as OutgoingHttpHeaders,
    refused,
  };
}

/** What @connectrpc/connect-fastify does for every call it routes. */
async function serveThroughConnect(
  handler: UniversalHandler,
  request: FastifyRequest,
  reply: FastifyReply,
  contextValues: (request: FastifyRequest) => ContextValues,
): Promise<void> {
  try {
    const answer = await handler(universalRequestFromNodeRequest(request.raw, reply.raw, undefined, contextValues(request)));
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
    await universalResponseToNodeResponse(answer, reply.raw);
  } catch (error) {
    if (ConnectError.from(error).code === Code.Aborted) return;
    request.log.error({ err: error, method: handler.method.name }, 'a Connect handler failed');
  }
}
