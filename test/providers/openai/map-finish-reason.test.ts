import { describe, expect, it } from 'vitest';
import { FinishReason } from '../../../gen/llmgateway/v1/chat_pb.js';
import { mapFinishReason } from '../../../src/providers/openai/map-finish-reason.js';

const plain = { sawToolCalls: false, refusedOnly: false };

describe('mapFinishReason', () => {
  it.each([
    ['stop', FinishReason.STOP],
    ['length', FinishReason.LENGTH],
    ['tool_calls', FinishReason.TOOL_CALLS],
    ['content_filter', FinishReason.CONTENT_FILTER],
    ['function_call', FinishReason.OTHER],
    ['insufficient_system_resource', FinishReason.ERROR],
    ['something_new', FinishReason.OTHER],
  ])('%s', (raw, reason) => {
    expect(mapFinishReason(raw, plain)).toEqual({ reason, raw });
  });

  it('reads "stop" after tool calls as tool_calls (forced named tool)', () => {
    expect(mapFinishReason('stop', { sawToolCalls: true, refusedOnly: false })).toEqual({ reason: FinishReason.TOOL_CALLS, raw: 'stop' });
  });

  it('reads a refusal-only "stop" as content_filter', () => {
    expect(mapFinishReason('stop', { sawToolCalls: false, refusedOnly: true }).reason).toBe(FinishReason.CONTENT_FILTER);
  });

  it('maps a missing value to other with an empty raw value', () => {
    expect(mapFinishReason(null, plain)).toEqual({ reason: FinishReason.OTHER, raw: '' });
  });
});
