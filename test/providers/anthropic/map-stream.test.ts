// map-stream against recorded-shape Anthropic SSE event lists (the `data:`
// payloads, in order, as the SDK yields them).
import { describe, expect, it } from 'vitest';
import { FinishReason, type StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { AnthropicStreamEvent } from '../../../src/providers/anthropic/anthropic-client.js';
import { AnthropicStreamError, StreamMapper } from '../../../src/providers/anthropic/map-stream.js';

const events = (list: unknown[]) => list as AnthropicStreamEvent[];

// Thinking, then text, then two tool calls (content blocks 2 and 3 → tool indexes 0 and 1).
const RECORDED_TOOL_STREAM = events([
  {
    type: 'message_start',
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 40, cache_creation_input_tokens: 0, cache_read_input_tokens: 12, output_tokens: 1 },
    },
  },
  { type: 'ping' },
  { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Two cities, ' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'two calls.' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '', citations: null } },
  { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Checking.' } },
  { type: 'content_block_stop', index: 1 },
  { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '' } },
  { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: {} } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city": "Pa' } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: 'ris"}' } },
  { type: 'content_block_stop', index: 2 },
  { type: 'ping' },
  // A tool without arguments: only "" fragments, which means {}.
  { type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '' } },
  { type: 'content_block_stop', index: 3 },
  { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 70 } },
  // Usage may repeat; it is cumulative, so the last value wins.
  { type: 'message_delta', delta: { stop_reason: null, stop_sequence: null }, usage: { output_tokens: 75, output_tokens_details: { thinking_tokens: 30 } } },
  { type: 'message_stop' },
]);

function run(list: AnthropicStreamEvent[]): { chunks: StreamChunk[]; mapper: StreamMapper; perEvent: number[] } {
  const mapper = new StreamMapper();
  const perEvent = list.map((event) => mapper.map(event).length);
  const again = new StreamMapper();
  return { chunks: list.flatMap((event) => again.map(event)), mapper, perEvent };
}

