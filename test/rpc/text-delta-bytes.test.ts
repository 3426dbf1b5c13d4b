// The fast path's own encoding of a text-delta StreamCompleteResponse against protobuf-es's toBinary:
// the same bytes for every length boundary of the varints, non-ASCII text, a signature and a choice
// index; anything it does not write itself is left to toBinary (undefined).
import { describe, expect, it } from 'vitest';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { StreamCompleteResponseSchema } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { StreamChunkSchema, type StreamChunk } from '../../gen/llmgateway/v1/chat_pb.js';
import { textDeltaResponseBytes } from '../../src/rpc/fast-path/text-delta-bytes.js';

const expected = (chunk: StreamChunk) => Buffer.from(toBinary(StreamCompleteResponseSchema, create(StreamCompleteResponseSchema, { chunk })));
const textDelta = (text: string, signature = '', choiceIndex = 0) =>
  create(StreamChunkSchema, { choiceIndex, event: { case: 'textDelta', value: { text, signature } } });

describe('textDeltaResponseBytes', () => {
  // 127/128 bytes cross a varint's first byte, 16,383/16,384 its second; the chunk's and the wrapper's
  // lengths cross them a few bytes later than the text's.
  it.each([0, 1, 120, 122, 123, 124, 125, 127, 128, 300, 16_370, 16_375, 16_379, 16_383, 16_384, 70_000, 2_100_000])(
    'writes the bytes toBinary writes for a text of %i characters',
    (size) => {
      const chunk = textDelta('x'.repeat(size));
      expect(textDeltaResponseBytes(chunk)).toEqual(expected(chunk));
    },
  );

  it.each([
    ['accents', 'Grüße, café'],
    ['CJK', '你好，世界'],
    ['emoji (surrogate pairs)', '👋🏽 hello 🌍'],
    ['a lone surrogate (written as U+FFFD, as toBinary does)', 'bad \ud800 half'],
  ])('counts UTF-8 bytes, not characters: %s', (_name, text) => {
    const chunk = textDelta(text.repeat(20));
    expect(textDeltaResponseBytes(chunk)).toEqual(expected(chunk));
  });

  it.each([
    ['a signature', textDelta('thinking done', 'c2lnbmF0dXJl')],
    ['a signature and no text', textDelta('', 'c2lnbmF0dXJl')],
    ['choice 1', textDelta('second candidate', '', 1)],
    ['choice 127', textDelta('x', '', 127)],
    ['choice 128', textDelta('x', '', 128)],
    ['choice 300 with a signature', textDelta('x', 'sig', 300)],
    ['the largest int32 choice', textDelta('x', '', 2_147_483_647)],
  ])('writes %s as toBinary does, and it decodes back', (_name, chunk) => {
    const bytes = textDeltaResponseBytes(chunk)!;
    expect(bytes).toEqual(expected(chunk));
    expect(fromBinary(StreamCompleteResponseSchema, bytes).chunk).toEqual(chunk);
  });

  it('leaves every other chunk to toBinary', () => {
    expect(textDeltaResponseBytes(create(StreamChunkSchema, { event: { case: 'reasoningDelta', value: { text: 'hmm' } } }))).toBeUndefined();
    expect(textDeltaResponseBytes(create(StreamChunkSchema, { event: { case: 'usage', value: { inputTokens: 3 } } }))).toBeUndefined();
    expect(textDeltaResponseBytes(create(StreamChunkSchema, {}))).toBeUndefined();
    expect(textDeltaResponseBytes(textDelta('x', '', -1))).toBeUndefined();
    // A refusal's delta (rare) carries a flag the fast encoding does not write.
    expect(textDeltaResponseBytes(create(StreamChunkSchema, { event: { case: 'textDelta', value: { text: 'no', refusal: true } } }))).toBeUndefined();
    // Nor are the log probabilities of its tokens (asked for with ChatRequest.logprobs).
    const withLogprobs = create(StreamChunkSchema, { event: { case: 'textDelta', value: { text: 'Hi', logprobs: [{ token: 'Hi', logprob: -0.5 }] } } });
    expect(textDeltaResponseBytes(withLogprobs)).toBeUndefined();
  });

  it('leaves a chunk with unknown fields to toBinary, which keeps them', () => {
    const withUnknown = fromBinary(StreamChunkSchema, Buffer.concat([toBinary(StreamChunkSchema, textDelta('hi')), Buffer.from([0xf8, 0x06, 0x01])]));
    expect(withUnknown.$unknown).toBeDefined();
    expect(textDeltaResponseBytes(withUnknown)).toBeUndefined();
    const innerUnknown = textDelta('hi');
    (innerUnknown.event.value as { $unknown?: unknown }).$unknown = [{ no: 99, wireType: 0, data: new Uint8Array([1]) }];
    expect(textDeltaResponseBytes(innerUnknown)).toBeUndefined();
  });
});
