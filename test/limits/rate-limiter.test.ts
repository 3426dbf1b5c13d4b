import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/domain/gateway-error.js';
import { createInMemoryRateLimiter } from '../../src/core/limits/in-memory-rate-limiter.js';
import { RateLimitError } from '../../src/core/limits/limit-errors.js';
import { rateLimitHeaders } from '../../src/core/limits/rate-limit-headers.js';
import { UNLIMITED_STATE, UNLIMITED_TICKET } from '../../src/core/limits/rate-limiter.js';
import { fakeClock, keyWith } from './limits-fakes.js';

function refusal(run: () => unknown): RateLimitError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toBeInstanceOf(GatewayError);
    return error as RateLimitError;
  }
  throw new Error('expected a refusal');
}

describe('in-memory rate limiter: requests per minute', () => {
  it('lets the 10th request of a 10/min window through, refuses the 11th, and frees each slot exactly 60 s after it was taken', () => {
    const clock = fakeClock();
    const t0 = clock.now();
    const limiter = createInMemoryRateLimiter({ now: clock.now });
    const key = keyWith({ limits: { requestsPerMinute: 10 } });

    for (let index = 0; index < 10; index += 1) {
      clock.set(t0 + index * 1000);
      limiter.acquireSync(key, 0).settle(0);
    }
    clock.set(t0 + 30_000);
    const eleventh = refusal(() => limiter.acquireSync(key, 0));
    expect(eleventh.kind).toBe('resource_exhausted');
    expect(eleventh.reason).toBe('rate_limit');
    expect(eleventh.limit).toBe('requests');
    expect(eleventh.message).toBe('rate limit: 10 requests per minute for this key');
    expect(eleventh.retryable).toBe(true);
    expect(eleventh.retryAfterSeconds).toBe(30); // the first request (t0) frees at t0 + 60 s
    expect(eleventh.state.requests).toEqual({ limit: 10, remaining: 0, resetMs: 39_000 }); // the last (t0 + 9 s) frees at t0 + 69 s

    clock.set(t0 + 59_999);
    expect(refusal(() => limiter.acquireSync(key, 0)).retryAfterSeconds).toBe(1); // 1 ms, rounded up

    clock.set(t0 + 60_000);
    limiter.acquireSync(key, 0).settle(0); // the slot of t0 is free: exactly one more
    expect(refusal(() => limiter.acquireSync(key, 0)).retryAfterSeconds).toBe(1); // next slot (t0 + 1 s) frees at t0 + 61 s

    clock.set(t0 + 61_000);
    limiter.acquireSync(key, 0).settle(0);
    clock.set(t0 + 200_000); // the whole window has passed: all 10 again
    for (let index = 0; index < 10; index += 1) limiter.acquireSync(key, 0).settle(0);
    expect(refusal(() => limiter.acquireSync(key, 0)).limit).toBe('requests');
  });

  it('counts a refused request nowhere, and settling does not give a request back', () => {
    const clock = fakeClock();
    const limiter = createInMemoryRateLimiter({ now: clock.now });
    const key = keyWith({ limits: { requestsPerMinute: 2 } });
    limiter.acquireSync(key, 0).settle(0);
    limiter.acquireSync(key, 0).release();
    for (let index = 0; index < 5; index += 1) refusal(() => limiter.acquireSync(key, 0));
    clock.advance(60_000);
    expect(limiter.peekSync(key).requests.remaining).toBe(2);
  });

  it('is atomic under concurrent acquire calls: 20 at once against 10/min → exactly 10 pass', async () => {
    const clock = fakeClock();
    const limiter = createInMemoryRateLimiter({ now: clock.now });
    const key = keyWith({ limits: { requestsPerMinute: 10 } });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => limiter.acquire(key, 10)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(rejected).toHaveLength(10);
    for (const result of rejected) expect(result.reason).toBeInstanceOf(RateLimitError);
  });

  it('reads the limits from the key on every call (an admin change applies at once)', () => {
    const clock = fakeClock();
    const limiter = createInMemoryRateLimiter({ now: clock.now });
    const key = keyWith({ limits: { requestsPerMinute: 5 } });
    for (let index = 0; index < 3; index += 1) limiter.acquireSync(key, 0).settle(0);
    const lowered = { ...key, rateLimits: { ...key.rateLimits, requestsPerMinute: 3 } };
    expect(refusal(() => limiter.acquireSync(lowered, 0)).message).toBe('rate limit: 3 requests per minute for this key');
    const raised = { ...key, rateLimits: { ...key.rateLimits, requestsPerMinute: 4 } };
    limiter.acquireSync(raised, 0).settle(0);
  });
});

