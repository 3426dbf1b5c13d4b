// The one file that imports ioredis (test/architecture/layering.test.ts): the
// rest of the gateway sees a narrow RedisConnection. ioredis rather than
// node-redis: it reconnects on its own forever, re-subscribes after a
// reconnect, and its offline queue can be turned off so a command fails at
// once while Redis is away (the limiter then falls back instead of waiting).
// The command timeout is ours, not ioredis's: a command given up on is still
// on the socket and Redis runs it when it wakes, so its late answer goes to
// the caller that asked for it (to give back what the command took). Redis
// answers one connection in order, so when one command times out every
// command sent after it is given up on at the same moment (one wait, not one
// per caller).
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';

export interface LuaScript {
  source: string;
  sha: string;
}

export const luaScript = (source: string): LuaScript => ({ source, sha: createHash('sha1').update(source).digest('hex') });

export interface RedisConnection {
  /**
   * One atomic script (EVALSHA, loaded by EVAL when Redis does not know it yet). Rejects while Redis is away,
   * and after `commandTimeoutMs` without an answer; an answer that comes after that goes to `onLateAnswer`.
   */
  run(script: LuaScript, keys: string[], args: Array<string | number>, onLateAnswer?: (answer: unknown) => void): Promise<unknown>;
  /** How long a command is waited for (GATEWAY_REDIS_COMMAND_TIMEOUT_MS). */
  readonly commandTimeoutMs: number;
  /** PING: resolves once Redis answers, rejects like any command (the probe while Redis is away). */
  ping(): Promise<void>;
  publish(channel: string, message: string): Promise<void>;
  getBytes(key: string): Promise<Uint8Array | null>;
  setBytes(key: string, value: Uint8Array, ttlMs: number): Promise<void>;
  /** SET NX PX: true when the key was absent and is now `value`; `onLateSet`: it was, after the command timeout. */
  setIfAbsent(key: string, value: string, ttlMs: number, onLateSet?: () => void): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  /** `onResubscribed`: the subscription is in place again after a disconnection, or after a first connection that failed (messages may have been missed). */
  subscribe(channel: string, listener: (message: string) => void, onResubscribed: () => void): void;
  /** Resolves true once connected, false after `timeoutMs` (start-up waits for it, briefly). */
  ready(timeoutMs: number): Promise<boolean>;
  /** Connected now (a hung server still counts until its commands time out). */
  isUp(): boolean;
  /** Each time the connection for commands is (re)established. */
  onReady(listener: () => void): void;
  close(): Promise<void>;
}

/** `commandTimeoutMs`: a command waits this long for an answer before the caller falls back (GATEWAY_REDIS_COMMAND_TIMEOUT_MS). */
export function connectRedis(url: string, onError: (error: unknown) => void, commandTimeoutMs = 1_000): RedisConnection {
  const options = {
    maxRetriesPerRequest: 0,
    // Reconnect forever, at most every 2 s: Redis coming back resumes sharing without a restart.
    retryStrategy: (times: number) => Math.min(times * 100, 2_000),
  };
  const client = new Redis(url, { ...options, enableOfflineQueue: false });
  // The subscriber queues its SUBSCRIBE until connected, however long (it may start before Redis is up).
  const subscriber = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
  client.on('error', onError);
  subscriber.on('error', onError);
  const listeners = new Map<string, (message: string) => void>();
  subscriber.on('message', (channel: string, message: string) => listeners.get(channel)?.(message));

  /**
   * `command`'s answer, or a rejection once `commandTimeoutMs` passed; a later answer goes to `onLateAnswer`.
   * `command` is told whether its caller still waits (a script Redis did not know is not sent after that).
   */
  // Each command still waited for: what gives up on it.
  const waiting = new Set<(error: Error) => void>();
  const bounded = <T>(command: (waited: () => boolean) => Promise<T>, onLateAnswer?: (answer: T) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let abandoned = false;
      const giveUp = (error: Error) => {
        abandoned = true;
        clearTimeout(timer);
        waiting.delete(giveUp);
        reject(error);
      };
      const timer = setTimeout(() => {
        const error = new Error(`Redis did not answer within ${commandTimeoutMs} ms`);
        // The older commands have timed out already; the others are queued behind this one.
        for (const other of [...waiting]) other(error);
      }, commandTimeoutMs);
      waiting.add(giveUp);
      command(() => !abandoned).then(
        (answer) => {
          if (abandoned) return onLateAnswer?.(answer);
          clearTimeout(timer);
          waiting.delete(giveUp);
          resolve(answer);
        },
        (error: unknown) => {
          if (abandoned) return;
          clearTimeout(timer);
          waiting.delete(giveUp);
          reject(error);
        },
      );
    });
  const evaluate = (script: LuaScript, keys: string[], args: Array<string | number>) => async (waited: () => boolean) => {
    try {
      return await client.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT') || !waited()) throw error;
      return client.eval(script.source, keys.length, ...keys, ...args);
    }
  };

  return {
    run: (script, keys, args, onLateAnswer) => bounded(evaluate(script, keys, args), onLateAnswer),
    commandTimeoutMs,
    async ping() {
      await bounded(() => client.ping());
    },
    async publish(channel, message) {
      await bounded(() => client.publish(channel, message));
    },
    getBytes: (key) => bounded(() => client.getBuffer(key)),
    async setBytes(key, value, ttlMs) {
      await bounded(() => client.set(key, Buffer.from(value.buffer, value.byteOffset, value.byteLength), 'PX', ttlMs));
    },
    setIfAbsent: async (key, value, ttlMs, onLateSet) =>
      (await bounded(
        () => client.set(key, value, 'PX', ttlMs, 'NX'),
        (late) => {
          if (late === 'OK') onLateSet?.();
        },
      )) === 'OK',
    exists: async (key) => (await bounded(() => client.exists(key))) === 1,
    subscribe(channel, listener, onResubscribed) {
      listeners.set(channel, listener);
      subscriber.subscribe(channel).catch(onError);
      // After a disconnection, and also the first time when the connection failed before it (a process that
      // started while Redis was away missed what was said meanwhile).
      let connectedOnce = false;
      let failedBefore = subscriber.status === 'reconnecting';
      subscriber.on('reconnecting', () => (failedBefore = true));
      subscriber.on('ready', () => {
        if (connectedOnce || failedBefore) onResubscribed();
        connectedOnce = true;
      });
    },
    ready(timeoutMs) {
      if (client.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          client.off('ready', onReady);
          resolve(false);
        }, timeoutMs);
        const onReady = () => {
          clearTimeout(timer);
          resolve(true);
        };
        client.once('ready', onReady);
      });
    },
    isUp: () => client.status === 'ready',
    onReady: (listener) => void client.on('ready', listener),
    async close() {
      client.disconnect();
      subscriber.disconnect();
    },
  };
}
