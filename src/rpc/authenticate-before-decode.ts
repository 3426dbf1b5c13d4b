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

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
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
    const body = request.body !== null && typeof request.body === 'object' && Symbol.asyncIterator in request.body ? once(emptyMessageBody(contentType)) : {};
    return handler({ ...request, header, body });
  };
  return Object.assign(wrapped, handler);
}
