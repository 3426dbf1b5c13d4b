import { describe, expect, it } from 'vitest';
import { FinishReason } from '../../../gen/llmgateway/v1/chat_pb.js';
import { mapResponse } from '../../../src/providers/openai/map-response.js';
import { createToolCallIds } from '../../../src/providers/shared/tool-call-ids.js';
import { DEEPSEEK_REASONING_COMPLETION, OPENAI_TOOL_CALL_COMPLETION, REFUSAL_COMPLETION } from './recorded-shapes.js';

const kinds = (result: ReturnType<typeof mapResponse>) => result.choices[0]?.message?.content.map((part) => part.kind) ?? [];

describe('mapResponse', () => {
  it('maps tool calls with their JSON text, and usage counted once', () => {
    const result = mapResponse(OPENAI_TOOL_CALL_COMPLETION, 'openai');
    expect(kinds(result)).toEqual([
      { case: 'toolCall', value: expect.objectContaining({ id: 'call_abc', name: 'get_weather', argumentsJson: '{"city":"Paris","unit":"c"}', signature: '' }) },
    ]);
    expect(result.choices[0]).toMatchObject({ index: 0, finishReason: FinishReason.TOOL_CALLS, rawFinishReason: 'tool_calls' });
    // prompt_tokens already includes cached_tokens; completion_tokens already includes reasoning.
    expect(result.usage).toMatchObject({ inputTokens: 2000, cachedInputTokens: 1500, outputTokens: 300, reasoningTokens: 250, cacheWriteTokens: 0, totalTokens: 2300 });
  });

  it('gives calls without id generated ones, unique in the conversation (a random suffix per response)', () => {
    const idless = { choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }, { id: '', type: 'function', function: { name: 'g', arguments: '{}' } }] }, finish_reason: 'tool_calls' }] };
    const ids = (result: ReturnType<typeof mapResponse>) => kinds(result).map((kind) => (kind.case === 'toolCall' ? kind.value.id : ''));
    expect(ids(mapResponse(idless as never, 'openai-compatible', createToolCallIds('f00d')))).toEqual(['call_0_f00d', 'call_1_f00d']);
    expect(ids(mapResponse(idless as never, 'openai-compatible'))[0]).not.toBe(ids(mapResponse(idless as never, 'openai-compatible'))[0]);
  });

  it('maps DeepSeek reasoning_content to a reasoning part before the text', () => {
    const result = mapResponse(DEEPSEEK_REASONING_COMPLETION, 'openai-compatible');
    expect(kinds(result)).toEqual([
      { case: 'reasoning', value: expect.objectContaining({ text: 'Three plus three is six.', signature: '', providerType: 'openai-compatible' }) },
      { case: 'text', value: expect.objectContaining({ text: '6' }) },
    ]);
    expect(result.usage).toMatchObject({ inputTokens: 60, cachedInputTokens: 40 });
  });

  it.each(['insufficient_system_resource', 'abort', 'error'])('calls an answer the host ended with "%s" cut short, never a finished one', (raw) => {
    const answer = { choices: [{ message: { content: 'The first half' }, finish_reason: raw }], usage: { prompt_tokens: 5, completion_tokens: 3 } };
    expect(() => mapResponse(answer, 'openai-compatible')).toThrow(expect.objectContaining({ name: 'UpstreamFault', condition: 'cut_short', detail: `finish_reason ${raw}` }));
  });

  it("maps vLLM's `reasoning` field", () => {
    const result = mapResponse({ choices: [{ message: { content: 'ok', reasoning: 'hm' }, finish_reason: 'stop' }] }, 'openai-compatible');
    expect(kinds(result)[0]).toEqual({ case: 'reasoning', value: expect.objectContaining({ text: 'hm' }) });
  });

  it('keeps a refusal as text marked as the refusal, and reports it as content_filter', () => {
    const result = mapResponse(REFUSAL_COMPLETION, 'openai');
    expect(kinds(result)).toEqual([{ case: 'text', value: expect.objectContaining({ text: "I'm sorry, I can't help with that.", refusal: true }) }]);
    expect(result.choices[0]).toMatchObject({ finishReason: FinishReason.CONTENT_FILTER, rawFinishReason: 'stop' });
  });

  it('returns one choice per candidate, and no usage when none was sent', () => {
    const message = { role: 'assistant', content: 'x' };
    const result = mapResponse({ choices: [{ index: 0, message, finish_reason: 'stop' }, { index: 1, message, finish_reason: 'length' }] }, 'openai');
    expect(result.choices.map((choice) => [choice.index, choice.finishReason])).toEqual([
      [0, FinishReason.STOP],
      [1, FinishReason.LENGTH],
    ]);
    expect(result.usage).toBeUndefined();
  });

  it('calls an empty or shapeless answer what it is, never failing on it', () => {
    expect(() => mapResponse(undefined, 'openai')).toThrow(expect.objectContaining({ name: 'UpstreamFault', condition: 'empty_body' }));
    for (const answer of ['<html>', {}, { choices: [] }, { choices: [null] }]) {
      expect(() => mapResponse(answer as never, 'openai')).toThrow(expect.objectContaining({ name: 'UpstreamFault', condition: 'malformed_body' }));
    }
  });
});
