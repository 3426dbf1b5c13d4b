// Budgets shared through the real Redis: three guards on three connections
// stand for three replicas (one spend store, like one MariaDB), each with its
// own in-process cache of the spend. Reservations in flight are seen by all,
// commits at once, a dead replica's reservations expire with their lease, and
// without Redis the failure mode decides (open: per replica; closed: refused).
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createBudgetGuard, type BudgetGuard, type BudgetReservation } from '../../src/core/limits/budget-guard.js';
import { BudgetExceededError } from '../../src/core/limits/limit-errors.js';
import { createSharedBudgetGuard } from '../../src/core/shared-store/shared-budget-guard.js';
import { createSharedStoreHealth, type SharedFeature } from '../../src/core/shared-store/shared-store-health.js';
import { GatewayError } from '../../src/domain/gateway-error.js';
import { createRedisBudgetLedger, type RedisBudgetLedger } from '../../src/redis/redis-budget-ledger.js';
import { connectRedis, type RedisConnection } from '../../src/redis/redis-client.js';
import { fakeSpendRepository, keyWith, type FakeSpendRepository } from '../limits/limits-fakes.js';
import { TEST_REDIS_URL } from '../setup/redis-url.js';

const opened: Array<{ close(): unknown }> = [];
const errors: unknown[] = [];

afterEach(async () => {
  for (const item of opened.splice(0)) await item.close();
  expect(errors.splice(0)).toEqual([]);
});

interface Replica {
  guard: BudgetGuard;
  ledger: RedisBudgetLedger;
  fallbacks: SharedFeature[];
}

async function replicas(count: number, spend: FakeSpendRepository, options: { leaseMs?: number; url?: string; mode?: 'open' | 'closed' } = {}): Promise<Replica[]> {
  const prefix = `test:${randomUUID()}:`;
  return Promise.all(
    Array.from({ length: count }, async () => {
      const connection: RedisConnection = connectRedis(options.url ?? TEST_REDIS_URL, () => {}, options.url ? 200 : 5_000) // generous: a loaded machine must not turn a slow answer into a fallback;
      const ledger = createRedisBudgetLedger({ connection, keyPrefix: prefix, leaseMs: options.leaseMs ?? 30_000, onError: (error) => errors.push(error) });
      opened.push(ledger, connection);
      if (!options.url) expect(await connection.ready(5_000)).toBe(true);
      const fallbacks: SharedFeature[] = [];
      const health = createSharedStoreHealth({ onTransition: () => {}, probe: () => connection.ping() });
      health.onFallback((feature) => fallbacks.push(feature));
      const local = createBudgetGuard({ spend });
      return { guard: createSharedBudgetGuard({ local, ledger, health, mode: options.mode ?? 'open' }), ledger, fallbacks };
    }),
  );
}

async function outcome(promise: Promise<BudgetReservation>): Promise<BudgetReservation | BudgetExceededError> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof BudgetExceededError) return error;
    throw error;
  }
}

const usdKey = keyWith({ id: `k-${randomUUID()}`, budget: { amount: 1, unit: 'usd', period: 'month' } });
const cost = (costUsd: number) => ({ tokens: 100, costUsd });

