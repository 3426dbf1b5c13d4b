// A CompletionService call over gRPC (HTTP/2, binary protobuf), served without connect-es's
// per-call pipeline: the request body read whole, one decoded message, the answer's messages
// written as frames as the core yields them (waiting for 'drain' when the client reads slowly),
// the status in the trailers. Headers, trailers and error statuses are the ones connect-es sends
// for the same call (its own helpers encode them); test/rpc/fast-path.test.ts compares both.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Http2ServerResponse } from 'node:http2';
import { create, toBinary } from '@bufbuild/protobuf';
import { compressionNegotiate, createMethodSerializationLookup, type Compression } from '@connectrpc/connect/protocol';
import { parseTimeout, setTrailerStatus } from '@connectrpc/connect/protocol-grpc';
import { CompleteResponseSchema } from '../../../gen/llmgateway/v1/completion_service_pb.js';
import { StreamChunkSchema } from '../../../gen/llmgateway/v1/chat_pb.js';
import { toConnectError } from '../connect-errors.js';
import { callSignal } from './call-signal.js';
import { singleMessageOf, streamCompleteResponseBytes } from './envelope.js';
import { completionCallOf, FAST_METHODS, type FastMethodName, type FastRpcDependencies } from './fast-call.js';
import { GrpcResponseWriter } from './grpc-response-writer.js';
import { decodeRequest, headerValue, replyHeaders } from './call-parts.js';
import { readRequestBody } from './request-body.js';

export interface GrpcServing {
  serve(request: FastifyRequest, reply: FastifyReply, method: FastMethodName): Promise<void>;
}

export function grpcServing(dependencies: FastRpcDependencies, compressions: Compression[], compressMinBytes: number): GrpcServing {
  const limits = { readMaxBytes: dependencies.readMaxBytes, writeMaxBytes: 0xffffffff };
  const serializations = {
    complete: createMethodSerializationLookup(FAST_METHODS.complete, undefined, undefined, limits),
    streamComplete: createMethodSerializationLookup(FAST_METHODS.streamComplete, undefined, undefined, limits),
  };
  const completeInput = serializations.complete.getI(true);
  const streamInput = serializations.streamComplete.getI(true);
  const completeOutput = serializations.complete.getO(true);

  return {
    async serve(request, reply, method) {
      const response = reply.raw as unknown as Http2ServerResponse;
      const header = headerValue(request);
      const compression = compressionNegotiate(compressions, header('grpc-encoding') ?? null, header('grpc-accept-encoding') ?? null, 'grpc-accept-encoding');
      const timeout = parseTimeout(header('grpc-timeout') ?? null, Number.MAX_SAFE_INTEGER);
      const headers = replyHeaders(reply, 'application/grpc+proto');
      if (compression.response) headers['grpc-encoding'] = compression.response.name;
      const writer = new GrpcResponseWriter(response, headers, compression.response, compressMinBytes);
      const call = callSignal(response, timeout.error ? undefined : timeout.timeoutMs);
      let trailer: Headers | undefined;
      try {
        if (compression.error) throw compression.error;
        if (timeout.error) throw timeout.error;
        const message = singleMessageOf(await readRequestBody(request.raw, dependencies.readMaxBytes));
        const input = method === 'complete' ? decodeRequest(completeInput, message) : decodeRequest(streamInput, message);
        const completionCall = await completionCallOf(request, input.chat, call.signal, dependencies);
        if (method === 'complete') {
          const { response: answer } = await dependencies.completion.complete(completionCall);
          await writer.message(completeOutput.serialize(create(CompleteResponseSchema, { response: answer })));
        } else {
          const chunks = dependencies.completion.stream(completionCall).chunks[Symbol.asyncIterator]();
          let done = false;
          try {
            for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
              await writer.message(streamCompleteResponseBytes(toBinary(StreamChunkSchema, next.value)));
            }
            done = true;
          } finally {
            // A client gone or a write refused mid-stream: the core's stream is closed, as connect-es does.
            if (!done) await chunks.return?.().catch(() => undefined);
          }
        }
      } catch (error) {
        trailer = setTrailerStatus(new Headers(), toConnectError(error, dependencies.reporter));
      } finally {
        call.settle();
      }
      writer.end(trailer ? Object.fromEntries(trailer) : OK_TRAILER);
    },
  };
}

const OK_TRAILER = { 'grpc-status': '0' };

