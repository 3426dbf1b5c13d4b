// gRPC length-prefixed messages ("envelopes": 1 flag byte, 4 bytes big-endian length, the message),
// as the gRPC over HTTP/2 specification frames them. A unary request body holds exactly one.
import { Code, ConnectError } from '@connectrpc/connect';

const HEADER_BYTES = 5;
const COMPRESSED_FLAG = 0b1;

/** The one message of a request body; an incomplete, compressed (no grpc-encoding was sent) or extra frame is refused. */
export function singleMessageOf(body: Buffer): Buffer {
  if (body.byteLength < HEADER_BYTES) {
    throw new ConnectError(body.byteLength === 0 ? 'protocol error: missing input message for unary method' : 'protocol error: incomplete envelope', Code.InvalidArgument);
  }
  const flags = body[0]!;
  const length = body.readUInt32BE(1);
  if (body.byteLength < HEADER_BYTES + length) throw new ConnectError('protocol error: promised more bytes than were sent', Code.InvalidArgument);
  if (body.byteLength > HEADER_BYTES + length) throw new ConnectError('protocol error: received extra input message for unary method', Code.InvalidArgument);
  if (flags & COMPRESSED_FLAG) throw new ConnectError('protocol error: received compressed input message without grpc-encoding', Code.InvalidArgument);
  return body.subarray(HEADER_BYTES);
}

/** One frame: the header and the message in one buffer (one write). */
export function envelope(message: Uint8Array, compressed: boolean): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + message.byteLength);
  frame[0] = compressed ? COMPRESSED_FLAG : 0;
  frame.writeUInt32BE(message.byteLength, 1);
  frame.set(message, HEADER_BYTES);
  return frame;
}
