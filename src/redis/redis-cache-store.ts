// The response cache's shared tier over Redis: one string per entry (with a
// PX time to live: Redis drops expired entries; its maxmemory policy bounds the
// total), and a fill lock per key — SET NX PX with a random token, renewed
// while its holder fills, deleted only by its holder (a Lua compare-and-delete),
// and expiring on its own when the holder dies. A lock taken by a claim that
// was answered after the command timeout (the request went on without it) is
// deleted at once, so no waiter waits on it.
import { randomUUID } from 'node:crypto';
import type { FillLock, SharedCacheStore } from '../core/shared-store/shared-cache-store.js';
import { luaScript, type RedisConnection } from './redis-client.js';

const RELEASE = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);
const RENEW = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

export interface RedisCacheStoreOptions {
  connection: RedisConnection;
  keyPrefix: string;
  /** A fill lock not renewed for this long frees itself (its holder died). */
  lockMs: number;
  /** A background release or renewal failed. */
  onError(error: unknown): void;
}

export function createRedisCacheStore(options: RedisCacheStoreOptions): SharedCacheStore {
  const { connection, lockMs, onError } = options;
  // The cache key is already a SHA-256 scoped per virtual key (core/cache/cache-key.ts).
  const entryKey = (key: string) => `${options.keyPrefix}cache:${key}`;
  const lockKey = (key: string) => `${options.keyPrefix}cache-fill:${key}`;
  return {
    get: (key) => connection.getBytes(entryKey(key)),
    set: (key, bytes, ttlMs) => connection.setBytes(entryKey(key), bytes, ttlMs),
    isLocked: (key) => connection.exists(lockKey(key)),
    async claim(key): Promise<FillLock | null> {
      const token = randomUUID();
      const name = lockKey(key);
      const releaseLate = () => void connection.run(RELEASE, [name], [token]).catch(onError);
      if (!(await connection.setIfAbsent(name, token, lockMs, releaseLate))) return null;
      const renewal = setInterval(() => connection.run(RENEW, [name], [token, lockMs]).catch(onError), Math.max(50, Math.floor(lockMs / 3)));
      renewal.unref();
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          clearInterval(renewal);
          connection.run(RELEASE, [name], [token]).catch(onError);
        },
      };
    },
  };
}