describe('StreamMapper', () => {
  it('turns every upstream delta into one canonical chunk at once', () => {
    const { chunks, mapper, perEvent } = run(RECORDED_TOOL_STREAM);
    expect(mapper.end().complete).toBe(true);
    // message_start yields its input usage; ping, block starts of text/thinking and "" fragments yield nothing; message_stop yields finish + usage.
    expect(perEvent).toEqual([1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 2]);
    expect(chunks.map((chunk) => chunk.event.case)).toEqual([
      'inputUsage',
      'reasoningDelta',
      'reasoningDelta',
      'reasoningDelta',
      'textDelta',
      'toolCallStart',
      'toolCallStart',
      'toolCallDelta',
      'toolCallDelta',
      'toolCallDelta',
      'finish',
      'usage',
    ]);
  });

  it('closes the reasoning part with the signature and marks it anthropic', () => {
    const { chunks } = run(RECORDED_TOOL_STREAM);
    const reasoning = chunks.filter((chunk) => chunk.event.case === 'reasoningDelta').map((chunk) => chunk.event.value);
    expect(reasoning).toEqual([
      expect.objectContaining({ text: 'Two cities, ', signature: '', providerType: 'anthropic' }),
      expect.objectContaining({ text: 'two calls.', signature: '', providerType: 'anthropic' }),
      expect.objectContaining({ text: '', signature: 'EqQBCgIYAhIM', providerType: 'anthropic' }),
    ]);
  });

  it('numbers tool calls by tool_use order, not content block index, and accumulates per call', () => {
    const { chunks } = run(RECORDED_TOOL_STREAM);
    const starts = chunks.filter((chunk) => chunk.event.case === 'toolCallStart').map((chunk) => chunk.event.value);
    expect(starts).toEqual([
      expect.objectContaining({ index: 0, id: 'toolu_a', name: 'get_weather' }),
      expect.objectContaining({ index: 1, id: 'toolu_b', name: 'get_time' }),
    ]);
    const argumentsByIndex = new Map<number, string>();
    for (const chunk of chunks) {
      if (chunk.event.case !== 'toolCallDelta') continue;
      const { index, argumentsDelta } = chunk.event.value;
      argumentsByIndex.set(index, (argumentsByIndex.get(index) ?? '') + argumentsDelta);
    }
    expect(JSON.parse(argumentsByIndex.get(0) ?? '')).toEqual({ city: 'Paris' });
    expect(JSON.parse(argumentsByIndex.get(1) ?? '')).toEqual({});
  });

  it('sends message_start’s input side at once (input incl. cache), before any delta', () => {
    const { chunks } = run(RECORDED_TOOL_STREAM);
    expect(chunks[0]?.event).toEqual({ case: 'inputUsage', value: expect.objectContaining({ inputTokens: 52, cachedInputTokens: 12, cacheWriteTokens: 0 }) });
  });

  it('ends with one finish and one usage (cumulative, last value, input incl. cache)', () => {
    const { chunks } = run(RECORDED_TOOL_STREAM);
    expect(chunks.at(-2)?.event).toEqual({ case: 'finish', value: expect.objectContaining({ reason: FinishReason.TOOL_CALLS, rawReason: 'tool_use' }) });
    expect(chunks.at(-1)?.event).toEqual({
      case: 'usage',
      value: expect.objectContaining({ inputTokens: 52, outputTokens: 75, cachedInputTokens: 12, reasoningTokens: 30, totalTokens: 127 }),
    });
  });

  it('emits redacted thinking as one closing delta and warns about unknown blocks', () => {
    const { chunks } = run(
      events([
        RECORDED_TOOL_STREAM[0],
        { type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'EmwKAhgBEgy' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'content_block_start', index: 1, content_block: { type: 'server_tool_use', id: 'srv_1', name: 'web_search', input: {} } },
        { type: 'content_block_delta', index: 2, delta: { type: 'citations_delta', citation: {} } },
      ]),
    );
    expect(chunks.map((chunk) => chunk.event)).toEqual([
      { case: 'inputUsage', value: expect.objectContaining({ inputTokens: 52 }) },
      { case: 'reasoningDelta', value: expect.objectContaining({ redactedData: 'EmwKAhgBEgy', providerType: 'anthropic' }) },
      { case: 'warning', value: expect.objectContaining({ code: 'unsupported_content' }) },
    ]);
  });

  it('is not finished without message_stop and throws on an error event', () => {
    const { mapper } = run(RECORDED_TOOL_STREAM.slice(0, 10));
    expect(mapper.end().complete).toBe(false);
    const errorEvent = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    expect(() => new StreamMapper().map(errorEvent)).toThrow(AnthropicStreamError);
  });

  it('refuses a stream without message_start (a lone message_stop is no message, not an empty one)', () => {
    expect(() => new StreamMapper().map({ type: 'message_stop' })).toThrow(expect.objectContaining({ condition: 'truncated_stream', detail: 'no message_start' }));
    const mapper = new StreamMapper();
    mapper.map({ type: 'ping' });
    expect(() => mapper.map(events([{ type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'x' } }])[0]!)).toThrow(
      expect.objectContaining({ condition: 'truncated_stream' }),
    );
  });

  it('calls events of the wrong shape malformed instead of failing on them', () => {
    const started = () => {
      const mapper = new StreamMapper();
      mapper.map(RECORDED_TOOL_STREAM[0]!);
      return mapper;
    };
    for (const event of [null, 'text', { index: 0 }, { type: 'content_block_delta', index: 0 }, { type: 'message_delta', usage: {} }]) {
      expect(() => started().map(event as AnthropicStreamEvent)).toThrow(expect.objectContaining({ name: 'UpstreamFault', condition: 'malformed_event' }));
    }
  });
});
