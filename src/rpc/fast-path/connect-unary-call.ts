// CompletionService.Complete over the Connect protocol's unary POST (binary or JSON, HTTP/1.1 or
// HTTP/2), served without connect-es's per-call pipeline: the body read whole (decompressed when
// the client compressed it), decoded, answered in one write with its content-length; an error is
// the Connect JSON error body with its HTTP status and its metadata as headers — encoded by
// connect-es's own helpers, as it answers the calls it serves.
import type { ServerResponse } from 'node:http';
import { create } from '@bufbuild/protobuf';
import { createMethodSerializationLookup, mergeNonProtocolHeaders, type Compression } from '@connectrpc/connect/protocol';
import { codeToHttpStatus, errorToJsonBytes, parseContentType, parseTimeout } from '@connectrpc/connect/protocol-connect';
import { CompleteResponseSchema } from '../../../gen/llmgateway/v1/completion_service_pb.js';
import { toConnectError } from '../connect-errors.js';
import { callSignal } from './call-signal.js';
import { decodeRequest, replyHeaders } from './call-parts.js';
import { nodeHeader } from '../../core/auth/authenticate-key.js';
import { completionCallOf, FAST_METHODS, recordRefusedCall, type FastCall, type FastRpcDependencies } from './fast-call.js';
import { readRequestBody } from './request-body.js';
import { messageBytes } from './message-bytes.js';
import { negotiatedCompression } from './negotiated-compression.js';

const CONTENT_TYPE_PROTO = 'application/proto';
const CONTENT_TYPE_JSON = 'application/json';

export interface ConnectUnaryServing {
  serve(call: FastCall): Promise<void>;
}

export function connectUnaryServing(dependencies: FastRpcDependencies, compressions: Compression[], compressMinBytes: number): ConnectUnaryServing {
  const limits = { readMaxBytes: dependencies.readMaxBytes, writeMaxBytes: 0xffffffff };
  const serialization = createMethodSerializationLookup(FAST_METHODS.complete, undefined, undefined, limits);
  const negotiate = negotiatedCompression(compressions, 'accept-encoding');

  return {
    async serve(call) {
      const response = call.response as ServerResponse;
      const requestHeaders = call.headers;
      // Only unary POSTs with a Connect unary content type are sent here.
      const binary = parseContentType(nodeHeader(requestHeaders, 'content-type') ?? null)?.binary ?? true;
      const compression = negotiate(nodeHeader(requestHeaders, 'content-encoding') ?? null, nodeHeader(requestHeaders, 'accept-encoding') ?? null);
      const timeout = parseTimeout(nodeHeader(requestHeaders, 'connect-timeout-ms') ?? null, Number.MAX_SAFE_INTEGER);
      const headers = replyHeaders(call.replyHeaders, binary ? CONTENT_TYPE_PROTO : CONTENT_TYPE_JSON);
      const signal = callSignal(response, timeout.error ? undefined : timeout.timeoutMs);
      let status = 200;
      let body: Uint8Array;
      /** Whether the request message was decoded: from then on the pipeline logs the call. */
      let decoded = false;
      try {
        if (compression.error) throw compression.error;
        if (timeout.error) throw timeout.error;
        let bytes: Uint8Array = await readRequestBody(call.raw, dependencies.readMaxBytes);
        if (compression.request) bytes = await compression.request.decompress(bytes, dependencies.readMaxBytes);
        const input = decodeRequest(serialization.getI(binary), bytes);
        decoded = true;
        const { response: answer } = await dependencies.completion.complete(await completionCallOf(call, input.chat, signal.signal, dependencies, false));
        const message = create(CompleteResponseSchema, { response: answer });
        body = binary ? messageBytes(CompleteResponseSchema, message) : serialization.getO(false).serialize(message);
      } catch (caught) {
        const error = toConnectError(caught, dependencies.reporter);
        if (!decoded) recordRefusedCall(call, dependencies, false, error);
        status = codeToHttpStatus(error.code);
        headers['content-type'] = CONTENT_TYPE_JSON;
        if (!error.isWireError && hasEntries(error.metadata)) {
          const metadata = new Headers();
          mergeNonProtocolHeaders(metadata, error.metadata);
          for (const [name, value] of metadata) headers[name] = value;
        }
        body = errorToJsonBytes(error, {});
      } finally {
        signal.settle();
      }
      if (compression.response && body.byteLength >= compressMinBytes) {
        body = await compression.response.compress(body);
        headers['content-encoding'] = compression.response.name;
      }
      if (response.destroyed || response.writableEnded) return;
      headers['content-length'] = String(body.byteLength);
      response.writeHead(status, headers);
      response.end(body);
    },
  };
}

function hasEntries(headers: Headers): boolean {
  for (const _entry of headers) return true;
  return false;
}
