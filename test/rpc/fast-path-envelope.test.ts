// The fast path's hand-framed bytes against protobuf-es's own encoding and the gRPC framing rules.
import { describe, expect, it } from 'vitest';
import { create, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { StreamCompleteResponseSchema } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { StreamChunkSchema } from '../../gen/llmgateway/v1/chat_pb.js';
import { envelope, singleMessageOf, streamCompleteResponseBytes } from '../../src/rpc/fast-path/envelope.js';

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
    expect([...singleMessageOf(framed)]).toEqual([1, 2, 3]);
  });

  it.each([
    ['an empty body', Buffer.alloc(0), 'missing input message', Code.Unimplemented],
    ['a cut header', Buffer.from([0, 0, 0]), 'incomplete envelope', Code.InvalidArgument],
    ['a message shorter than promised', Buffer.from([0, 0, 0, 0, 9, 1]), 'incomplete envelope', Code.InvalidArgument],
    ['a second message', Buffer.concat([envelope(new Uint8Array([1]), false), envelope(new Uint8Array([2]), false)]), 'extra input message', Code.Unimplemented],
    ['a compressed flag without grpc-encoding', envelope(new Uint8Array([1]), true), 'compressed input message', Code.InvalidArgument],
  ])('refuses %s (as connect-es does)', (_label, body, text, code) => {
    const error = (() => {
      try {
        singleMessageOf(body);
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
