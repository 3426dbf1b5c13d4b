// map-response, map-usage and map-finish-reason against recorded-shape
// Anthropic Messages bodies.
import { describe, expect, it } from 'vitest';
import { FinishReason } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { AnthropicMessage } from '../../../src/providers/anthropic/anthropic-client.js';
import { mapFinishReason } from '../../../src/providers/anthropic/map-finish-reason.js';
import { mapResponse } from '../../../src/providers/anthropic/map-response.js';
import { mapUsage, mergeCumulativeUsage } from '../../../src/providers/anthropic/map-usage.js';

// Shape of a real response with thinking, text and a tool call (ids shortened).
const RECORDED_MESSAGE = {
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [
    { type: 'thinking', thinking: 'The user wants the weather.', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3h' },
    { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' },
    { type: 'text', text: 'Let me check.', citations: null },
    { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { city: 'Paris' }, caller: { type: 'direct' } },
    { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'paris' } },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  stop_details: null,
  container: null,
  usage: {
    input_tokens: 300,
    cache_creation_input_tokens: 200,
    cache_read_input_tokens: 1500,
    cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 0 },
    output_tokens: 120,
    output_tokens_details: { thinking_tokens: 80 },
    server_tool_use: null,
    service_tier: 'standard',
  },
} as unknown as AnthropicMessage;

describe('mapResponse', () => {
  it('keeps the block order and maps each block to its canonical part', () => {
    const { choice, warnings } = mapResponse(RECORDED_MESSAGE);
    const parts = choice.message?.content.map((part) => part.kind);
    expect(parts).toEqual([
      {
        case: 'reasoning',
        value: expect.objectContaining({ text: 'The user wants the weather.', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3h', providerType: 'anthropic' }),
      },
      { case: 'reasoning', value: expect.objectContaining({ text: '', redactedData: 'EmwKAhgBEgy3va3pzix/LafPsn4a', providerType: 'anthropic' }) },
      { case: 'text', value: expect.objectContaining({ text: 'Let me check.' }) },
      {
        case: 'toolCall',
        value: expect.objectContaining({ id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', argumentsJson: '{"city":"Paris"}' }),
      },
    ]);
    expect(choice.finishReason).toBe(FinishReason.TOOL_CALLS);
    expect(choice.rawFinishReason).toBe('tool_use');
    expect(warnings.map((warning) => warning.code)).toEqual(['unsupported_content']);
    expect(warnings[0]?.message).toContain('server_tool_use');
  });

  it('counts input as uncached + cache write + cache read, each once', () => {
    const { usage } = mapResponse(RECORDED_MESSAGE);
    expect(usage).toMatchObject({
      inputTokens: 2000,
      outputTokens: 120,
      cachedInputTokens: 1500,
      cacheWriteTokens: 200,
      reasoningTokens: 80,
      totalTokens: 2120,
    });
  });
});

describe('mapUsage', () => {
  it('treats missing cache and thinking fields (older API versions) as zero', () => {
    expect(mapUsage({ input_tokens: 9, output_tokens: 4 })).toMatchObject({
      inputTokens: 9,
      outputTokens: 4,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      totalTokens: 13,
    });
  });

  it('replaces cumulative stream values instead of adding them', () => {
    const start = { input_tokens: 50, cache_read_input_tokens: 10, output_tokens: 1 };
    const first = mergeCumulativeUsage(start, { input_tokens: null, output_tokens: 20, cache_read_input_tokens: null });
    const last = mergeCumulativeUsage(first, { output_tokens: 35, output_tokens_details: { thinking_tokens: 5 } });
    expect(mapUsage(last)).toMatchObject({ inputTokens: 60, outputTokens: 35, cachedInputTokens: 10, reasoningTokens: 5, totalTokens: 95 });
  });

  it('keeps the one-hour share of the cache writes (billed at twice the input price), also through a stream', () => {
    const start = { input_tokens: 5, cache_creation_input_tokens: 1000, cache_creation: { ephemeral_5m_input_tokens: 400, ephemeral_1h_input_tokens: 600 }, output_tokens: 1 };
    expect(mapUsage(start)).toMatchObject({ inputTokens: 1005, cacheWriteTokens: 1000, cacheWrite1hTokens: 600 });
    const last = mergeCumulativeUsage(start, { output_tokens: 30 });
    expect(mapUsage(last)).toMatchObject({ cacheWriteTokens: 1000, cacheWrite1hTokens: 600, outputTokens: 30 });
    expect(mapUsage({ input_tokens: 9, output_tokens: 4, cache_creation: null }).cacheWrite1hTokens).toBe(0);
  });
});

describe('mapFinishReason', () => {
  it.each([
    ['end_turn', FinishReason.STOP],
    ['stop_sequence', FinishReason.STOP],
    ['max_tokens', FinishReason.LENGTH],
    ['model_context_window_exceeded', FinishReason.LENGTH],
    ['tool_use', FinishReason.TOOL_CALLS],
    ['refusal', FinishReason.CONTENT_FILTER],
    ['pause_turn', FinishReason.OTHER],
    ['something_new', FinishReason.OTHER],
  ])('%s → %s', (raw, reason) => {
    expect(mapFinishReason(raw)).toEqual({ reason, raw });
  });

  it('maps a missing stop reason to other with an empty raw value', () => {
    expect(mapFinishReason(null)).toEqual({ reason: FinishReason.OTHER, raw: '' });
  });

  it('calls an empty or shapeless answer what it is, never failing on it', () => {
    // The SDK hands over `undefined` for an empty JSON body, a string for a non-JSON one.
    expect(() => mapResponse(undefined)).toThrow(expect.objectContaining({ name: 'UpstreamFault', condition: 'empty_body' }));
    for (const answer of ['<html>', { type: 'message' }, { content: 'text' }, { content: [null] }]) {
      expect(() => mapResponse(answer as unknown as AnthropicMessage)).toThrow(expect.objectContaining({ name: 'UpstreamFault', condition: 'malformed_body' }));
    }
  });
});