describe('in-memory rate limiter: tokens per minute', () => {
  it('checks the estimate up front and reconciles over- and under-estimates with the actual usage', () => {
    const clock = fakeClock();
    const t0 = clock.now();
    const limiter = createInMemoryRateLimiter({ now: clock.now });
    const key = keyWith({ limits: { tokensPerMinute: 1000 } });

    const first = limiter.acquireSync(key, 600);
    expect(first.state().tokens).toEqual({ limit: 1000, remaining: 400, resetMs: 60_000 });
    const refused = refusal(() => limiter.acquireSync(key, 500)); // 600 + 500 > 1000
    expect(refused.limit).toBe('tokens');
    expect(refused.message).toBe('rate limit: 1000 tokens per minute for this key (600 used in the last minute, this request needs about 500)');
    expect(refused.retryAfterSeconds).toBe(60);

    clock.set(t0 + 5_000);
    first.settle(200); // over-estimate: 400 tokens come back
    expect(first.state().tokens.remaining).toBe(800);
    const second = limiter.acquireSync(key, 500); // 200 + 500 ≤ 1000
    second.settle(700); // under-estimate: 200 more count
    expect(second.state().tokens.remaining).toBe(100); // 1000 − 200 − 700
    expect(refusal(() => limiter.acquireSync(key, 101)).limit).toBe('tokens');
    limiter.acquireSync(key, 100).settle(100); // exactly to the limit is allowed
    expect(limiter.peekSync(key).tokens.remaining).toBe(0);

    // t0's 200 free at t0 + 60 s; t0 + 5 s's 800 at t0 + 65 s.
    clock.set(t0 + 60_000);
    expect(limiter.peekSync(key).tokens).toEqual({ limit: 1000, remaining: 200, resetMs: 5_000 });
    clock.set(t0 + 65_000);
    expect(limiter.peekSync(key).tokens).toEqual({ limit: 1000, remaining: 1000, resetMs: 0 });
  });

  it('retry-after is the time until enough tokens leave the window', () => {
    const clock = fakeClock();
    const t0 = clock.now();
    const limiter = createInMemoryRateLimiter({ now: clock.now });
    const key = keyWith({ limits: { tokensPerMinute: 1000 } });
    for (let index = 0; index < 3; index += 1) {
      clock.set(t0 + index * 10_000);
      limiter.acquireSync(key, 300).settle(300);
    }
    clock.set(t0 + 30_000);
    // 900 used, 500 needed: 400 must leave → the entries of t0 and t0 + 10 s → t0 + 70 s.
    expect(refusal(() => limiter.acquireSync(key, 500)).retryAfterSeconds).toBe(40);
    // 200 needed: 100 must leave → the entry of t0 → t0 + 60 s.
    expect(refusal(() => limiter.acquireSync(key, 200)).retryAfterSeconds).toBe(30);
    clock.set(t0 + 60_000);
    limiter.acquireSync(key, 400).settle(400);
  });

  it('refuses a request larger than the whole limit, even in an empty window, without retry-after', () => {
    const clock = fakeClock();
    const limiter = createInMemoryRateLimiter({ now: clock.now });
    const key = keyWith({ limits: { tokensPerMinute: 1000, requestsPerMinute: 5 } });
    const error = refusal(() => limiter.acquireSync(key, 1001));
    expect(error.limit).toBe('tokens');
    expect(error.message).toContain('needs about 1001 tokens');
    expect(error.message).toContain("more than this key's whole limit of 1000 tokens per minute");
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(error.retryable).toBe(false);
    expect(limiter.peekSync(key).requests.remaining).toBe(5); // nothing taken
    limiter.acquireSync(key, 1000).settle(1000); // the whole limit in one request fits an empty window
  });

  it('release() counts the estimate, release(n) counts n; settling after the window moved counts the excess now', () => {
    const clock = fakeClock();
    const t0 = clock.now();
    const limiter = createInMemoryRateLimiter({ now: clock.now });
    const key = keyWith({ limits: { tokensPerMinute: 10_000 } });
    limiter.acquireSync(key, 1000).release();
    limiter.acquireSync(key, 1000).release(250);
    expect(limiter.peekSync(key).tokens.remaining).toBe(10_000 - 1000 - 250);

    const long = limiter.acquireSync(key, 100); // a stream running past the window
    clock.set(t0 + 90_000);
    expect(limiter.peekSync(key).tokens.remaining).toBe(10_000);
    long.settle(600); // its 100 already left; the 500 it used beyond the estimate count from now
    expect(limiter.peekSync(key).tokens).toEqual({ limit: 10_000, remaining: 9_500, resetMs: 60_000 });
    const shortLong = limiter.acquireSync(key, 800);
    clock.set(t0 + 200_000);
    shortLong.settle(100); // over-estimate after it left the window: nothing to give back
    expect(limiter.peekSync(key).tokens.remaining).toBe(10_000);
  });
});

