// A CompletionService call over an enveloped protocol — gRPC (HTTP/2), gRPC-Web and Connect
// server-streaming (HTTP/1.1 or HTTP/2) — served without connect-es's per-call pipeline: the
// request's one message decoded as soon as its envelope has arrived (its body's end checked
// before the answer's end: request-envelope.ts), the answer's messages written one frame each
// as the core yields them, then the protocol's end: gRPC's trailers, gRPC-Web's trailer frame or
// Connect's end-of-stream frame. A stream's chunks before the first one with model output (its
// start, warnings) are held and leave, with the response headers, in the write of that first one —
// as the shims' SSE responses open with their first output event — so nothing is written to the
// client before the upstream call has been sent, and a short answer takes fewer writes. Headers,
// end frames and error statuses are the ones connect-es sends for the same call (its own helpers
// encode them; grpc-message as the gRPC spec escapes it: grpc-message.ts); test/rpc/fast-path.test.ts
// compares both.
import { create, toBinary } from '@bufbuild/protobuf';
import { ConnectError } from '@connectrpc/connect';
import { createMethodSerializationLookup, type Compression } from '@connectrpc/connect/protocol';
import { createEndStreamSerialization, endStreamFlag, parseTimeout as parseConnectTimeout } from '@connectrpc/connect/protocol-connect';
import { parseTimeout as parseGrpcTimeout, setTrailerStatus } from '@connectrpc/connect/protocol-grpc';
import { trailerFlag, trailerSerialize } from '@connectrpc/connect/protocol-grpc-web';
import { CompleteResponseSchema, StreamCompleteResponseSchema } from '../../../gen/llmgateway/v1/completion_service_pb.js';
import { StreamChunkSchema } from '../../../gen/llmgateway/v1/chat_pb.js';
import { carriesOutput } from '../../core/completion/output-chunks.js';
import { toConnectError } from '../connect-errors.js';
import { callSignal } from './call-signal.js';
import { decodeRequest, replyHeaders } from './call-parts.js';
import { nodeHeader } from '../../core/auth/authenticate-key.js';
import { singleMessageOf, streamCompleteResponseBytes } from './envelope.js';
import { EnvelopeWriter } from './envelope-writer.js';
import { textDeltaResponseBytes } from './text-delta-bytes.js';
import { messageBytes, ownFieldBytes } from './message-bytes.js';
import { completionCallOf, FAST_METHODS, recordRefusedCall, type FastCall, type FastMethodName, type FastRpcDependencies } from './fast-call.js';
import { endOrAbort, readRequestEnvelope, type RequestEnvelope } from './request-envelope.js';
import { negotiatedCompression } from './negotiated-compression.js';
import { grpcMessageValue } from './grpc-message.js';

export type EnvelopedProtocol = 'grpc' | 'grpc-web' | 'connect-stream';

interface ProtocolParts {
  contentType: (binary: boolean) => string;
  encodingHeader: string;
  acceptEncodingHeader: string;
  timeoutHeader: string;
  parseTimeout: (value: string | null, maxTimeoutMs: number) => { timeoutMs?: number; error?: ConnectError };
  /** Writes what ends the answer: its status. */
  finish: (writer: EnvelopeWriter, error: ConnectError | undefined) => Promise<void>;
}

const OK_TRAILER = { 'grpc-status': '0' };
const endStream = createEndStreamSerialization({});
/** connect-es's trailers for the status, with grpc-message encoded as the spec has it (grpc-message.ts). */
function grpcTrailer(error: ConnectError | undefined): Headers {
  const trailer = setTrailerStatus(new Headers(OK_TRAILER), error);
  if (error) trailer.set('grpc-message', grpcMessageValue(error.rawMessage));
  return trailer;
}

const PROTOCOLS: Record<EnvelopedProtocol, ProtocolParts> = {
  grpc: {
    contentType: () => 'application/grpc+proto',
    encodingHeader: 'grpc-encoding',
    acceptEncodingHeader: 'grpc-accept-encoding',
    timeoutHeader: 'grpc-timeout',
    parseTimeout: parseGrpcTimeout,
    finish: async (writer, error) => writer.end(error ? Object.fromEntries(grpcTrailer(error)) : OK_TRAILER),
  },
  'grpc-web': {
    contentType: () => 'application/grpc-web+proto',
    encodingHeader: 'grpc-encoding',
    acceptEncodingHeader: 'grpc-accept-encoding',
    timeoutHeader: 'grpc-timeout',
    parseTimeout: parseGrpcTimeout,
    finish: async (writer, error) => {
      if (writer.writable()) await writer.frame(trailerSerialize(grpcTrailer(error)), trailerFlag);
      writer.end();
    },
  },
  'connect-stream': {
    contentType: (binary) => (binary ? 'application/connect+proto' : 'application/connect+json'),
    encodingHeader: 'connect-content-encoding',
    acceptEncodingHeader: 'connect-accept-encoding',
    timeoutHeader: 'connect-timeout-ms',
    parseTimeout: parseConnectTimeout,
    finish: async (writer, error) => {
      if (writer.writable()) await writer.frame(endStream.serialize({ metadata: new Headers(), ...(error ? { error } : {}) }), endStreamFlag);
      writer.end();
    },
  },
};

