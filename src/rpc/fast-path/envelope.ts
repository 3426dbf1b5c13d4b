// gRPC length-prefixed messages ("envelopes": 1 flag byte, 4 bytes big-endian length, the message),
// as the gRPC over HTTP/2 specification frames them. A unary request body holds exactly one.
import { Code, ConnectError } from '@connectrpc/connect';
import { varintLength, writeVarint } from './varint.js';

const HEADER_BYTES = 5;
const COMPRESSED_FLAG = 0b1;

/** How connect-es names a method's kind in its errors about the request's one message. */
export type SingleInputMethod = 'unary' | 'server-streaming';

/** connect-es's words for a second message in a request that takes one. */
export function extraInputMessage(kind: SingleInputMethod): ConnectError {
  return new ConnectError(`protocol error: received extra input message for ${kind} method`, Code.Unimplemented);
}

/**
 * The one message of a request body (unary or server-streaming), refused with connect-es's codes and
 * words: a missing or extra message is unimplemented, a cut frame invalid_argument, and a compressed frame
 * without a grpc-encoding internal (as connect-es, grpc-go and connect-go answer it).
 */
export function singleMessageOf(body: Buffer, kind: SingleInputMethod): Buffer {
  if (body.byteLength === 0) throw new ConnectError(`protocol error: missing input message for ${kind} method`, Code.Unimplemented);
  const length = body.byteLength < HEADER_BYTES ? Number.POSITIVE_INFINITY : body.readUInt32BE(1);
  if (body.byteLength < HEADER_BYTES + length) throw new ConnectError('protocol error: incomplete envelope', Code.InvalidArgument);
  const flags = body[0]!;
  if (body.byteLength > HEADER_BYTES + length) throw extraInputMessage(kind);
  if (flags & COMPRESSED_FLAG) throw new ConnectError('received compressed envelope, but do not know how to decompress', Code.Internal);
  if (flags !== 0) throw new ConnectError(`protocol error: unexpected envelope flags ${flags}`, Code.InvalidArgument);
  return body.subarray(HEADER_BYTES);
}

/** One frame: the header and the message in one buffer (one write); `flags` adds a protocol's end-frame bit. */
export function envelope(message: Uint8Array, compressed: boolean, flags = 0): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + message.byteLength);
  frame[0] = flags | (compressed ? COMPRESSED_FLAG : 0);
  frame.writeUInt32BE(message.byteLength, 1);
  frame.set(message, HEADER_BYTES);
  return frame;
}

/**
 * A StreamCompleteResponse around an encoded StreamChunk: its only field (`chunk = 1`, a message:
 * wire type 2) is the tag byte, the length as a varint, then the chunk — the bytes toBinary writes
 * for the wrapper, without building a wrapper message per chunk.
 */
export function streamCompleteResponseBytes(chunk: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(1 + varintLength(chunk.byteLength) + chunk.byteLength);
  bytes[0] = CHUNK_FIELD_TAG;
  bytes.set(chunk, writeVarint(bytes, 1, chunk.byteLength));
  return bytes;
}

/** Field 1, wire type 2 (length-delimited): (1 << 3) | 2. */
const CHUNK_FIELD_TAG = 0x0a;
