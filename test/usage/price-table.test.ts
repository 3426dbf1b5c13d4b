import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { UsageSchema } from '../../gen/llmgateway/v1/chat_pb.js';
import { computeCostUsd } from '../../src/core/completion/compute-cost.js';
import { builtInPrices, pricesFor } from '../../src/core/usage/price-table.js';

describe('built-in prices', () => {
  it('matches the longest prefix, so a mini model is not billed as its big sibling', () => {
    expect(builtInPrices('gpt-4o-mini-2024-07-18')?.inputPerMillion).toBe(0.15);
    expect(builtInPrices('gpt-4o-2024-08-06')?.inputPerMillion).toBe(2.5);
    expect(builtInPrices('claude-sonnet-4-5-20250929')?.cacheWritePerMillion).toBe(3.75);
    expect(builtInPrices('models/gemini-2.5-flash-lite')?.outputPerMillion).toBe(0.4);
    // Opus 4.5 and later are not Opus 4's price.
    expect(builtInPrices('claude-opus-4-1-20250805')?.outputPerMillion).toBe(75);
    expect(builtInPrices('claude-opus-4-5-20251101')?.outputPerMillion).toBe(25);
    expect(builtInPrices('claude-opus-5-5')?.inputPerMillion).toBe(4);
    expect(builtInPrices('claude-opus-5')?.cachedInputPerMillion).toBe(0.5);
    expect(builtInPrices('my-local-llama')).toBeNull();
    expect(builtInPrices('gpt-4oops')).toBeNull();
  });

  it("knows DeepSeek's current models at their peak rate, and not the names DeepSeek retired", () => {
    const flash = { inputPerMillion: 0.3, cachedInputPerMillion: 0.006, cacheWritePerMillion: 0, outputPerMillion: 1.2 };
    expect(builtInPrices('deepseek-flash')).toEqual(flash);
    // The legacy V4 Flash name is served and billed as Flash.
    expect(builtInPrices('deepseek-v4-flash')).toEqual(flash);
    expect(builtInPrices('deepseek-v4-pro')).toEqual({ inputPerMillion: 1.32, cachedInputPerMillion: 0.044, cacheWritePerMillion: 0, outputPerMillion: 3.96 });
    // deepseek-chat and deepseek-reasoner stopped answering on 2026-07-24: no price rather than a stale one.
    expect(builtInPrices('deepseek-chat')).toBeNull();
    expect(builtInPrices('deepseek-reasoner')).toBeNull();
  });

  it('bills cache hits at the input price when the prices name no cache rate (a configured price without cachedInputPerMillion)', () => {
    const usage = create(UsageSchema, { inputTokens: 1_000_000, cachedInputTokens: 800_000, outputTokens: 0 });
    expect(computeCostUsd(usage, { inputPerMillion: 0.3, outputPerMillion: 1.2, cachedInputPerMillion: 0, cacheWritePerMillion: 0 })).toBeCloseTo(0.3, 10);
    expect(computeCostUsd(usage, builtInPrices('deepseek-flash'))).toBeCloseTo(0.2 * 0.3 + 0.8 * 0.006, 10);
  });

  it("lets the provider model's own prices win", () => {
    const own = { inputPerMillion: 1, outputPerMillion: 2, cachedInputPerMillion: 0.5, cacheWritePerMillion: 0 };
    expect(pricesFor({ upstreamModel: 'gpt-4o', prices: own })).toBe(own);
    expect(pricesFor({ upstreamModel: 'gpt-4o', prices: null })?.inputPerMillion).toBe(2.5);
  });

  it('bills cached and cache-written input once each, at their own rate', () => {
    const usage = create(UsageSchema, { inputTokens: 1_000_000, cachedInputTokens: 600_000, cacheWriteTokens: 100_000, outputTokens: 100_000 });
    // Anthropic Sonnet: 300k uncached × $3 + 600k × $0.30 + 100k × $3.75 + 100k × $15.
    expect(computeCostUsd(usage, builtInPrices('claude-sonnet-4-5'))).toBeCloseTo(0.9 + 0.18 + 0.375 + 1.5, 10);
    expect(computeCostUsd(usage, null)).toBe(0);
  });

  it('bills one-hour cache writes at twice the input price, the rest of the writes at the cache-write rate', () => {
    const usage = create(UsageSchema, { inputTokens: 1_000_000, cacheWriteTokens: 1_000_000, cacheWrite1hTokens: 600_000 });
    // Sonnet: 400k five-minute writes × $3.75 + 600k one-hour writes × $6 (2 × $3).
    expect(computeCostUsd(usage, builtInPrices('claude-sonnet-4-5'))).toBeCloseTo(1.5 + 3.6, 10);
  });

  it('prices audio models as themselves, never at the chat model their name starts with', () => {
    expect(builtInPrices('gpt-4o-mini-tts')).toEqual({ inputPerMillion: 0.6, cachedInputPerMillion: 0, cacheWritePerMillion: 0, outputPerMillion: 12 });
    expect(builtInPrices('gpt-4o-mini-tts-2025-12-15')?.outputPerMillion).toBe(12);
    expect(builtInPrices('gpt-4o-transcribe')).toEqual({ inputPerMillion: 2.5, cachedInputPerMillion: 0, cacheWritePerMillion: 0, outputPerMillion: 10 });
    expect(builtInPrices('gpt-4o-mini-transcribe')).toEqual({ inputPerMillion: 1.25, cachedInputPerMillion: 0, cacheWritePerMillion: 0, outputPerMillion: 5 });
    // Another kind of model without a row of its own is unpriced (and warned about), not billed as gpt-4o.
    expect(builtInPrices('gpt-4o-audio-preview')).toBeNull();
    expect(builtInPrices('gpt-4o-realtime-preview-2024-12-17')).toBeNull();
    expect(builtInPrices('gpt-4o-mini-search-preview')).toBeNull();
    expect(builtInPrices('gpt-5-mini-2025-08-07')?.inputPerMillion).toBe(0.25);
  });
});
