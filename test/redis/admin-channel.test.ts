// The admin-changed channel over the real Redis: another replica hears a scope,
// the announcing one does not hear itself, foreign messages are ignored, and a
// subscription that comes back after an outage invalidates every scope, and an
// announcement that could not be sent makes the next one of its scope name no ids.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminChannel } from '../../src/redis/admin-channel.js';
import { connectRedis, type RedisConnection } from '../../src/redis/redis-client.js';
import { TEST_REDIS_URL } from '../setup/redis-url.js';

const SCOPES = ['keys', 'routes'] as const;
const opened: RedisConnection[] = [];

async function until(check: () => boolean, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

afterEach(async () => {
  for (const connection of opened.splice(0)) await connection.close();
});

describe('admin channel', () => {
  it('tells the other replicas the scope of an admin write, not the writer itself', async () => {
    const prefix = `test:${randomUUID()}:`;
    const [one, other] = [connectRedis(TEST_REDIS_URL, () => {}), connectRedis(TEST_REDIS_URL, () => {})];
    opened.push(one, other);
    await Promise.all([one.ready(5_000), other.ready(5_000)]);
    const heard = { one: [] as string[], other: [] as string[] };
    const writer = createAdminChannel(one, prefix, SCOPES, () => {});
    writer.onAnnounced((scope) => heard.one.push(scope));
    createAdminChannel(other, prefix, SCOPES, () => {}).onAnnounced((scope) => heard.other.push(scope));
    await new Promise((resolve) => setTimeout(resolve, 200)); // both subscriptions in place
    await one.publish(`${prefix}admin-changed`, 'not json');
    await one.publish(`${prefix}admin-changed`, JSON.stringify({ scope: 'unknown', origin: 'x' }));
    writer.announce('routes');
    await until(() => heard.other.length > 0, 2_000);
    expect(heard.other).toEqual(['routes']);
    expect(heard.one).toEqual([]);
  });

  it('carries the ids of the records written (a key write names its key); a message without them names none', async () => {
    const prefix = `test:${randomUUID()}:`;
    const [one, other] = [connectRedis(TEST_REDIS_URL, () => {}), connectRedis(TEST_REDIS_URL, () => {})];
    opened.push(one, other);
    await Promise.all([one.ready(5_000), other.ready(5_000)]);
    const heard: Array<[string, readonly string[] | undefined]> = [];
    const writer = createAdminChannel(one, prefix, SCOPES, () => {});
    createAdminChannel(other, prefix, SCOPES, () => {}).onAnnounced((scope, ids) => heard.push([scope, ids]));
    await new Promise((resolve) => setTimeout(resolve, 200)); // both subscriptions in place
    writer.announce('keys', ['key_1']);
    writer.announce('routes');
    // From an older replica (no ids), or not a list of strings: any key may have changed.
    await one.publish(`${prefix}admin-changed`, JSON.stringify({ scope: 'keys', origin: 'older' }));
    await one.publish(`${prefix}admin-changed`, JSON.stringify({ scope: 'keys', origin: 'odd', ids: [1] }));
    await until(() => heard.length === 4, 2_000);
    expect(heard).toEqual([
      ['keys', ['key_1']],
      ['routes', undefined],
      ['keys', undefined],
      ['keys', undefined],
    ]);
  });

  it('names no ids in the next announcement of a scope whose announcement could not be sent', async () => {
    const published: object[] = [];
    let down = true;
    const connection = fakeConnection({
      publish: async (_channel, message) => {
        if (down) throw new Error('redis is down');
        published.push(JSON.parse(message) as object);
      },
    });
    const errors: unknown[] = [];
    const writer = createAdminChannel(connection, 'p:', SCOPES, (error) => errors.push(error));
    writer.announce('keys', ['key_revoked']); // lost: Redis is down
    await until(() => errors.length === 1, 1_000);
    down = false;
    writer.announce('keys', ['key_other']);
    writer.announce('routes', ['r']);
    await until(() => published.length === 2, 1_000);
    // The revoked key's announcement was lost: the next one makes every key be re-read.
    expect(published).toEqual([expect.not.objectContaining({ ids: expect.anything() }), expect.objectContaining({ scope: 'routes', ids: ['r'] })]);
    writer.announce('keys', ['key_third']);
    await until(() => published.length === 3, 1_000);
    expect(published[2]).toMatchObject({ scope: 'keys', ids: ['key_third'] });
  });

  it('invalidates every scope when the subscription comes back after a disconnection', () => {
    let resubscribed = () => {};
    const fake = fakeConnection({ subscribe: (_channel, _listener, onResubscribed) => void (resubscribed = onResubscribed) });
    const heard: string[] = [];
    createAdminChannel(fake, 'p:', SCOPES, () => {}).onAnnounced((scope) => heard.push(scope));
    resubscribed();
    expect(heard).toEqual(['keys', 'routes']);
  });
});

function fakeConnection(overrides: Partial<RedisConnection>): RedisConnection {
  return {
    run: async () => null,
    commandTimeoutMs: 1_000,
    ping: async () => {},
    publish: async () => {},
    subscribe: () => {},
    ready: async () => true,
    isUp: () => true,
    onReady: () => {},
    getBytes: async () => null,
    setBytes: async () => {},
    setIfAbsent: async () => false,
    exists: async () => false,
    close: async () => {},
    ...overrides,
  };
}
