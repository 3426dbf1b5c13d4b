import { describe, expect, it } from 'vitest';
import { FinishReason, type StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { StreamMapper } from '../../../src/providers/openai/map-stream.js';
import { createToolCallIds } from '../../../src/providers/shared/tool-call-ids.js';
import type { OpenAIFamily, WireChatChunk } from '../../../src/providers/openai/wire-types.js';
import { foldStream } from './adapter-harness.js';
import {
  AZURE_TEXT_STREAM,
  DEEPSEEK_REASONING_STREAM,
  OLLAMA_TOOL_STREAM,
  OPENAI_PARALLEL_TOOL_STREAM,
  OPENAI_TWO_CHOICE_STREAM,
  VLLM_REASONING_STREAM,
} from './recorded-shapes.js';

/** Runs a recorded stream through the mapper, the way the adapter does. */
function replay(chunks: WireChatChunk[], family: OpenAIFamily = 'openai'): { perChunk: StreamChunk[][]; all: StreamChunk[]; complete: boolean } {
  const mapper = new StreamMapper(family);
  const perChunk = chunks.map((chunk) => mapper.map(chunk));
  const end = mapper.end();
  return { perChunk, all: [...perChunk.flat(), ...end.chunks], complete: end.complete };
}

async function* iterate(chunks: StreamChunk[]): AsyncIterable<StreamChunk> {
  yield* chunks;
}

describe('StreamMapper', () => {
  it('accumulates interleaved parallel tool calls per index and maps usage once', async () => {
    const { all, complete } = replay(OPENAI_PARALLEL_TOOL_STREAM);
    expect(complete).toBe(true);
    const folded = await foldStream(iterate(all));
    const choice = folded.choices.get(0);
    expect(choice?.toolCalls).toEqual([
      { index: 0, id: 'call_P1', name: 'get_weather', argumentsJson: '{"city":"Paris"}' },
      { index: 1, id: 'call_R1', name: 'get_weather', argumentsJson: '{"city":"Rome"}' },
    ]);
    expect(choice?.finish).toEqual({ reason: FinishReason.TOOL_CALLS, raw: 'tool_calls' });
    expect(folded.usageChunks).toBe(1);
    expect(folded.usage).toMatchObject({ inputTokens: 82, outputTokens: 40, totalTokens: 122 });
    expect(all.at(-1)?.event.case).toBe('usage');
  });

  it('emits each upstream chunk at once (no batching)', () => {
    const { perChunk } = replay(OPENAI_PARALLEL_TOOL_STREAM);
    expect(perChunk.map((events) => events.map((event) => event.event.case))).toEqual([
      [],
      ['toolCallStart'],
      ['toolCallDelta'],
      ['toolCallStart'],
      ['toolCallDelta'],
      ['toolCallDelta'],
      ['finish'],
      [],
    ]);
  });

  it('tolerates Azure prompt-filter, annotation and empty-choices chunks', async () => {
    const { all, complete } = replay(AZURE_TEXT_STREAM, 'azure-openai');
    expect(complete).toBe(true);
    const folded = await foldStream(iterate(all));
    expect(folded.choices.get(0)).toMatchObject({ text: 'Hello there', finish: { reason: FinishReason.CONTENT_FILTER, raw: 'content_filter' } });
    expect(folded.usage).toMatchObject({ inputTokens: 12, outputTokens: 2 });
  });

  it('maps DeepSeek reasoning_content deltas and cache counters', async () => {
    const folded = await foldStream(iterate(replay(DEEPSEEK_REASONING_STREAM, 'openai-compatible').all));
    expect(folded.choices.get(0)).toMatchObject({
      text: '6',
      reasoning: [{ text: 'Three plus three is six.', signature: '', providerType: 'openai-compatible' }],
      finish: { reason: FinishReason.STOP, raw: 'stop' },
    });
    expect(folded.usage).toMatchObject({ inputTokens: 60, outputTokens: 40, reasoningTokens: 30, cachedInputTokens: 0 });
  });

  it("maps vLLM's `reasoning` deltas", async () => {
    const folded = await foldStream(iterate(replay(VLLM_REASONING_STREAM, 'openai-compatible').all));
    expect(folded.choices.get(0)).toMatchObject({ text: 'Done', reasoning: [{ text: 'Thinking.' }] });
    expect(folded.usage).toBeUndefined();
  });

  it('splits Ollama calls that share index 0 by id, and reads "stop" after calls as tool_calls', async () => {
    const folded = await foldStream(iterate(replay(OLLAMA_TOOL_STREAM, 'openai-compatible').all));
    expect(folded.choices.get(0)?.toolCalls).toEqual([
      { index: 0, id: 'call_o1', name: 'get_weather', argumentsJson: '{"city":"Paris"}' },
      { index: 1, id: 'call_o2', name: 'get_weather', argumentsJson: '{"city":"Rome"}' },
    ]);
    expect(folded.choices.get(0)?.finish).toEqual({ reason: FinishReason.TOOL_CALLS, raw: 'stop' });
  });

  it('keeps choices apart by choice_index', async () => {
    const folded = await foldStream(iterate(replay(OPENAI_TWO_CHOICE_STREAM).all));
    expect(folded.choices.get(0)).toMatchObject({ text: 'A', finish: { reason: FinishReason.STOP } });
    expect(folded.choices.get(1)).toMatchObject({ text: 'B', finish: { reason: FinishReason.LENGTH } });
  });

  it('reports a stream without finish_reason as incomplete', () => {
    expect(replay(OPENAI_PARALLEL_TOOL_STREAM.slice(0, 5)).complete).toBe(false);
    expect(replay([]).complete).toBe(false);
    expect(replay(OPENAI_TWO_CHOICE_STREAM.slice(0, 4)).complete).toBe(false);
  });

  it('holds back the finish of an answer the host cut short (DeepSeek insufficient_system_resource) and says so at the end, usage kept', () => {
    const mapper = new StreamMapper('openai-compatible');
    const text = mapper.map({ choices: [{ index: 0, delta: { content: 'The first' }, finish_reason: null }] });
    expect(text.map((chunk) => chunk.event.case)).toEqual(['textDelta']);
    const last = mapper.map({ choices: [{ index: 0, delta: { content: '' }, finish_reason: 'insufficient_system_resource' }], usage: { prompt_tokens: 5, completion_tokens: 2 } });
    expect(last).toEqual([]);
    const end = mapper.end();
    expect(end.cutShort).toBe('insufficient_system_resource');
    expect(end.chunks.map((chunk) => chunk.event.case)).toEqual(['usage']);
  });

  it('finishes a stream the host ended with [DONE] but never named a finish_reason for (llama-cpp-python, LocalAI)', () => {
    const text = new StreamMapper('openai-compatible');
    text.map({ choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] });
    text.map({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 1 } });
    expect(text.end().complete).toBe(false);
    const ended = text.end({ doneMarker: true });
    expect(ended.complete).toBe(true);
    expect(ended.chunks.map((chunk) => chunk.event)).toEqual([
      { case: 'finish', value: expect.objectContaining({ reason: FinishReason.STOP, rawReason: '' }) },
      { case: 'usage', value: expect.objectContaining({ inputTokens: 5, outputTokens: 1 }) },
    ]);

    const calls = new StreamMapper('openai-compatible');
    calls.map({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'c1', function: { name: 'f', arguments: '{}' } }] }, finish_reason: null }] });
    expect(calls.end({ doneMarker: true }).chunks[0]?.event).toEqual({ case: 'finish', value: expect.objectContaining({ reason: FinishReason.TOOL_CALLS }) });

    // [DONE] alone is still no answer.
    expect(new StreamMapper('openai').end({ doneMarker: true }).complete).toBe(false);
  });

  it('keeps the last usage, never a sum', () => {
    const mapper = new StreamMapper('openai-compatible');
    mapper.map({ choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 1 } });
    mapper.map({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 3 } });
    const end = mapper.end();
    expect(end.chunks).toHaveLength(1);
    expect(end.chunks[0]?.event.value).toMatchObject({ inputTokens: 5, outputTokens: 3, totalTokens: 8 });
  });

  it('gives a call without id a generated one, stable within the stream and unique across streams', () => {
    const idsOf = (mapper: StreamMapper) =>
      [0, 1].flatMap((index) => mapper.map({ choices: [{ index: 0, delta: { tool_calls: [{ index, function: { name: 'f', arguments: '{}' } }] } }] }))
        .concat(mapper.map({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ' ' } }] } }] }))
        .filter((chunk) => chunk.event.case === 'toolCallStart')
        .map((chunk) => (chunk.event.case === 'toolCallStart' ? chunk.event.value.id : ''));
    const first = idsOf(new StreamMapper('openai-compatible', createToolCallIds('abc123')));
    expect(first).toEqual(['call_0_abc123', 'call_1_abc123']);
    const [one, other] = [idsOf(new StreamMapper('openai-compatible')), idsOf(new StreamMapper('openai-compatible'))];
    expect(one[0]).toMatch(/^call_0_[0-9a-f]{12}$/);
    expect(one[0]).not.toBe(other[0]);
  });

  it('calls an event of the wrong shape malformed instead of failing on it', () => {
    for (const event of [null, 'data', { choices: 'x' }, { choices: [null] }]) {
      expect(() => new StreamMapper('openai').map(event as never)).toThrow(expect.objectContaining({ name: 'UpstreamFault', condition: 'malformed_event' }));
    }
  });
});