describe('in-memory rate limiter: concurrency and tickets', () => {
  it('refuses the K+1th concurrent request; settling or releasing frees exactly one slot, once', () => {
    const clock = fakeClock();
    const limiter = createInMemoryRateLimiter({ now: clock.now });
    const key = keyWith({ limits: { concurrentRequests: 3 } });
    const tickets = [limiter.acquireSync(key, 0), limiter.acquireSync(key, 0), limiter.acquireSync(key, 0)];
    const fourth = refusal(() => limiter.acquireSync(key, 0));
    expect(fourth.limit).toBe('concurrency');
    expect(fourth.message).toBe('rate limit: 3 concurrent requests for this key');
    expect(fourth.retryAfterSeconds).toBe(1);

    tickets[0]!.settle(10);
    tickets[0]!.settle(10); // idempotent
    tickets[0]!.release(); // still nothing
    const replacement = limiter.acquireSync(key, 0);
    expect(refusal(() => limiter.acquireSync(key, 0)).limit).toBe('concurrency');
    tickets[1]!.release();
    replacement.settle(0);
    limiter.acquireSync(key, 0);
    limiter.acquireSync(key, 0);
    expect(refusal(() => limiter.acquireSync(key, 0)).limit).toBe('concurrency');
  });

  it('names the first refusing limit (concurrency, requests, tokens) and waits for the slowest', () => {
    const clock = fakeClock();
    const t0 = clock.now();
    const limiter = createInMemoryRateLimiter({ now: clock.now });
    const key = keyWith({ limits: { concurrentRequests: 1, requestsPerMinute: 1, tokensPerMinute: 100 } });
    limiter.acquireSync(key, 100);
    clock.set(t0 + 15_000);
    const error = refusal(() => limiter.acquireSync(key, 50));
    expect(error.limit).toBe('concurrency');
    expect(error.retryAfterSeconds).toBe(45); // requests and tokens free at t0 + 60 s
    expect(error.state).toEqual({
      requests: { limit: 1, remaining: 0, resetMs: 45_000 },
      tokens: { limit: 100, remaining: 0, resetMs: 45_000 },
    });
    expect(rateLimitHeaders(error.state)).toEqual({
      'x-ratelimit-limit-requests': '1',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '45s',
      'x-ratelimit-limit-tokens': '100',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': '45s',
    });
  });

  it('rejects through the async interface and reports the numbers for headers', async () => {
    const clock = fakeClock();
    const limiter = createInMemoryRateLimiter({ now: clock.now });
    const key = keyWith({ limits: { requestsPerMinute: 2, tokensPerMinute: 5000 } });
    const ticket = await limiter.acquire(key, 1200);
    clock.advance(500);
    expect(ticket.state()).toEqual({
      requests: { limit: 2, remaining: 1, resetMs: 59_500 },
      tokens: { limit: 5000, remaining: 3800, resetMs: 59_500 },
    });
    ticket.settle(900);
    expect(rateLimitHeaders(ticket.state())).toEqual({
      'x-ratelimit-limit-requests': '2',
      'x-ratelimit-remaining-requests': '1',
      'x-ratelimit-reset-requests': '59.5s',
      'x-ratelimit-limit-tokens': '5000',
      'x-ratelimit-remaining-tokens': '4100',
      'x-ratelimit-reset-tokens': '59.5s',
    });
    await limiter.acquire(key, 1);
    await expect(limiter.acquire(key, 1)).rejects.toMatchObject({ kind: 'resource_exhausted', limit: 'requests', retryAfterSeconds: 60 });
    // A key that never acquired reports full windows.
    expect(await limiter.peek(keyWith({ id: 'fresh', limits: { requestsPerMinute: 7 } }))).toEqual({
      requests: { limit: 7, remaining: 7, resetMs: 0 },
      tokens: { limit: 0, remaining: 0, resetMs: 0 },
    });
  });
});

