// A hung Redis (its own redis-server, stopped with SIGSTOP: connected, never
// answering) must not hang requests: each command fails after
// GATEWAY_REDIS_COMMAND_TIMEOUT_MS and its feature falls back — a budget is
// checked by the replica's own guard, the cache calls upstream — counted.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBudgetGuard } from '../../src/core/limits/budget-guard.js';
import { createResponseCache } from '../../src/core/cache/response-cache.js';
import { createSharedBudgetGuard } from '../../src/core/shared-store/shared-budget-guard.js';
import { createSharedResponseCache } from '../../src/core/shared-store/shared-response-cache.js';
import { createSharedStoreHealth, type SharedFeature } from '../../src/core/shared-store/shared-store-health.js';
import { createRedisBudgetLedger } from '../../src/redis/redis-budget-ledger.js';
import { createRedisCacheStore } from '../../src/redis/redis-cache-store.js';
import { connectRedis, luaScript, type RedisConnection } from '../../src/redis/redis-client.js';
import { freePort } from '../helpers/gateway-process.js';
import { fakeSpendRepository, keyWith } from '../limits/limits-fakes.js';
import { sampleResponse } from '../cache/helpers.js';

let redis: ChildProcess;
let connection: RedisConnection;

beforeAll(async () => {
  const port = await freePort();
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  connection = connectRedis(`redis://127.0.0.1:${port}`, () => {}, 200);
  const deadline = Date.now() + 10_000;
  while (!(await connection.ready(200))) if (Date.now() > deadline) throw new Error('redis-server did not start');
});

afterAll(async () => {
  await connection?.close();
  if (redis) {
    redis.kill('SIGCONT');
    const stopped = once(redis, 'exit');
    redis.kill('SIGKILL');
    await stopped;
  }
});

describe('a hung Redis', () => {
  it('fails every command waiting behind one that timed out together with it, not each after its own wait', async () => {
    // One connection answers in order: a command sent after one still unanswered cannot be answered before it.
    const one = luaScript('return 1');
    redis.kill('SIGSTOP');
    try {
      const first = connection.run(one, [], []);
      first.catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
      let second: 'waiting' | 'answered' | 'failed' = 'waiting';
      connection.run(one, [], []).then(
        () => (second = 'answered'),
        () => (second = 'failed'),
      );
      await expect(first).rejects.toThrow(/did not answer/);
      await new Promise((resolve) => setImmediate(resolve));
      expect(second).toBe('failed');
    } finally {
      redis.kill('SIGCONT');
    }
    await expect(connection.run(one, [], [])).resolves.toBe(1);
  });

  it('delays a budget check and a cache lookup by the command timeout, then falls back (counted)', async () => {
    const fallbacks: SharedFeature[] = [];
    const health = createSharedStoreHealth({ onTransition: () => {}, probe: () => connection.ping() });
    health.onFallback((feature) => fallbacks.push(feature));
    const prefix = `test:${randomUUID()}:`;
    const budgets = createSharedBudgetGuard({
      local: createBudgetGuard({ spend: fakeSpendRepository() }),
      ledger: createRedisBudgetLedger({ connection, keyPrefix: prefix, leaseMs: 30_000, onError: () => {} }),
      health,
      mode: 'open',
    });
    const cache = createSharedResponseCache({
      local: createResponseCache({ maxBytes: 100_000, ttlMs: 60_000 }),
      store: createRedisCacheStore({ connection, keyPrefix: prefix, lockMs: 5_000, onError: () => {} }),
      // Its own health: the budget's failure above must not make the cache skip Redis without trying.
      health: (() => {
        const own = createSharedStoreHealth({ onTransition: () => {}, probe: () => connection.ping() });
        own.onFallback((feature) => fallbacks.push(feature));
        return own;
      })(),
      ttlMs: 60_000,
      maxEntryBytes: 100_000,
    });
    redis.kill('SIGSTOP');
    const key = keyWith({ id: `k-${randomUUID()}`, budget: { amount: 1, unit: 'usd', period: 'month' } });
    const reservation = await budgets.check(key, { tokens: 10, costUsd: 0.5 });
    expect(reservation.reserved.costUsd).toBe(0.5);
    let upstreamCalls = 0;
    const answer = await cache.getOrCompute(`c-${randomUUID()}`, async () => {
      upstreamCalls += 1;
      return sampleResponse();
    });
    expect(answer.hit).toBe(false);
    expect(upstreamCalls).toBe(1);
    expect(fallbacks).toEqual(['budgets', 'cache']);
  });
});
