// The failure policy around the shared limiter, with a shared store that can be
// switched off: open falls back to local limits, closed refuses limited keys,
// each transition is reported once, and while the store is away requests do
// not try it: the store's health (its probe) says when it is back.
import { describe, expect, it } from 'vitest';
import { createSharedStoreHealth } from '../../src/core/shared-store/shared-store-health.js';
import { GatewayError } from '../../src/domain/gateway-error.js';
import { createFailoverRateLimiter } from '../../src/core/limits/failover-rate-limiter.js';
import { createInMemoryRateLimiter } from '../../src/core/limits/in-memory-rate-limiter.js';
import { RateLimitError } from '../../src/core/limits/limit-errors.js';
import type { RateLimiter } from '../../src/core/limits/rate-limiter.js';
import { fakeClock, keyWith } from './limits-fakes.js';

function switchable(inner: RateLimiter) {
  const store = { up: true, calls: 0 };
  const limiter: RateLimiter = {
    acquire: async (key, tokens) => {
      store.calls += 1;
      if (!store.up) throw new Error('connection refused');
      return inner.acquire(key, tokens);
    },
    peek: async (key) => {
      store.calls += 1;
      if (!store.up) throw new Error('connection refused');
      return inner.peek(key);
    },
  };
  return { store, limiter };
}

describe('failover rate limiter', () => {
  it('open: limits locally while the store is away, reports each transition once, and shares again when it returns', async () => {
    const clock = fakeClock();
    const { store, limiter: shared } = switchable(createInMemoryRateLimiter({ now: clock.now }));
    const transitions: boolean[] = [];
    const health = createSharedStoreHealth({ onTransition: (up) => transitions.push(up), probe: async () => {}, probeEveryMs: 60_000 });
    const limiter = createFailoverRateLimiter({ shared, local: createInMemoryRateLimiter({ now: clock.now }), mode: 'open', health });
    const key = keyWith({ limits: { requestsPerMinute: 3 } });
    await limiter.acquire(key, 0);
    store.up = false;
    for (let index = 0; index < 3; index += 1) await limiter.acquire(key, 0); // local window: 3 more
    await expect(limiter.acquire(key, 0)).rejects.toBeInstanceOf(RateLimitError);
    expect(transitions).toEqual([false]);
    expect(limiter.status()).toBe('local-fallback');
    const callsWhileDown = store.calls;
    await expect(limiter.acquire(key, 0)).rejects.toBeInstanceOf(RateLimitError);
    expect(store.calls).toBe(callsWhileDown); // requests never try the store while it is away
    store.up = true;
    health.succeeded(); // what the probe does when the store answers
    await limiter.acquire(key, 0); // the shared window had 1 of 3
    expect(transitions).toEqual([false, true]);
    expect(limiter.status()).toBe('shared');
    expect((await limiter.peek(key)).requests.remaining).toBe(1);
  });

  it('closed: refuses keys with limits as unavailable while the store is away; keys without limits pass', async () => {
    const { store, limiter: shared } = switchable(createInMemoryRateLimiter());
    const health = createSharedStoreHealth({ onTransition: () => {}, probe: async () => {}, probeEveryMs: 60_000 });
    const limiter = createFailoverRateLimiter({ shared, local: createInMemoryRateLimiter(), mode: 'closed', health });
    store.up = false;
    const error = await limiter.acquire(keyWith({ limits: { requestsPerMinute: 3 } }), 0).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).kind).toBe('unavailable');
    expect(limiter.status()).toBe('refusing');
    await limiter.acquire(keyWith(), 0);
  });
});