describe('in-memory rate limiter: fast path and memory', () => {
  it('a key without limits gets the shared no-op ticket and leaves no state', async () => {
    const limiter = createInMemoryRateLimiter({ now: () => 0 });
    const key = keyWith();
    for (let index = 0; index < 1000; index += 1) expect(limiter.acquireSync(key, 1e9)).toBe(UNLIMITED_TICKET);
    expect(await limiter.acquire(key, 5)).toBe(UNLIMITED_TICKET);
    expect(limiter.trackedKeys()).toBe(0);
    expect(UNLIMITED_TICKET.state()).toBe(UNLIMITED_STATE);
    expect(limiter.peekSync(key)).toBe(UNLIMITED_STATE);
    expect(rateLimitHeaders(UNLIMITED_STATE)).toEqual({});
  });

  it('sweeps idle keys, keeps keys with requests in flight, and bounds the number of keys', () => {
    const clock = fakeClock();
    const limiter = createInMemoryRateLimiter({ now: clock.now, sweepIntervalMs: 60_000, maxKeys: 100 });
    const held = limiter.acquireSync(keyWith({ id: 'busy', limits: { concurrentRequests: 1 } }), 0);
    for (let index = 0; index < 99; index += 1) {
      limiter.acquireSync(keyWith({ id: `k${index}`, limits: { requestsPerMinute: 10, tokensPerMinute: 1000 } }), 10).settle(10);
    }
    expect(limiter.trackedKeys()).toBe(100);
    // Over the bound before the interval: the least recently used keys without requests in flight go.
    limiter.acquireSync(keyWith({ id: 'extra', limits: { requestsPerMinute: 10 } }), 0).settle(0);
    expect(limiter.trackedKeys()).toBeLessThanOrEqual(100);
    clock.advance(61_000);
    limiter.acquireSync(keyWith({ id: 'late', limits: { requestsPerMinute: 10 } }), 0).settle(0);
    expect(limiter.trackedKeys()).toBe(2); // 'busy' (in flight) and 'late'
    held.settle(0);
    // The in-flight key kept its state: its slot is free now, and only now.
    limiter.acquireSync(keyWith({ id: 'busy', limits: { concurrentRequests: 1 } }), 0);
    expect(refusal(() => limiter.acquireSync(keyWith({ id: 'busy', limits: { concurrentRequests: 1 } }), 0)).limit).toBe('concurrency');
  });
});