describe('budgets shared through Redis', () => {
  it('admits across three replicas × 10 concurrent requests only what one replica would: 3 of 30 at $0.30 against $1', async () => {
    const group = await replicas(3, fakeSpendRepository());
    const results = await Promise.all(group.flatMap((replica) => Array.from({ length: 10 }, () => outcome(replica.guard.check(usdKey, cost(0.3))))));
    const admitted = results.filter((result) => !(result instanceof BudgetExceededError));
    expect(admitted).toHaveLength(3);
    const refusal = results.find((result): result is BudgetExceededError => result instanceof BudgetExceededError)!;
    expect(refusal.reserved).toBeCloseTo(0.9, 9);
    expect(refusal.message).toMatch(/reserved by requests in flight/);
  });

  it('sees another replica’s commit at once (before any re-read of the database)', async () => {
    const spend = fakeSpendRepository();
    const [a, b] = await replicas(2, spend);
    const first = await a!.guard.check(usdKey, cost(0.5));
    await b!.guard.spendOf(usdKey); // B has the spend cached now ($0)
    await a!.guard.commit(first, cost(0.8));
    const refused = await outcome(b!.guard.check(usdKey, cost(0.3)));
    expect(refused).toBeInstanceOf(BudgetExceededError);
    expect((refused as BudgetExceededError).spent).toBeCloseTo(0.8, 9);
    expect(await outcome(b!.guard.check(usdKey, cost(0.2)))).not.toBeInstanceOf(BudgetExceededError);
  });

  it('frees a cancelled reservation for the other replicas', async () => {
    const [a, b] = await replicas(2, fakeSpendRepository());
    const held = await a!.guard.check(usdKey, cost(0.9));
    expect(await outcome(b!.guard.check(usdKey, cost(0.5)))).toBeInstanceOf(BudgetExceededError);
    a!.guard.cancel(held);
    await expect.poll(async () => !((await outcome(b!.guard.check(usdKey, cost(0.5)))) instanceof BudgetExceededError)).toBe(true);
  });

  it('checks an exhausted budget in one round trip: a reservation of nothing is admitted, held nowhere and never settled', async () => {
    const [a, b] = await replicas(2, fakeSpendRepository());
    // A key of its own: MONITOR sees every client of the server (other test files, earlier tests' renewals),
    // so only the commands on this key's structures are counted.
    const key = keyWith({ id: `k-${randomUUID()}`, budget: { amount: 1, unit: 'usd', period: 'month' } });
    const commands: string[] = [];
    const { Redis } = await import('ioredis');
    const watcher = new Redis(TEST_REDIS_URL);
    opened.push({ close: () => watcher.disconnect() });
    const feed = await watcher.monitor();
    feed.on('monitor', (_time: string, args: string[]) => {
      if (args.some((arg) => String(arg).includes(key.id))) commands.push(String(args[0]).toLowerCase());
    });
    const nothing = await a!.guard.check(key, cost(0));
    a!.guard.cancel(nothing);
    const held = await a!.guard.check(key, cost(0.9));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(commands.filter((command) => command === 'evalsha' || command === 'eval')).toHaveLength(2);
    // The empty check held nothing: B sees only A's $0.90.
    const refused = await outcome(b!.guard.check(key, cost(0.2)));
    expect((refused as BudgetExceededError).reserved).toBeCloseTo(0.9, 9);
    feed.disconnect();
    a!.guard.cancel(held);
  });

  it('frees the reservations of a replica that died once their lease ran out', async () => {
    const [a, b] = await replicas(2, fakeSpendRepository(), { leaseMs: 1_000 });
    await a!.guard.check(usdKey, cost(0.9));
    a!.ledger.close(); // dies: stops renewing, never settles
    expect(await outcome(b!.guard.check(usdKey, cost(0.5)))).toBeInstanceOf(BudgetExceededError);
    await expect.poll(async () => !((await outcome(b!.guard.check(usdKey, cost(0.5)))) instanceof BudgetExceededError), { timeout: 5_000, interval: 200 }).toBe(true);
  });

  it('keeps a running request’s reservation past its lease (renewed)', async () => {
    const [a, b] = await replicas(2, fakeSpendRepository(), { leaseMs: 1_000 });
    await a!.guard.check(usdKey, cost(0.9));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await outcome(b!.guard.check(usdKey, cost(0.5)))).toBeInstanceOf(BudgetExceededError);
  });

  it('without Redis: open falls back to the replica’s own guard (counted), closed refuses with unavailable', async () => {
    const unreachable = 'redis://127.0.0.1:1';
    const [open] = await replicas(1, fakeSpendRepository(), { url: unreachable });
    expect(await outcome(open!.guard.check(usdKey, cost(0.6)))).not.toBeInstanceOf(BudgetExceededError);
    expect(await outcome(open!.guard.check(usdKey, cost(0.6)))).toBeInstanceOf(BudgetExceededError); // the local guard still holds
    expect(open!.fallbacks).toEqual(['budgets']); // the second was refused by the local guard before reaching Redis
    const [closed] = await replicas(1, fakeSpendRepository(), { url: unreachable, mode: 'closed' });
    const refused = await closed!.guard.check(usdKey, cost(0.1)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GatewayError);
    expect((refused as GatewayError).kind).toBe('unavailable');
  });
});
