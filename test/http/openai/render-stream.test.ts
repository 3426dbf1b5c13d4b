// Canonical StreamChunks → OpenAI chat.completion.chunk objects.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { FinishReason, StreamChunkSchema, type StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { StreamRenderer } from '../../../src/http/openai/render-stream.js';
import type { OpenAIChatCompletionChunk } from '../../../src/http/openai/openai-wire.js';
import { decodeToolCallId } from '../../../src/http/tool-call-id.js';

type Event = MessageInitShape<typeof StreamChunkSchema>['event'];
const chunk = (event: Event, choiceIndex = 0): StreamChunk => create(StreamChunkSchema, { choiceIndex, event });
const start = chunk({ case: 'start', value: { id: 'gen-1', created: timestampFromMs(1_700_000_000_000), model: 'openai/gpt' } });
const usage = chunk({ case: 'usage', value: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 4, reasoningTokens: 2, totalTokens: 15 } });

function run(chunks: StreamChunk[], includeUsage: boolean): OpenAIChatCompletionChunk[] {
  const converter = new StreamRenderer({ includeUsage });
  return [...chunks.flatMap((item) => converter.push(item)), ...converter.end()];
}

describe('StreamRenderer', () => {
  it('opens with role+empty content, then text deltas, finish; no usage field unless asked', () => {
    const out = run(
      [start, chunk({ case: 'textDelta', value: { text: 'Hel' } }), chunk({ case: 'textDelta', value: { text: 'lo' } }), chunk({ case: 'finish', value: { reason: FinishReason.STOP } }), usage],
      false,
    );
    expect(out.map((item) => item.choices[0]?.delta)).toEqual([{ role: 'assistant', content: '' }, { content: 'Hel' }, { content: 'lo' }, {}]);
    expect(out.map((item) => item.choices[0]?.finish_reason)).toEqual([null, null, null, 'stop']);
    for (const item of out) {
      expect(item).toMatchObject({ id: 'gen-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'openai/gpt' });
      expect('usage' in item).toBe(false);
    }
  });

  it('with include_usage: usage null on every chunk, then a choices:[] usage chunk', () => {
    const out = run([start, chunk({ case: 'textDelta', value: { text: 'x' } }), chunk({ case: 'finish', value: { reason: FinishReason.LENGTH } }), usage], true);
    expect(out.slice(0, -1).every((item) => item.usage === null)).toBe(true);
    expect(out.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 2 } },
    });
    expect(out.at(-2)?.choices[0]?.finish_reason).toBe('length');
  });

  it('tool calls: id/type/name only in the first delta per index, arguments after; parallel calls interleave by index', () => {
    const out = run(
      [
        start,
        chunk({ case: 'toolCallStart', value: { index: 0, id: 'call_a', name: 'get_weather', signature: 'sig-a' } }),
        chunk({ case: 'toolCallStart', value: { index: 1, id: 'call_b', name: 'get_weather' } }),
        chunk({ case: 'toolCallDelta', value: { index: 1, argumentsDelta: '{"city":"Rome"}' } }),
        chunk({ case: 'toolCallDelta', value: { index: 0, argumentsDelta: '{"city":' } }),
        chunk({ case: 'toolCallDelta', value: { index: 0, argumentsDelta: '"Paris"}' } }),
        chunk({ case: 'finish', value: { reason: FinishReason.TOOL_CALLS } }),
      ],
      false,
    );
    const calls = out.flatMap((item) => item.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: calls[0]?.id, type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(decodeToolCallId(calls[0]!.id!)).toEqual({ id: 'call_a', signature: 'sig-a' });
    expect(calls[1]).toEqual({ index: 1, id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(calls.slice(2)).toEqual([
      { index: 1, function: { arguments: '{"city":"Rome"}' } },
      { index: 0, function: { arguments: '{"city":' } },
      { index: 0, function: { arguments: '"Paris"}' } },
    ]);
    expect(out.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('a call that never got arguments gets "{}" before the finish', () => {
    const out = run([start, chunk({ case: 'toolCallStart', value: { index: 0, id: 'c', name: 'now' } }), chunk({ case: 'finish', value: { reason: FinishReason.TOOL_CALLS } })], false);
    expect(out.at(-2)?.choices[0]?.delta).toEqual({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] });
  });

  it('reasoning deltas become reasoning_content; signature-only deltas produce nothing', () => {
    const out = run(
      [
        start,
        chunk({ case: 'reasoningDelta', value: { text: 'Think', providerType: 'anthropic' } }),
        chunk({ case: 'reasoningDelta', value: { signature: 'sig' } }),
        chunk({ case: 'textDelta', value: { text: '6' } }),
      ],
      false,
    );
    expect(out.map((item) => item.choices[0]?.delta)).toEqual([{ role: 'assistant', content: '' }, { reasoning_content: 'Think' }, { content: '6' }]);
  });

  it('n > 1: each choice opens with its own role delta; route and warnings are kept for the caller', () => {
    const converter = new StreamRenderer({ includeUsage: false });
    converter.push(start);
    const second = converter.push(chunk({ case: 'textDelta', value: { text: 'B' } }, 1));
    expect(second.map((item) => [item.choices[0]?.index, item.choices[0]?.delta])).toEqual([
      [1, { role: 'assistant', content: '' }],
      [1, { content: 'B' }],
    ]);
    expect(converter.push(chunk({ case: 'warning', value: { code: 'unsupported_parameter', param: 'seed', message: 'no seed' } }))).toEqual([]);
    expect(converter.push(chunk({ case: 'route', value: { providerId: 'openai', upstreamModel: 'gpt' } }))).toEqual([]);
    expect(converter.warnings.map((warning) => warning.param)).toEqual(['seed']);
    expect(converter.route?.providerId).toBe('openai');
  });
});
