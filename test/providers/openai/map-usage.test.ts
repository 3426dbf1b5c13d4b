import { describe, expect, it } from 'vitest';
import { mapUsage } from '../../../src/providers/openai/map-usage.js';

describe('mapUsage', () => {
  it('never adds cached to prompt_tokens nor reasoning to completion_tokens', () => {
    const usage = mapUsage({
      prompt_tokens: 2000,
      completion_tokens: 300,
      total_tokens: 2300,
      prompt_tokens_details: { cached_tokens: 1500 },
      completion_tokens_details: { reasoning_tokens: 250 },
    });
    expect(usage).toMatchObject({ inputTokens: 2000, outputTokens: 300, cachedInputTokens: 1500, cacheWriteTokens: 0, reasoningTokens: 250, totalTokens: 2300 });
  });

  it('understands DeepSeek hit/miss counters without prompt_tokens_details', () => {
    const usage = mapUsage({ prompt_tokens: 100, completion_tokens: 10, prompt_cache_hit_tokens: 64, prompt_cache_miss_tokens: 36 });
    expect(usage).toMatchObject({ inputTokens: 100, cachedInputTokens: 64, totalTokens: 110 });
  });

  it('derives the input total from hit + miss when prompt_tokens is missing', () => {
    expect(mapUsage({ completion_tokens: 1, prompt_cache_hit_tokens: 3, prompt_cache_miss_tokens: 4 })).toMatchObject({ inputTokens: 7, cachedInputTokens: 3 });
  });

  it('reads cache writes where a host reports them (OpenRouter)', () => {
    expect(mapUsage({ prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 2, cache_write_tokens: 5 } })).toMatchObject({ cacheWriteTokens: 5 });
  });

  it("carries the cost a host reports (OpenRouter's usage.cost; on the caller's own key, the upstream's charge too)", () => {
    expect(mapUsage({ prompt_tokens: 10, completion_tokens: 1, cost: 0.002 })?.costUsd).toBe(0.002);
    expect(mapUsage({ prompt_tokens: 10, completion_tokens: 1, cost: 0.001, is_byok: true, cost_details: { upstream_inference_cost: 0.02 } })?.costUsd).toBeCloseTo(0.021, 12);
    // Not on one's own key, the upstream's charge is OpenRouter's to pay: only cost counts.
    expect(mapUsage({ prompt_tokens: 10, completion_tokens: 1, cost: 0.001, is_byok: false, cost_details: { upstream_inference_cost: 0.02 } })?.costUsd).toBe(0.001);
    expect(mapUsage({ prompt_tokens: 10, completion_tokens: 1 })?.costUsd).toBe(0);
    expect(mapUsage({ prompt_tokens: 10, completion_tokens: 1, cost: null })?.costUsd).toBe(0);
  });

  it('keeps null details and absent usage apart', () => {
    expect(mapUsage({ prompt_tokens: 3, completion_tokens: 2, prompt_tokens_details: null, completion_tokens_details: null })).toMatchObject({ inputTokens: 3, outputTokens: 2, totalTokens: 5 });
    expect(mapUsage(null)).toBeUndefined();
    expect(mapUsage(undefined)).toBeUndefined();
  });
});
