import { describe, expect, it } from 'vitest';
import { FinishReason } from '../../../gen/llmgateway/v1/chat_pb.js';
import { mapResponse } from '../../../src/providers/gemini/map-response.js';
import { createToolCallIds } from '../../../src/providers/shared/tool-call-ids.js';
import { BLOCKED_PROMPT, PARALLEL_CALLS, THOUGHTS_AND_SIGNED_TEXT } from './recorded.js';

const kinds = (result: ReturnType<typeof mapResponse>) => result.choices[0]!.message!.content.map((part) => part.kind);

describe('mapResponse', () => {
  it('merges consecutive thoughts and texts, keeping the text signature on the text part', () => {
    const result = mapResponse(THOUGHTS_AND_SIGNED_TEXT);
    expect(kinds(result)).toEqual([
      { case: 'reasoning', value: expect.objectContaining({ text: '**Adding**\n\nThree plus three is six.', signature: '', providerType: 'gemini' }) },
      { case: 'text', value: expect.objectContaining({ text: 'The answer is 6.', signature: 'CsYBAXLI2nw…sig-text' }) },
    ]);
    expect(result.choices[0]).toMatchObject({ index: 0, finishReason: FinishReason.STOP, rawFinishReason: 'STOP' });
    // candidates EXCLUDE thoughts: output = 5 + 28.
    expect(result.usage).toMatchObject({ inputTokens: 12, outputTokens: 33, reasoningTokens: 28, cachedInputTokens: 0, totalTokens: 45 });
  });

  it('a signature closes its part: a later part starts a new one', () => {
    const result = mapResponse({
      candidates: [
        {
          content: { parts: [{ text: 'a', thought: true, thoughtSignature: 's1' }, { text: 'b', thought: true }, { text: 'x', thoughtSignature: 's2' }, { text: 'y' }] },
          finishReason: 'STOP',
        },
      ],
    });
    expect(kinds(result).map((kind) => [kind.case, (kind.value as { text: string }).text, (kind.value as { signature: string }).signature])).toEqual([
      ['reasoning', 'a', 's1'],
      ['reasoning', 'b', ''],
      ['text', 'x', 's2'],
      ['text', 'y', ''],
    ]);
  });

  it('maps id-less parallel calls to unique minted ids, signature on the first, STOP → tool_calls', () => {
    const result = mapResponse(PARALLEL_CALLS, createToolCallIds('abc123'));
    expect(kinds(result)).toEqual([
      { case: 'toolCall', value: expect.objectContaining({ id: 'call_0_abc123', name: 'get_weather', argumentsJson: '{"city":"Paris"}', signature: 'CiQBcsjafirst' }) },
      { case: 'toolCall', value: expect.objectContaining({ id: 'call_1_abc123', name: 'get_weather', argumentsJson: '{"city":"Rome"}', signature: '' }) },
    ]);
    expect(result.choices[0]).toMatchObject({ finishReason: FinishReason.TOOL_CALLS, rawFinishReason: 'STOP' });
  });

  it('keeps an upstream call id and renders missing args as {}', () => {
    const result = mapResponse({ candidates: [{ content: { parts: [{ functionCall: { id: 'fc-9', name: 'now' } }] }, finishReason: 'STOP' }] });
    expect(kinds(result)[0]?.value).toMatchObject({ id: 'fc-9', name: 'now', argumentsJson: '{}' });
  });

  it('a blocked prompt is one empty choice finished by content_filter with the block reason', () => {
    const result = mapResponse(BLOCKED_PROMPT);
    expect(result.choices).toHaveLength(1);
    expect(result.choices[0]).toMatchObject({ index: 0, finishReason: FinishReason.CONTENT_FILTER, rawFinishReason: 'PROHIBITED_CONTENT' });
    expect(result.choices[0]!.message!.content).toEqual([]);
    expect(result.usage).toMatchObject({ inputTokens: 8, outputTokens: 0 });
  });

  it('maps several candidates by index and warns once about parts it cannot represent', () => {
    const result = mapResponse({
      candidates: [
        { content: { parts: [{ text: 'one' }, { executableCode: { language: 'PYTHON', code: 'print(1)' } }] }, finishReason: 'STOP', index: 0 },
        { content: { parts: [{ text: 'two' }, { executableCode: { language: 'PYTHON', code: 'print(2)' } }] }, finishReason: 'MAX_TOKENS', index: 1 },
      ],
    });
    expect(result.choices.map((choice) => [choice.index, choice.finishReason])).toEqual([
      [0, FinishReason.STOP],
      [1, FinishReason.LENGTH],
    ]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({ code: 'unsupported_output', param: 'candidates.content.parts.executableCode' });
  });

  it('a candidate stopped by SAFETY without content is an empty content_filter choice', () => {
    const result = mapResponse({ candidates: [{ finishReason: 'SAFETY', index: 0 }] });
    expect(result.choices[0]).toMatchObject({ finishReason: FinishReason.CONTENT_FILTER, rawFinishReason: 'SAFETY' });
    expect(result.usage).toBeUndefined();
  });

  it('calls an empty or shapeless answer what it is: no candidates and no block reason is no answer', () => {
    expect(() => mapResponse(undefined)).toThrow(expect.objectContaining({ name: 'UpstreamFault', condition: 'empty_body' }));
    for (const answer of [{}, { candidates: [] }, { candidates: 'x' }, { usageMetadata: { promptTokenCount: 3 } }]) {
      expect(() => mapResponse(answer as never)).toThrow(expect.objectContaining({ name: 'UpstreamFault', condition: 'malformed_body' }));
    }
  });
});