export interface EnvelopedServing {
  serve(call: FastCall, method: FastMethodName, protocol: EnvelopedProtocol, binary: boolean): Promise<void>;
}

export function envelopedServing(dependencies: FastRpcDependencies, compressions: Compression[], compressMinBytes: number): EnvelopedServing {
  const limits = { readMaxBytes: dependencies.readMaxBytes, writeMaxBytes: 0xffffffff };
  const complete = createMethodSerializationLookup(FAST_METHODS.complete, undefined, undefined, limits);
  const stream = createMethodSerializationLookup(FAST_METHODS.streamComplete, undefined, undefined, limits);
  const negotiate = {
    grpc: negotiatedCompression(compressions, PROTOCOLS.grpc.acceptEncodingHeader),
    'grpc-web': negotiatedCompression(compressions, PROTOCOLS['grpc-web'].acceptEncodingHeader),
    'connect-stream': negotiatedCompression(compressions, PROTOCOLS['connect-stream'].acceptEncodingHeader),
  };

  return {
    async serve(call, method, protocolName, binary) {
      const protocol = PROTOCOLS[protocolName];
      const requestHeaders = call.headers;
      const compression = negotiate[protocolName](nodeHeader(requestHeaders, protocol.encodingHeader) ?? null, nodeHeader(requestHeaders, protocol.acceptEncodingHeader) ?? null);
      const timeout = protocol.parseTimeout(nodeHeader(requestHeaders, protocol.timeoutHeader) ?? null, Number.MAX_SAFE_INTEGER);
      const headers = replyHeaders(call.replyHeaders, protocol.contentType(binary));
      if (compression.response) headers[protocol.encodingHeader] = compression.response.name;
      const writer = new EnvelopeWriter(call.response, headers, compression.response, compressMinBytes);
      const signal = callSignal(call.response, timeout.error ? undefined : timeout.timeoutMs);
      let failure: ConnectError | undefined;
      /** The request's body; its end may come after the call has begun (request-envelope.ts). */
      let arrived: RequestEnvelope | undefined;
      /** Whether the request message was decoded: from then on the pipeline logs the call. */
      let decoded = false;
      try {
        if (compression.error) throw compression.error;
        if (timeout.error) throw timeout.error;
        const kind = method === 'complete' ? 'unary' : 'server-streaming';
        arrived = await readRequestEnvelope(call.raw, dependencies.readMaxBytes, kind);
        arrived.end.catch((error: unknown) => signal.abort(ConnectError.from(error)));
        const message = singleMessageOf(arrived.body, kind);
        if (method === 'complete') {
          const input = decodeRequest(complete.getI(binary), message);
          decoded = true;
          const { response } = await dependencies.completion.complete(await completionCallOf(call, input.chat, signal.signal, dependencies, false));
          const answer = create(CompleteResponseSchema, { response });
          await endOrAbort(arrived, signal.signal);
          await writer.frame(binary ? messageBytes(CompleteResponseSchema, answer) : complete.getO(false).serialize(answer));
        } else {
          const input = decodeRequest(stream.getI(binary), message);
          decoded = true;
          const chunks = dependencies.completion.stream(await completionCallOf(call, input.chat, signal.signal, dependencies, true)).chunks[Symbol.asyncIterator]();
          const output = stream.getO(binary);
          let done = false;
          let outputSeen = false;
          try {
            for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
              // Binary: the wrapper's bytes around the encoded chunk, without a wrapper message per chunk.
              const bytes = binary
                ? (textDeltaResponseBytes(next.value) ?? ownFieldBytes(1, StreamChunkSchema, next.value) ?? streamCompleteResponseBytes(toBinary(StreamChunkSchema, next.value)))
                : output.serialize(create(StreamCompleteResponseSchema, { chunk: next.value }));
              outputSeen ||= carriesOutput(next.value);
              await (outputSeen ? writer.frame(bytes) : writer.hold(bytes));
            }
            done = true;
            await endOrAbort(arrived, signal.signal);
          } finally {
            // A client gone or a write refused mid-stream: the core's stream is closed, as connect-es does.
            if (!done) await chunks.return?.().catch(() => undefined);
          }
        }
      } catch (error) {
        // A failed body is the answer, whatever the call met after it began: as when it was read whole first.
        const bodyFailure = arrived && (await endOrAbort(arrived, signal.signal).then(() => undefined, (bodyError: unknown) => bodyError));
        failure = toConnectError(bodyFailure ?? error, dependencies.reporter);
        if (!decoded) recordRefusedCall(call, dependencies, method === 'streamComplete', failure);
      } finally {
        signal.settle();
      }
      try {
        await protocol.finish(writer, failure);
      } catch (error) {
        // The client left while the end was being written: nobody to tell. Anything else is a fault.
        if (writer.writable()) throw error;
      }
    },
  };
}
