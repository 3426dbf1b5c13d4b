// An admin call without the admin token is answered `unauthenticated` whatever its body. connect-es decodes
// the request message before any interceptor runs, so a body it could not decode (an unknown field, a wrong
// type, bytes that are not protobuf) drew a decode error first: a 400 telling a caller who never showed a
// token about the request's shape. Such a call's body is swapped for an empty message in its own encoding,
// and the service's authentication interceptor then refuses it as it refuses any call without the token.
import type { UniversalHandler, UniversalHandlerFn } from '@connectrpc/connect/protocol';

/** A message frame (gRPC, gRPC-Web, Connect streaming): flags 0, then the payload's length, big-endian. */
function enveloped(payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(5 + payload.byteLength);
  new DataView(frame.buffer).setUint32(1, payload.byteLength);
  frame.set(payload, 5);
  return frame;
}

const EMPTY_JSON = new TextEncoder().encode('{}');

/** An empty request message in the encoding `contentType` names. */
function emptyMessageBody(contentType: string): Uint8Array {
  const json = contentType.includes('json');
  const payload = json ? EMPTY_JSON : new Uint8Array(0);
  // Connect unary: the bare message; every streaming protocol and gRPC: one frame.
  if (contentType.startsWith('application/json') || contentType.startsWith('application/proto')) return payload;
  const frame = enveloped(payload);
  return contentType.includes('grpc-web-text') ? new TextEncoder().encode(Buffer.from(frame).toString('base64')) : frame;
}

/**
 * The empty message, once the client's own body has ended (read and dropped). Answered before the client
 * finished sending, an HTTP/2 stream is reset right after its answer (RST_STREAM NO_ERROR, which RFC 9113
 * §8.1 allows), and some clients (curl) then drop the answer they had not read yet: no 401 at all. Reading
 * is bounded in time by GATEWAY_REQUEST_TIMEOUT_MS on both protocols, and nothing read is kept.
 */
async function* afterClientBody(original: AsyncIterable<Uint8Array>, bytes: Uint8Array): AsyncIterable<Uint8Array> {
  try {
    for await (const _chunk of original) void _chunk;
  } catch {
    // A client that left: nobody reads the answer either.
  }
  yield bytes;
}

export function authenticateBeforeDecode(handler: UniversalHandler, admitted: (authorization: string | null) => boolean): UniversalHandler {
  const wrapped: UniversalHandlerFn = (request) => {
    if (admitted(request.header.get('authorization'))) return handler(request);
    const contentType = (request.header.get('content-type') ?? '').toLowerCase();
    const header = new Headers(request.header);
    // The swapped body is neither compressed nor the length the client said of its own.
    header.delete('content-encoding');
    header.delete('content-length');
    const body = request.body !== null && typeof request.body === 'object' && Symbol.asyncIterator in request.body ? afterClientBody(request.body, emptyMessageBody(contentType)) : {};
    return handler({ ...request, header, body });
  };
  return Object.assign(wrapped, handler);
}
