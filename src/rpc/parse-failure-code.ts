// A request body that is not valid protobuf is the client's fault: invalid_argument (HTTP 400, gRPC 3). connect-es
// decodes binary request messages before any interceptor runs and reports a failure as `internal` ("parse binary:
// …": the same code it uses when a client cannot parse a server's answer), so a fuzzing client could draw 5xx
// answers at will. Its JSON decoding already answers invalid_argument. This wrapper re-labels exactly that one
// failure on each protocol's error carrier: the Connect unary error body, the Connect end-of-stream frame, the
// gRPC trailers and the gRPC-Web trailer frame. Everything else passes through unchanged.
import type { UniversalHandler, UniversalHandlerFn, UniversalServerResponse } from '@connectrpc/connect/protocol';

const SIGNATURE = 'parse binary: ';
const INTERNAL_GRPC = '13';
const INVALID_ARGUMENT_GRPC = '3';
const END_STREAM_FLAG = 0b10;
const TRAILER_FLAG = 0x80;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function invalidArgumentOnParseFailure(handler: UniversalHandler): UniversalHandler {
  const wrapped: UniversalHandlerFn = async (request) => {
    const response = await handler(request);
    const contentType = (request.header.get('content-type') ?? '').toLowerCase();
    // JSON bodies are decoded as invalid_argument already; only binary ones need a look.
    if (contentType.includes('json')) return response;
    if (contentType.startsWith('application/proto')) return response.status === 500 ? relabelUnaryError(response) : response;
    return /^application\/(grpc|connect\+proto)/.test(contentType) ? relabelStream(response) : response;
  };
  return Object.assign(wrapped, handler);
}

/** Connect unary: status 500 with a JSON error body. */
async function relabelUnaryError(response: UniversalServerResponse): Promise<UniversalServerResponse> {
  const parts: Uint8Array[] = [];
  for await (const part of response.body ?? []) parts.push(part);
  const body = Buffer.concat(parts);
  const relabelled = relabelJsonError(body, (error) => error);
  if (!relabelled) return { ...response, body: once(body) };
  // The relabelled body is longer than the one connect-es measured: its content-length must follow.
  response.header?.set('content-length', String(relabelled.byteLength));
  return { ...response, status: 400, body: once(relabelled) };
}

/**
 * Streams and gRPC: the error travels in the last frame or in the trailers, written after the body.
 * A request that could not be parsed never reached the implementation, so its response carries no
 * message: once the first frame is a message, the rest of the body passes through untouched (no
 * per-frame look, no extra async step per frame of every successful stream).
 */
function relabelStream(response: UniversalServerResponse): UniversalServerResponse {
  const body = response.body;
  if (!body) return response;
  return { ...response, body: { [Symbol.asyncIterator]: () => relabelledFrames(body[Symbol.asyncIterator](), response.trailer) } };
}

function relabelledFrames(frames: AsyncIterator<Uint8Array>, trailer: Headers | undefined): AsyncIterator<Uint8Array> {
  // Until the first frame is seen: undecided; then either passing through or relabelling every frame.
  let mode: 'first' | 'pass' | 'relabel' = 'first';
  return {
    async next() {
      const result = await frames.next();
      if (mode === 'pass') return result;
      if (result.done) {
        if (trailer?.get('grpc-status') === INTERNAL_GRPC && isParseFailure(decodeURIComponent(trailer.get('grpc-message') ?? ''))) {
          trailer.set('grpc-status', INVALID_ARGUMENT_GRPC);
        }
        return result;
      }
      if (mode === 'first') mode = isMessageFrame(result.value) ? 'pass' : 'relabel';
      return mode === 'pass' ? result : { done: false, value: relabelFrame(result.value) };
    },
    return: (value?: unknown) => frames.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
    throw: (error?: unknown) => frames.throw?.(error) ?? Promise.reject(error),
  };
}

/** A data frame (flags 0: an uncompressed message; 1: a compressed one), not an end-of-stream or trailer frame. */
function isMessageFrame(chunk: Uint8Array): boolean {
  return chunk.byteLength >= 5 && (chunk[0]! === 0 || chunk[0]! === 1);
}

/** One enveloped frame: a Connect end-of-stream message or a gRPC-Web trailer frame. */
function relabelFrame(chunk: Uint8Array): Uint8Array {
  if (chunk.byteLength < 5 || new DataView(chunk.buffer, chunk.byteOffset + 1, 4).getUint32(0) !== chunk.byteLength - 5) return chunk;
  const flags = chunk[0]!;
  const payload = chunk.subarray(5);
  let relabelled: Uint8Array | undefined;
  if (flags === TRAILER_FLAG) {
    const text = decoder.decode(payload);
    const message = /^grpc-message: (.*)$/im.exec(text)?.[1]?.trim() ?? '';
    if (/^grpc-status: 13\s*$/im.test(text) && isParseFailure(decodeURIComponent(message))) {
      relabelled = encoder.encode(text.replace(/^grpc-status: 13(\s*)$/im, `grpc-status: ${INVALID_ARGUMENT_GRPC}$1`));
    }
  } else if (flags & END_STREAM_FLAG) {
    relabelled = relabelJsonError(payload, (end) => (end as { error?: unknown }).error);
  }
  if (!relabelled) return chunk;
  const frame = new Uint8Array(5 + relabelled.byteLength);
  frame[0] = flags;
  new DataView(frame.buffer).setUint32(1, relabelled.byteLength);
  frame.set(relabelled, 5);
  return frame;
}

/** The JSON document with its Connect error's code set to invalid_argument, or undefined when it is not a parse failure. */
function relabelJsonError(bytes: Uint8Array, errorOf: (document: object) => unknown): Uint8Array | undefined {
  let document: unknown;
  try {
    document = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof document !== 'object' || document === null) return undefined;
  const error = errorOf(document) as { code?: unknown; message?: unknown } | undefined;
  if (error?.code !== 'internal' || typeof error.message !== 'string' || !isParseFailure(error.message)) return undefined;
  error.code = 'invalid_argument';
  return encoder.encode(JSON.stringify(document));
}

const isParseFailure = (message: string) => message.startsWith(SIGNATURE);

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}
