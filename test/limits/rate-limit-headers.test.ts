import { describe, expect, it } from 'vitest';
import { formatResetDuration, rateLimitHeaders } from '../../src/core/limits/rate-limit-headers.js';

describe('rate limit headers', () => {
  it("formats durations like OpenAI (Go's time.Duration)", () => {
    expect(formatResetDuration(0)).toBe('0s');
    expect(formatResetDuration(-5)).toBe('0s');
    expect(formatResetDuration(12)).toBe('12ms');
    expect(formatResetDuration(0.2)).toBe('1ms');
    expect(formatResetDuration(999)).toBe('999ms');
    expect(formatResetDuration(1000)).toBe('1s');
    expect(formatResetDuration(1500)).toBe('1.5s');
    expect(formatResetDuration(59_500)).toBe('59.5s');
    expect(formatResetDuration(59_999)).toBe('59.999s');
    expect(formatResetDuration(60_000)).toBe('1m0s');
    expect(formatResetDuration(90_000)).toBe('1m30s');
    expect(formatResetDuration(360_000)).toBe('6m0s');
    expect(formatResetDuration(3_600_000)).toBe('1h0m0s');
    expect(formatResetDuration(3_723_250)).toBe('1h2m3.25s');
  });

  it('emits both trios, and nothing for an unlimited window', () => {
    expect(
      rateLimitHeaders({
        requests: { limit: 10, remaining: 9, resetMs: 6000 },
        tokens: { limit: 40_000, remaining: 38_800, resetMs: 1800 },
      }),
    ).toEqual({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '9',
      'x-ratelimit-reset-requests': '6s',
      'x-ratelimit-limit-tokens': '40000',
      'x-ratelimit-remaining-tokens': '38800',
      'x-ratelimit-reset-tokens': '1.8s',
    });
    expect(
      rateLimitHeaders({
        requests: { limit: 0, remaining: 0, resetMs: 0 },
        tokens: { limit: 100, remaining: 0, resetMs: 360_000 },
      }),
    ).toEqual({ 'x-ratelimit-limit-tokens': '100', 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '6m0s' });
  });
});
