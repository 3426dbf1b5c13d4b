import { describe, expect, it } from 'vitest';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { FinishReason, StreamChunkSchema, type StreamChunk } from '../../gen/llmgateway/v1/chat_pb.js';
import { StreamAssembler } from '../../src/core/completion/assemble-stream.js';

type ChunkEvent = MessageInitShape<typeof StreamChunkSchema>['event'];
const chunk = (event: ChunkEvent, choiceIndex = 0) => create(StreamChunkSchema, { choiceIndex, event });

describe('StreamAssembler', () => {
  it('rebuilds the parts in order: reasoning parts split by signatures, text, interleaved tool calls', () => {
    const assembler = new StreamAssembler();
    const events: StreamChunk[] = [
      chunk({ case: 'start', value: { id: 'gen-1', model: 'm' } }),
      chunk({ case: 'reasoningDelta', value: { text: 'First ', providerType: 'anthropic' } }),
      chunk({ case: 'reasoningDelta', value: { text: 'thought.' } }),
      chunk({ case: 'reasoningDelta', value: { signature: 'sig-1' } }),
      chunk({ case: 'reasoningDelta', value: { redactedData: 'opaque', providerType: 'anthropic' } }),
      chunk({ case: 'textDelta', value: { text: 'Hel' } }),
      chunk({ case: 'textDelta', value: { text: 'lo' } }),
      chunk({ case: 'toolCallStart', value: { index: 0, id: 'a', name: 'f' } }),
      chunk({ case: 'toolCallStart', value: { index: 1, id: 'b', name: 'g' } }),
      chunk({ case: 'toolCallDelta', value: { index: 1, argumentsDelta: '{"y":' } }),
      chunk({ case: 'toolCallDelta', value: { index: 0, argumentsDelta: '{"x":1}' } }),
      chunk({ case: 'toolCallDelta', value: { index: 1, argumentsDelta: '2}' } }),
      chunk({ case: 'finish', value: { reason: FinishReason.TOOL_CALLS, rawReason: 'tool_use' } }),
      chunk({ case: 'usage', value: { inputTokens: 3, outputTokens: 4, totalTokens: 7 } }),
      chunk({ case: 'warning', value: { code: 'unsupported_parameter', param: 'seed' } }),
    ];
    for (const event of events) assembler.add(event);
    const response = assembler.response;
    expect(response.id).toBe('gen-1');
    const parts = response.choices[0]!.message!.content.map((part) => [part.kind.case, part.kind.value]);
    expect(parts.map(([kind]) => kind)).toEqual(['reasoning', 'reasoning', 'text', 'toolCall', 'toolCall']);
    expect(parts[0]![1]).toMatchObject({ text: 'First thought.', signature: 'sig-1', providerType: 'anthropic' });
    expect(parts[1]![1]).toMatchObject({ text: '', redactedData: 'opaque' });
    expect(parts[2]![1]).toMatchObject({ text: 'Hello' });
    expect(parts[3]![1]).toMatchObject({ id: 'a', argumentsJson: '{"x":1}' });
    expect(parts[4]![1]).toMatchObject({ id: 'b', argumentsJson: '{"y":2}' });
    expect(response.choices[0]).toMatchObject({ finishReason: FinishReason.TOOL_CALLS, rawFinishReason: 'tool_use' });
    expect(response.usage?.totalTokens).toBe(7);
    expect(response.warnings.map((warning) => warning.param)).toEqual(['seed']);
  });

  it('keeps a refusal apart from the text around it', () => {
    const assembler = new StreamAssembler();
    for (const [text, refusal] of [['Part ', false], ['one.', false], ["I can't ", true], ['do that.', true], [' Sorry.', false]] as const) {
      assembler.add(chunk({ case: 'textDelta', value: { text, refusal } }));
    }
    const parts = assembler.response.choices[0]!.message!.content.map((part) => part.kind.value);
    expect(parts).toEqual([
      expect.objectContaining({ text: 'Part one.', refusal: false }),
      expect.objectContaining({ text: "I can't do that.", refusal: true }),
      expect.objectContaining({ text: ' Sorry.', refusal: false }),
    ]);
  });

  it('keeps choices apart by index', () => {
    const assembler = new StreamAssembler();
    assembler.add(chunk({ case: 'textDelta', value: { text: 'B' } }, 1));
    assembler.add(chunk({ case: 'textDelta', value: { text: 'A' } }, 0));
    const texts = assembler.response.choices.map((choice) => [choice.index, choice.message!.content[0]!.kind.value]);
    expect(texts).toEqual([
      [0, expect.objectContaining({ text: 'A' })],
      [1, expect.objectContaining({ text: 'B' })],
    ]);
  });
});
