// The Redis RateLimiter against the real Redis on 127.0.0.1:6379: two limiter
// instances on two connections stand for two replicas; each test has its own
// key prefix, so tests never see each other's windows.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RateLimitError } from '../../src/core/limits/limit-errors.js';
import { createInMemoryRateLimiter } from '../../src/core/limits/in-memory-rate-limiter.js';
import type { LimitTicket } from '../../src/core/limits/rate-limiter.js';
import { connectRedis, type RedisConnection } from '../../src/redis/redis-client.js';
import { createRedisRateLimiter, type RedisRateLimiter } from '../../src/redis/redis-rate-limiter.js';
import { keyWith } from '../limits/limits-fakes.js';
import { TEST_REDIS_URL } from '../setup/redis-url.js';

const REDIS_URL = TEST_REDIS_URL;
const opened: Array<{ close(): unknown }> = [];
const errors: unknown[] = [];

async function replicas(count: number, leaseMs = 30_000): Promise<RedisRateLimiter[]> {
  const prefix = `test:${randomUUID()}:`;
  return Promise.all(
    Array.from({ length: count }, async () => {
      const connection = connectRedis(REDIS_URL, () => {});
      const limiter = createRedisRateLimiter({ connection, keyPrefix: prefix, leaseMs, onError: (error) => errors.push(error) });
      opened.push(limiter, connection);
      expect(await connection.ready(5_000)).toBe(true);
      return limiter;
    }),
  );
}

async function attempt(promise: Promise<LimitTicket>): Promise<LimitTicket | RateLimitError> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof RateLimitError) return error;
    throw error;
  }
}

async function until(check: () => Promise<boolean>, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

afterEach(async () => {
  for (const part of opened.splice(0)) await part.close();
  expect(errors.splice(0)).toEqual([]);
});

describe('redis rate limiter', () => {
  it('admits exactly the requests-per-minute limit of 200 concurrent acquires spread over two replicas', async () => {
    const [a, b] = await replicas(2);
    const key = keyWith({ id: 'rpm-key', limits: { requestsPerMinute: 50 } });
    const results = await Promise.all(Array.from({ length: 200 }, (_, index) => attempt((index % 2 ? a! : b!).acquire(key, 0))));
    const passed = results.filter((result) => !(result instanceof RateLimitError));
    const refused = results.filter((result): result is RateLimitError => result instanceof RateLimitError);
    expect(passed).toHaveLength(50);
    expect(refused).toHaveLength(150);
    expect(refused[0]!.limit).toBe('requests');
    expect(refused[0]!.message).toBe('rate limit: 50 requests per minute for this key');
    expect(refused[0]!.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(refused[0]!.state.requests).toMatchObject({ limit: 50, remaining: 0 });
    const state = await a!.peek(key);
    expect(state.requests.remaining).toBe(0);
    expect(state.requests.resetMs).toBeGreaterThan(58_000);
  });

  it('never has more requests in flight than the concurrency limit across two replicas, and frees a slot on settle', async () => {
    const [a, b] = await replicas(2);
    const key = keyWith({ id: 'conc-key', limits: { concurrentRequests: 3 } });
    let inFlight = 0;
    let most = 0;
    let admitted = 0;
    let refusedCount = 0;
    const worker = async (limiter: RedisRateLimiter) => {
      for (let round = 0; round < 15; round += 1) {
        const result = await attempt(limiter.acquire(key, 0));
        if (result instanceof RateLimitError) {
          expect(result.limit).toBe('concurrency');
          refusedCount += 1;
          continue;
        }
        inFlight += 1;
        admitted += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        inFlight -= 1; // before settle: the slot is still held while we count it as free
        result.settle(0);
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, index) => worker(index % 2 ? a! : b!)));
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBe(3);
    expect(admitted).toBeGreaterThan(3);
    expect(refusedCount).toBeGreaterThan(0);
  });

  it('keeps a running request’s slot past its lease (renewed), and frees a crashed replica’s slots once the lease ends', async () => {
    const [crashing, survivor] = await replicas(2, 1_000);
    const key = keyWith({ id: 'lease-key', limits: { concurrentRequests: 2 } });
    await crashing!.acquire(key, 0);
    const held = await survivor!.acquire(key, 0);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // 2.5 leases: both renewed meanwhile
    expect(await attempt(survivor!.acquire(key, 0))).toBeInstanceOf(RateLimitError);
    crashing!.close(); // stops renewing, never settles: a replica that died
    await until(async () => !((await attempt(survivor!.acquire(key, 0))) instanceof RateLimitError), 10_000);
    held.settle(0);
  });

  it('corrects the tokens window by the actual usage on settle and counts the estimate on release', async () => {
    const [a, b] = await replicas(2);
    const key = keyWith({ id: 'tpm-key', limits: { tokensPerMinute: 1_000 } });
    const first = await a!.acquire(key, 600);
    expect(first.state().tokens).toMatchObject({ limit: 1_000, remaining: 400 });
    const tooMuch = await attempt(b!.acquire(key, 500));
    expect(tooMuch).toBeInstanceOf(RateLimitError);
    expect((tooMuch as RateLimitError).message).toBe('rate limit: 1000 tokens per minute for this key (600 used in the last minute, this request needs about 500)');
    first.settle(100);
    await until(async () => (await b!.peek(key)).tokens.remaining === 900, 5_000);
    (await b!.acquire(key, 300)).release();
    await until(async () => (await a!.peek(key)).tokens.remaining === 600, 5_000);
    const whole = await attempt(a!.acquire(key, 1_001));
    expect((whole as RateLimitError).retryAfterSeconds).toBeUndefined();
  });

  it('gives the same x-ratelimit numbers as the in-memory limiter for the same sequence', async () => {
    const [shared] = await replicas(1);
    const local = createInMemoryRateLimiter();
    const key = keyWith({ id: 'parity-key', limits: { requestsPerMinute: 5, tokensPerMinute: 1_000 } });
    for (const estimate of [100, 250, 50]) {
      const [one, other] = await Promise.all([shared!.acquire(key, estimate), local.acquire(key, estimate)]);
      const [x, y] = [one.state(), other.state()];
      expect({ ...x.requests, resetMs: 0 }).toEqual({ ...y.requests, resetMs: 0 });
      expect({ ...x.tokens, resetMs: 0 }).toEqual({ ...y.tokens, resetMs: 0 });
      expect(Math.abs(x.requests.resetMs - y.requests.resetMs)).toBeLessThan(1_000);
    }
  });

  it('never reaches Redis for a key without limits', async () => {
    const broken: RedisConnection = {
      run: () => Promise.reject(new Error('must not be called')),
      commandTimeoutMs: 1_000,
      ping: () => Promise.reject(new Error('must not be called')),
      publish: () => Promise.reject(new Error('must not be called')),
      subscribe: () => {},
      ready: async () => true,
      isUp: () => true,
      onReady: () => {},
      getBytes: async () => null,
      setBytes: async () => {},
      setIfAbsent: async () => false,
      exists: async () => false,
      close: async () => {},
    };
    const limiter = createRedisRateLimiter({ connection: broken, keyPrefix: 'x:', leaseMs: 1_000, onError: (error) => errors.push(error) });
    const ticket = await limiter.acquire(keyWith(), 10);
    ticket.settle(10);
    expect((await limiter.peek(keyWith())).requests.limit).toBe(0);
  });
});
