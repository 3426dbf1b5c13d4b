// The fast path's hand-framed bytes against protobuf-es's own encoding and the gRPC framing rules,
// and its reading of an enveloped request body.
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { create, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { StreamCompleteResponseSchema } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { StreamChunkSchema } from '../../gen/llmgateway/v1/chat_pb.js';
import { envelope, singleMessageOf, streamCompleteResponseBytes } from '../../src/rpc/fast-path/envelope.js';
import { readRequestEnvelope } from '../../src/rpc/fast-path/request-envelope.js';

describe('streamCompleteResponseBytes', () => {
  // 127 and 128 bytes cross the varint's first byte; 16,384 its second.
  it.each([0, 1, 120, 127, 128, 300, 16_383, 16_384, 70_000])('equals toBinary of the wrapper for a text delta of %i characters', (size) => {
    const chunk = create(StreamChunkSchema, { event: { case: 'textDelta', value: { text: 'x'.repeat(size) } } });
    const expected = toBinary(StreamCompleteResponseSchema, create(StreamCompleteResponseSchema, { chunk }));
    expect(Buffer.from(streamCompleteResponseBytes(toBinary(StreamChunkSchema, chunk)))).toEqual(Buffer.from(expected));
  });
});

describe('gRPC envelopes', () => {
  it('frames a message and reads it back', () => {
    const framed = envelope(new Uint8Array([1, 2, 3]), false);
    expect([...framed]).toEqual([0, 0, 0, 0, 3, 1, 2, 3]);
    expect([...singleMessageOf(framed, 'unary')]).toEqual([1, 2, 3]);
  });

  it.each([
    ['an empty body', Buffer.alloc(0), 'missing input message', Code.Unimplemented],
    ['a cut header', Buffer.from([0, 0, 0]), 'incomplete envelope', Code.InvalidArgument],
    ['a message shorter than promised', Buffer.from([0, 0, 0, 0, 9, 1]), 'incomplete envelope', Code.InvalidArgument],
    ['a second message', Buffer.concat([envelope(new Uint8Array([1]), false), envelope(new Uint8Array([2]), false)]), 'extra input message', Code.Unimplemented],
    ['a compressed flag without grpc-encoding', envelope(new Uint8Array([1]), true), 'received compressed envelope', Code.Internal],
  ])('refuses %s (as connect-es does)', (_label, body, text, code) => {
    const error = (() => {
      try {
        singleMessageOf(body, 'unary');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(code);
    expect((error as ConnectError).rawMessage).toContain(text);
  });
});

describe('readRequestEnvelope: one whole envelope is handed over before the body ends', () => {
  /** A request body as Node's server hands it over: a readable stream of Buffers. */
  const body = (headers: Record<string, string> = {}) => Object.assign(new PassThrough(), { headers });
  const read = (stream: PassThrough, limit = 1024) => readRequestEnvelope(stream as unknown as IncomingMessage, limit, 'unary');
  const settled = async (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: unknown) => ConnectError.from(error));
  const message = envelope(new Uint8Array([1, 2, 3, 4]), false);

  it('resolves with the envelope while the body is still open, and `end` when it ends', async () => {
    const stream = body();
    const arrived = read(stream);
    stream.write(message);
    const { body: bytes, end } = await arrived;
    expect([...singleMessageOf(bytes, 'unary')]).toEqual([1, 2, 3, 4]);
    let ended = false;
    void end.then(() => (ended = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toBe(false);
    stream.end();
    await expect(end).resolves.toBeUndefined();
  });

  it('takes an envelope whose header and message come in pieces', async () => {
    const stream = body();
    const arrived = read(stream);
    for (const piece of [message.subarray(0, 2), message.subarray(2, 6), message.subarray(6)]) stream.write(piece);
    expect([...singleMessageOf((await arrived).body, 'unary')]).toEqual([1, 2, 3, 4]);
  });

  it('refuses more bytes after the envelope, through `end`, as an extra message', async () => {
    const stream = body();
    const arrived = read(stream);
    stream.write(message);
    const { end } = await arrived;
    stream.write(Buffer.from([0]));
    const error = (await settled(end)) as ConnectError;
    expect(error.code).toBe(Code.Unimplemented);
    expect(error.rawMessage).toContain('extra input message');
  });

  it('reads a body with more than one envelope in a piece to its end, for singleMessageOf to refuse', async () => {
    const stream = body();
    const arrived = read(stream);
    stream.write(Buffer.concat([message, message]));
    stream.end();
    const { body: bytes, end } = await arrived;
    expect(bytes.byteLength).toBe(2 * message.byteLength);
    await expect(end).resolves.toBeUndefined();
    expect(() => singleMessageOf(bytes, 'unary')).toThrow(/extra input message/);
  });

  it('hands over an empty or cut body at its end, as before', async () => {
    for (const bytes of [Buffer.alloc(0), message.subarray(0, 7)]) {
      const stream = body();
      const arrived = read(stream);
      stream.end(bytes);
      expect((await arrived).body).toEqual(bytes);
    }
  });

  it('takes a body already buffered whole (its Content-Length all there) at once: nothing more to wait for', async () => {
    const stream = body({ 'content-length': String(message.byteLength) });
    stream.write(message);
    const { body: bytes, end } = await read(stream);
    expect(bytes).toEqual(message);
    await expect(end).resolves.toBeUndefined();
  });

  it('refuses a body over the limit as resource exhausted, by its Content-Length or as it arrives', async () => {
    const declared = body({ 'content-length': '16' });
    expect(((await settled(read(declared, 8))) as ConnectError).code).toBe(Code.ResourceExhausted);
    const large = body();
    const refused = read(large, 8);
    large.write(envelope(new Uint8Array(16), false));
    expect(((await settled(refused)) as ConnectError).code).toBe(Code.ResourceExhausted);
  });

  it('refuses a client that leaves before its body ends: canceled, through `end` once the envelope was handed over', async () => {
    const early = body();
    const refused = read(early);
    early.write(message.subarray(0, 3));
    early.destroy();
    expect(((await settled(refused)) as ConnectError).code).toBe(Code.Canceled);
    const late = body();
    const arrived = read(late);
    late.write(message);
    const { end } = await arrived;
    late.destroy();
    expect(((await settled(end)) as ConnectError).code).toBe(Code.Canceled);
  });
});
