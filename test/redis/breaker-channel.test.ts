// Breaker transitions shared through the real Redis: two breaker registries on
// two connections stand for two replicas wired as compose.ts wires them.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createBreakerRegistry, type BreakerRegistry } from '../../src/core/routing/breaker-registry.js';
import { createBreakerChannel } from '../../src/redis/breaker-channel.js';
import { connectRedis } from '../../src/redis/redis-client.js';
import { TEST_REDIS_URL } from '../setup/redis-url.js';

const opened: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const item of opened.splice(0)) await item.close();
});

interface Replica {
  breakers: BreakerRegistry;
  transitions: Array<{ target: string; to: string; remote: boolean }>;
}

async function replicas(count: number): Promise<Replica[]> {
  const prefix = `test:${randomUUID()}:`;
  const group = await Promise.all(
    Array.from({ length: count }, async () => {
      const connection = connectRedis(TEST_REDIS_URL, () => {});
      opened.push(connection);
      expect(await connection.ready(5_000)).toBe(true);
      const bus = createBreakerChannel(connection, prefix, (error) => {
        throw error;
      });
      const transitions: Replica['transitions'] = [];
      const breakers: BreakerRegistry = createBreakerRegistry({
        breaker: { coolDownMs: 100, consecutiveFailures: 3 },
        onTransition: (target, _from, to, reason, remote) => {
          transitions.push({ target, to, remote: remote === true });
          if (!remote && (to === 'open' || to === 'closed')) bus.announce(target, to, reason);
        },
      });
      bus.onAnnounced((target, to, reason) => breakers.applyRemote(target, to, `${reason} (on another replica)`));
      return { breakers, transitions };
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 200)); // the subscriptions are in place
  return group;
}

describe('breaker transitions shared through Redis', () => {
  it('opens the breaker on every replica when it opens on one, and closes it everywhere when a probe succeeds', async () => {
    const [a, b, c] = await replicas(3);
    const target = 'up/dead-model';
    for (let attempt = 0; attempt < 3; attempt += 1) a!.breakers.get(target).fail(a!.breakers.get(target).tryAcquire()!);
    expect(a!.breakers.get(target).state()).toBe('open');
    await expect.poll(() => [b!.breakers.peek(target)?.state(), c!.breakers.peek(target)?.state()]).toEqual(['open', 'open']);
    expect(b!.breakers.get(target).tryAcquire()).toBeNull(); // B now refuses the dead upstream too
    expect(b!.transitions).toEqual([{ target, to: 'open', remote: true }]);

    await new Promise((resolve) => setTimeout(resolve, 150)); // A's cool-down ends: its probe goes through and succeeds
    const probe = a!.breakers.get(target).tryAcquire()!;
    expect(probe.probe).toBe(true);
    a!.breakers.get(target).succeed(probe);
    await expect.poll(() => [b!.breakers.peek(target)?.state(), c!.breakers.peek(target)?.state()]).toEqual(['closed', 'closed']);
    // Remote transitions are not echoed back: A saw only its own.
    expect(a!.transitions.every((transition) => !transition.remote)).toBe(true);
  });

  it('leaves a target a replica never used alone when another closes it', async () => {
    const [a, b] = await replicas(2);
    a!.breakers.applyRemote('up/other', 'closed', 'test');
    b!.breakers.applyRemote('up/other', 'closed', 'test');
    expect(b!.breakers.keys()).toEqual([]);
  });
});
