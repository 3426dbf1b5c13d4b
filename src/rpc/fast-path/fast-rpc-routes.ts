// The routes of CompletionService.Complete and StreamComplete. The calls typed clients make most —
// gRPC over HTTP/2 with identity-encoded requests, and Connect unary POSTs of Complete — are
// served by grpc-call.ts and connect-unary-call.ts, which skip connect-es's per-call pipeline
// (its layers of async iterables, header objects and abort controllers cost more CPU than the
// REST shim spends on the same call: docs/performance.md). Everything else on these paths —
// gRPC-Web, Connect streaming, GET, compressed gRPC requests, HTTP/1.1 gRPC — goes to the
// connect-es handler exactly as @connectrpc/connect-fastify would hand it over.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Code, ConnectError, type ContextValues } from '@connectrpc/connect';
import { compressionBrotli, compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from '@connectrpc/connect-node';
import type { UniversalHandler } from '@connectrpc/connect/protocol';
import { parseContentType as parseConnectContentType } from '@connectrpc/connect/protocol-connect';
import { connectUnaryServing } from './connect-unary-call.js';
import type { FastMethodName, FastRpcDependencies } from './fast-call.js';
import { grpcServing } from './grpc-call.js';

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

type FastProtocol = 'grpc' | 'connect-unary' | undefined;

export function fastProtocolOf(request: FastifyRequest, method: FastMethodName): FastProtocol {
  if (request.method !== 'POST') return undefined;
  const contentType = request.headers['content-type']?.toLowerCase() ?? '';
  if (GRPC_CONTENT_TYPES.has(contentType)) {
    const encoding = request.headers['grpc-encoding'];
    return request.raw.httpVersionMajor === 2 && (encoding === undefined || encoding === 'identity') ? 'grpc' : undefined;
  }
  if (method === 'complete' && parseConnectContentType(contentType)?.stream === false) return 'connect-unary';
  return undefined;
}

export async function fastRpcRoutes(instance: FastifyInstance, options: FastRpcRoutesOptions): Promise<void> {
  // The bodies are read by the handlers (and by connect-es), not by Fastify.
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  const grpc = grpcServing(options.dependencies, COMPRESSIONS, COMPRESS_MIN_BYTES);
  const connectUnary = connectUnaryServing(options.dependencies, COMPRESSIONS, COMPRESS_MIN_BYTES);
  for (const [method, handler] of options.handlers) {
    instance.all(handler.requestPath, (request, reply) => {
      const protocol = fastProtocolOf(request, method);
      if (protocol === 'grpc') return grpc.serve(request, reply, method);
      if (protocol === 'connect-unary') return connectUnary.serve(request, reply);
      return serveThroughConnect(handler, request, reply, options.contextValues);
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
