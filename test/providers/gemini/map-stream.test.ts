import { describe, expect, it } from 'vitest';
import { FinishReason, type StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { StreamMapper } from '../../../src/providers/gemini/map-stream.js';
import { createToolCallIds } from '../../../src/providers/shared/tool-call-ids.js';
import { STREAM_WITH_CALLS } from './recorded.js';

const view = (chunks: StreamChunk[]) => chunks.map((chunk) => [chunk.choiceIndex, chunk.event.case, chunk.event.value]);

describe('StreamMapper', () => {
  it('maps each event at once: thoughts, whole calls with stable indexes, STOP in a later event → tool_calls', () => {
    const mapper = new StreamMapper(createToolCallIds('f00d'));
    const perEvent = STREAM_WITH_CALLS.map((event) => mapper.map(event));
    // The first event's prompt count is the input side, told before any output (once).
    expect(view(perEvent[0]!)).toEqual([
      [0, 'inputUsage', expect.objectContaining({ inputTokens: 55, cachedInputTokens: 0, cacheWriteTokens: 0 })],
      [0, 'reasoningDelta', expect.objectContaining({ text: 'Checking both cities.', signature: '', providerType: 'gemini' })],
    ]);
    expect(view(perEvent[1]!)).toEqual([
      [0, 'toolCallStart', expect.objectContaining({ index: 0, id: 'call_0_f00d', name: 'get_weather', signature: 'sig-first' })],
      [0, 'toolCallDelta', expect.objectContaining({ index: 0, argumentsDelta: '{"city":"Paris"}' })],
    ]);
    expect(view(perEvent[2]!)).toEqual([
      [0, 'toolCallStart', expect.objectContaining({ index: 1, id: 'fc-2', name: 'get_weather', signature: '' })],
      [0, 'toolCallDelta', expect.objectContaining({ index: 1, argumentsDelta: '{"city":"Rome"}' })],
    ]);
    // The empty text part of the last event yields nothing; the finish knows a call was seen.
    expect(view(perEvent[3]!)).toEqual([[0, 'finish', expect.objectContaining({ reason: FinishReason.TOOL_CALLS, rawReason: 'STOP' })]]);
    // usageMetadata is cumulative: the LAST one, once, never a sum.
    expect(view(mapper.end().chunks)).toEqual([
      [0, 'usage', expect.objectContaining({ inputTokens: 55, outputTokens: 39, reasoningTokens: 15, totalTokens: 94 })],
    ]);
  });

  it('carries a text signature on its delta', () => {
    const mapper = new StreamMapper();
    const chunks = mapper.map({ candidates: [{ content: { parts: [{ text: '6', thoughtSignature: 'sig-new' }] }, finishReason: 'STOP', index: 0 }] });
    expect(view(chunks)).toEqual([
      [0, 'textDelta', expect.objectContaining({ text: '6', signature: 'sig-new' })],
      [0, 'finish', expect.objectContaining({ reason: FinishReason.STOP })],
    ]);
    expect(mapper.end()).toEqual({ complete: true, chunks: [] }); // no usage reported → none emitted
  });

  it('a stream that ends without a finish reason is not complete (the adapter then fails the call: adapter-calls.test.ts)', () => {
    const mapper = new StreamMapper();
    mapper.map({ candidates: [{ content: { parts: [{ text: 'partial' }] }, index: 0 }] });
    expect(mapper.end().complete).toBe(false);
    expect(new StreamMapper().end().complete).toBe(false);
  });

  it('a blocked prompt finishes choice 0 with content_filter', () => {
    const mapper = new StreamMapper();
    const chunks = mapper.map({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 } });
    expect(view(chunks)).toEqual([
      [0, 'inputUsage', expect.objectContaining({ inputTokens: 4 })],
      [0, 'finish', expect.objectContaining({ reason: FinishReason.CONTENT_FILTER, rawReason: 'SAFETY' })],
    ]);
    expect(view(mapper.end().chunks)).toEqual([[0, 'usage', expect.objectContaining({ inputTokens: 4 })]]);
  });

  it('tells the input side only while no output went out: a prompt count first seen after a delta is left to the usage', () => {
    const mapper = new StreamMapper();
    expect(view(mapper.map({ candidates: [{ content: { parts: [{ text: 'a' }] }, index: 0 }] })).map(([, kind]) => kind)).toEqual(['textDelta']);
    const later = mapper.map({ candidates: [{ content: { parts: [{ text: 'b' }] }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 7, cachedContentTokenCount: 5 } });
    expect(view(later).map(([, kind]) => kind)).toEqual(['textDelta', 'finish']);
    expect(view(mapper.end().chunks)).toEqual([[0, 'usage', expect.objectContaining({ inputTokens: 7, cachedInputTokens: 5 })]]);
    // Cached prompt tokens are part of the input side.
    expect(view(new StreamMapper().map({ usageMetadata: { promptTokenCount: 7, cachedContentTokenCount: 5 } }))).toEqual([
      [0, 'inputUsage', expect.objectContaining({ inputTokens: 7, cachedInputTokens: 5 })],
    ]);
  });

  it('keeps candidates apart by index and requires every one to finish', () => {
    const mapper = new StreamMapper();
    mapper.map({ candidates: [{ content: { parts: [{ text: 'a' }] }, index: 0 }, { content: { parts: [{ text: 'b' }] }, index: 1 }] });
    const chunks = mapper.map({ candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: {} } }] }, finishReason: 'STOP', index: 1 }] });
    expect(view(chunks).map(([choice, kind]) => [choice, kind])).toEqual([
      [1, 'toolCallStart'],
      [1, 'toolCallDelta'],
      [1, 'finish'],
    ]);
    expect(mapper.end().complete).toBe(false); // choice 0 never finished
    mapper.map({ candidates: [{ finishReason: 'STOP', index: 0 }] });
    expect(mapper.end()).toEqual({ complete: true, chunks: [] });
  });

  it('warns once per unsupported part kind', () => {
    const mapper = new StreamMapper();
    const part = { inlineData: { mimeType: 'image/png', data: 'AAAA' } };
    const first = mapper.map({ candidates: [{ content: { parts: [part] }, index: 0 }] });
    const second = mapper.map({ candidates: [{ content: { parts: [part] }, index: 0 }] });
    expect(view(first)).toEqual([[0, 'warning', expect.objectContaining({ code: 'unsupported_output', param: 'candidates.content.parts.inlineData' })]]);
    expect(second).toEqual([]);
  });

  it('calls an event of the wrong shape malformed instead of failing on it', () => {
    for (const event of [null, { candidates: 'x' }, { candidates: [null] }]) {
      expect(() => new StreamMapper().map(event as never)).toThrow(expect.objectContaining({ name: 'UpstreamFault', condition: 'malformed_event' }));
    }
  });
});
