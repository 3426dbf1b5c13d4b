// The routes of CompletionService.Complete and StreamComplete. The calls typed clients make —
// gRPC over HTTP/2, binary gRPC-Web, Connect server-streaming and Connect unary POSTs, with
// identity-encoded request frames — are served by stream-call.ts and connect-unary-call.ts, which
// skip connect-es's per-call pipeline (its layers of async iterables, header objects and abort
// controllers cost more CPU than the REST shim spends on the same call: docs/performance.md).
// Everything else on these paths — JSON gRPC and gRPC-Web, Connect GET, compressed request frames,
// gRPC over HTTP/1.1 — goes to the connect-es handler as @connectrpc/connect-fastify hands it over.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Code, ConnectError, type ContextValues } from '@connectrpc/connect';
import { compressionBrotli, compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from '@connectrpc/connect-node';
import type { UniversalHandler } from '@connectrpc/connect/protocol';
import { parseContentType as parseConnectContentType } from '@connectrpc/connect/protocol-connect';
import { connectUnaryServing } from './connect-unary-call.js';
import type { FastMethodName, FastRpcDependencies } from './fast-call.js';
import { envelopedServing, type EnvelopedProtocol } from './stream-call.js';

export interface FastRpcRoutesOptions {
  dependencies: FastRpcDependencies;
  /** connect-es's handlers of the fast methods, taken out of the router (fast-method-handlers.ts). */
  handlers: ReadonlyMap<FastMethodName, UniversalHandler>;
  contextValues: (request: FastifyRequest) => ContextValues;
}

/** As connect-es's own adapters negotiate (the same list @connectrpc/connect-fastify defaults to). */
const COMPRESSIONS = [compressionGzip, compressionBrotli];
/** connect-es's default: smaller messages are sent uncompressed. */
const COMPRESS_MIN_BYTES = 1024;
const GRPC_CONTENT_TYPES = new Set(['application/grpc', 'application/grpc+proto']);
const GRPC_WEB_CONTENT_TYPES = new Set(['application/grpc-web', 'application/grpc-web+proto']);

export type FastProtocol = { kind: EnvelopedProtocol; binary: boolean } | { kind: 'connect-unary' } | undefined;

const identity = (encoding: string | string[] | undefined) => encoding === undefined || encoding === 'identity';

/** Which fast protocol serves this call, from its method and headers only (the body is not read yet); undefined: connect-es. */
export function fastProtocolOf(request: FastifyRequest, method: FastMethodName): FastProtocol {
  if (request.method !== 'POST') return undefined;
  const { headers } = request;
  const contentType = headers['content-type']?.toLowerCase() ?? '';
  if (GRPC_CONTENT_TYPES.has(contentType)) {
    return request.raw.httpVersionMajor === 2 && identity(headers['grpc-encoding']) ? { kind: 'grpc', binary: true } : undefined;
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
  const enveloped = envelopedServing(options.dependencies, COMPRESSIONS, COMPRESS_MIN_BYTES);
  const connectUnary = connectUnaryServing(options.dependencies, COMPRESSIONS, COMPRESS_MIN_BYTES);
  for (const [method, handler] of options.handlers) {
    instance.all(handler.requestPath, (request, reply) => {
      const protocol = fastProtocolOf(request, method);
      if (protocol === undefined) return serveThroughConnect(handler, request, reply, options.contextValues);
      if (protocol.kind === 'connect-unary') return connectUnary.serve(request, reply);
      return enveloped.serve(request, reply, method, protocol.kind, protocol.binary);
    });
  }
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
