// A Redis stall longer than the command timeout (DEBUG SLEEP on a private
// redis-server): the caller gives up and falls back, but Redis runs what it was
// sent when it wakes. What those abandoned commands took — a key's concurrency
// slot, its request and estimated tokens, a budget reservation, a cache fill
// lock — must not stay
// behind, or every replica would refuse that key for a lease (README "Running
// several replicas"): a live replica gives it back, and a replica that died
// meanwhile had it refused by Redis (the deadline it sent had passed).
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitError } from '../../src/core/limits/limit-errors.js';
import type { LimitTicket } from '../../src/core/limits/rate-limiter.js';
import { createRedisBudgetLedger } from '../../src/redis/redis-budget-ledger.js';
import { createRedisCacheStore } from '../../src/redis/redis-cache-store.js';
import { connectRedis, type RedisConnection } from '../../src/redis/redis-client.js';
import { createRedisRateLimiter, type RedisRateLimiter } from '../../src/redis/redis-rate-limiter.js';
import { keyWith } from '../limits/limits-fakes.js';
import { startStallableRedis, type Holdings, type StallableRedis } from './stallable-redis.js';

const COMMAND_TIMEOUT_MS = 200;
// Far longer than the test: a slot left behind would still be held at every assertion.
const LEASE_MS = 600_000;
const STALL_SECONDS = 1.5;

let redis: StallableRedis;
const opened: Array<{ close(): unknown }> = [];

beforeAll(async () => {
  redis = await startStallableRedis();
});

afterEach(async () => {
  for (const part of opened.splice(0)) await part.close();
});

afterAll(async () => {
  await redis?.stop();
});

async function connect(): Promise<RedisConnection> {
  const connection = connectRedis(redis.url, () => {}, COMMAND_TIMEOUT_MS);
  opened.push(connection);
  expect(await connection.ready(5_000)).toBe(true);
  return connection;
}

function limiterOn(connection: RedisConnection, prefix: string): RedisRateLimiter {
  const limiter = createRedisRateLimiter({ connection, keyPrefix: prefix, leaseMs: LEASE_MS, onError: () => {} });
  opened.push(limiter);
  return limiter;
}

async function until(what: string, check: () => Promise<boolean>, boundMs = 10_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const nothingHeld: Holdings = { slots: 0, requests: 0, tokens: 0, reservations: 0 };

/** Takes the key's whole concurrency, one ticket per slot (rejects if a slot is taken). */
async function takeEverySlot(limiter: RedisRateLimiter, key: ReturnType<typeof keyWith>): Promise<LimitTicket[]> {
  const tickets: LimitTicket[] = [];
  for (let slot = 0; slot < key.rateLimits.concurrentRequests; slot += 1) tickets.push(await limiter.acquire(key, 100));
  return tickets;
}

describe('commands Redis runs after their caller gave up', () => {
  it('a live replica gives back the slot, request and tokens its abandoned acquire took', async () => {
    const prefix = `test:${randomUUID()}:`;
    const key = keyWith({ id: `k-${randomUUID()}`, limits: { concurrentRequests: 2, requestsPerMinute: 100, tokensPerMinute: 10_000 } });
    // Another replica's acquire loads the script into Redis (one Redis did not know would not be sent after the timeout).
    const other = limiterOn(await connect(), prefix);
    (await other.acquire(key, 100)).release(0);
    await until('the first acquire released', async () => (await redis.holdings(prefix)).slots === 0);
    // A replica that has not heard from Redis yet: no deadline to send, so only the giving back protects.
    const replica = limiterOn(await connect(), prefix);
    const { woke } = await redis.stall(STALL_SECONDS);
    const abandoned = await Promise.allSettled([replica.acquire(key, 100), replica.acquire(key, 100)]);
    expect(abandoned.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(abandoned.some((result) => result.status === 'rejected' && result.reason instanceof RateLimitError)).toBe(false);
    await woke;

    // The first acquire's request stays counted (a request is not given back once made); nothing else does.
    const firstOnly = { ...nothingHeld, requests: 1 };
    await until('the abandoned acquires given back', async () => JSON.stringify(await redis.holdings(prefix)) === JSON.stringify(firstOnly));
    const tickets = await takeEverySlot(other, key);
    expect(tickets.at(-1)!.state()).toMatchObject({ requests: { remaining: 100 - 3 }, tokens: { remaining: 10_000 - 200 } });
    for (const ticket of tickets) ticket.release(0);
  });

  it('a replica that dies during the stall leaves nothing: Redis refuses an acquire past its deadline', async () => {
    const prefix = `test:${randomUUID()}:`;
    const key = keyWith({ id: `k-${randomUUID()}`, limits: { concurrentRequests: 2, tokensPerMinute: 10_000 } });
    const connection = await connect();
    const dying = limiterOn(connection, prefix);
    // One acquire answered in time: the replica knows Redis's clock, so its next acquires carry a deadline.
    (await dying.acquire(key, 100)).release(0);
    await until('the first acquire released', async () => JSON.stringify(await redis.holdings(prefix)) === JSON.stringify(nothingHeld));
    const { woke } = await redis.stall(STALL_SECONDS);
    const abandoned = await Promise.allSettled([dying.acquire(key, 100), dying.acquire(key, 100)]);
    expect(abandoned.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    // It dies before Redis wakes: it can give nothing back (its acquires are still sent; Redis runs them).
    await connection.close();
    await woke;

    expect(await redis.holdings(prefix)).toEqual(nothingHeld);
    const other = limiterOn(await connect(), prefix);
    for (const ticket of await takeEverySlot(other, key)) ticket.release(0);
  });

  it('a live replica gives back the budget reservation its abandoned check took', async () => {
    const prefix = `test:${randomUUID()}:`;
    const connection = await connect();
    const ledger = createRedisBudgetLedger({ connection, keyPrefix: prefix, leaseMs: LEASE_MS, onError: () => {} });
    opened.push(ledger);
    const request = { keyId: `k-${randomUUID()}`, periodId: 'total', unit: 'usd' as const, budget: 1, knownSpent: 0, amount: 0.6 };
    await (await ledger.reserve(request)).reservation?.settle(0); // loads the script into Redis
    const { woke } = await redis.stall(STALL_SECONDS);
    await expect(ledger.reserve(request)).rejects.toThrow();
    await woke;

    await until('the abandoned reservation given back', async () => (await redis.holdings(prefix)).reservations === 0);
    const answer = await ledger.reserve(request);
    expect(answer).toMatchObject({ admitted: true, spent: 0, reserved: 0 });
    await answer.reservation?.settle(0);
  });

  it('a live replica deletes the cache fill lock its abandoned claim took, so no other replica waits on it', async () => {
    const prefix = `test:${randomUUID()}:`;
    const store = (connection: RedisConnection) => createRedisCacheStore({ connection, keyPrefix: prefix, lockMs: LEASE_MS, onError: () => {} });
    const stalled = store(await connect());
    const other = store(await connect());
    const { woke } = await redis.stall(STALL_SECONDS);
    await expect(stalled.claim('entry')).rejects.toThrow();
    await woke;

    await until('the abandoned fill lock deleted', async () => !(await other.isLocked('entry')));
    const lock = await other.claim('entry');
    expect(lock).not.toBeNull();
    lock?.release();
  });
});
