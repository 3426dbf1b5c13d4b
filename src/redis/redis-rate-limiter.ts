// The RateLimiter over Redis, shared by every replica: the in-memory limiter's
// algorithm (sliding logs, see rate-limit-scripts.ts) with concurrency slots as
// leases. A lease is renewed while its request runs and frees itself `leaseMs`
// after the replica holding it died. Keys without limits never reach Redis.
// Failures reject acquire/peek (the failover limiter decides what then) and are
// reported by settle/release, which never throw (the RateLimiter contract).
// An acquire given up on (Redis slower than the command timeout) must take
// nothing, or its slot would refuse requests on every replica for `leaseMs`:
// Redis runs it when it wakes, so its late answer is given back, and the
// script takes nothing past the caller's deadline (when the replica cannot
// give back: it died, or lost its connection, meanwhile).
import { randomUUID } from 'node:crypto';
import { RateLimitError, type RateLimitName } from '../core/limits/limit-errors.js';
import {
  UNLIMITED_STATE,
  UNLIMITED_TICKET,
  WINDOW_MS,
  hasRateLimits,
  type LimitSubject,
  type LimitTicket,
  type RateLimitState,
  type RateLimiter,
} from '../core/limits/rate-limiter.js';
import type { RedisConnection } from './redis-client.js';
import { ACQUIRE, FINISH, GIVE_BACK, PEEK, RENEW } from './rate-limit-scripts.js';

export interface RedisRateLimiterOptions {
  connection: RedisConnection;
  keyPrefix: string;
  leaseMs: number;
  /** A background settle, release or renewal failed. */
  onError(error: unknown): void;
  tokenGranularityMs?: number;
  concurrencyRetryAfterSeconds?: number;
}

export interface RedisRateLimiter extends RateLimiter {
  /** Stops renewing leases (shutdown). */
  close(): void;
}

const REFUSALS: Array<RateLimitName | undefined> = [undefined, 'concurrency', 'requests', 'tokens'];
const PAST_DEADLINE = 4;

type AcquireAnswer = [refused: number, waitMs: number, reqUsed: number, reqReset: number, tokUsed: number, tokReset: number, bucket: string, redisNow: number];

export function createRedisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  const { connection, leaseMs, onError } = options;
  const granularity = options.tokenGranularityMs ?? 100;
  const concurrencyWaitMs = (options.concurrencyRetryAfterSeconds ?? 1) * 1000;
  // A hash tag keeps a key's four structures on one Redis Cluster slot (one script may touch them all).
  const keysOf = (id: string) => ['req', 'tok', 'tokn', 'conc'].map((part) => `${options.keyPrefix}rl:{${id}}:${part}`);
  const leases = new Map<string, string[]>(); // ticket id → keys, while its request runs
  // Redis's clock minus ours (performance.now), at most: a script reads TIME after it was sent. Unknown
  // until the first answer (no deadline then); each answer in time updates it, so drift is followed.
  let redisClockAhead: number | undefined;
  const deadlineOf = (sentAt: number) => (redisClockAhead === undefined ? 0 : Math.ceil(sentAt + redisClockAhead + connection.commandTimeoutMs));
  let renewTimer: NodeJS.Timeout | undefined;

  const renewAll = () => {
    for (const [id, keys] of leases) connection.run(RENEW, keys, [WINDOW_MS, id, leaseMs]).catch(onError);
  };
  const holdLease = (id: string, keys: string[]) => {
    leases.set(id, keys);
    renewTimer ??= setInterval(renewAll, Math.max(100, Math.floor(leaseMs / 3))).unref();
  };
  const dropLease = (id: string) => {
    leases.delete(id);
    if (leases.size === 0 && renewTimer) {
      clearInterval(renewTimer);
      renewTimer = undefined;
    }
  };

  const stateOf = (key: LimitSubject, numbers: number[]): RateLimitState => {
    const [reqUsed = 0, reqReset = 0, tokUsed = 0, tokReset = 0] = numbers;
    const { requestsPerMinute: rpm, tokensPerMinute: tpm } = key.rateLimits;
    return {
      requests: rpm > 0 ? { limit: rpm, remaining: Math.max(0, rpm - reqUsed), resetMs: Math.max(0, reqReset) } : UNLIMITED_STATE.requests,
      tokens: tpm > 0 ? { limit: tpm, remaining: Math.max(0, tpm - tokUsed), resetMs: Math.max(0, tokReset) } : UNLIMITED_STATE.tokens,
    };
  };

  const peek = async (key: LimitSubject): Promise<RateLimitState> =>
    stateOf(key, (await connection.run(PEEK, keysOf(key.id), [WINDOW_MS])) as number[]);

  return {
    peek: async (key) => (hasRateLimits(key) ? peek(key) : UNLIMITED_STATE),
    async acquire(key, estimatedTokens) {
      if (!hasRateLimits(key)) return UNLIMITED_TICKET;
      const { requestsPerMinute: rpm, tokensPerMinute: tpm, concurrentRequests: concurrency } = key.rateLimits;
      const estimate = Number.isFinite(estimatedTokens) && estimatedTokens > 0 ? Math.ceil(estimatedTokens) : 0;
      if (tpm > 0 && estimate > tpm) {
        throw new RateLimitError(
          'tokens',
          `rate limit: this request needs about ${estimate} tokens (estimated input plus max output), ` +
            `more than this key's whole limit of ${tpm} tokens per minute; lower max_tokens or shorten the input`,
          await peek(key),
          undefined,
        );
      }
      const id = randomUUID();
      const keys = keysOf(key.id);
      const giveBack = (late: unknown) => {
        const [lateCode, , , , , , lateBucket] = late as AcquireAnswer;
        if (lateCode === 0) connection.run(GIVE_BACK, keys, [id, lateBucket, estimate]).catch(onError);
      };
      const sentAt = performance.now();
      const args = [WINDOW_MS, rpm, tpm, concurrency, estimate, id, leaseMs, granularity, concurrencyWaitMs, deadlineOf(sentAt)];
      const answer = (await connection.run(ACQUIRE, keys, args, giveBack)) as AcquireAnswer;
      const [refusedCode, waitMs, , , tokUsed, , bucket, redisNow] = answer;
      redisClockAhead = redisNow - sentAt;
      // Run past the deadline though its answer beat our timer (a busy event loop): nothing taken, a timeout.
      if (refusedCode === PAST_DEADLINE) throw new Error(`Redis answered after the command timeout of ${connection.commandTimeoutMs} ms`);
      let state = stateOf(key, answer.slice(2, 6) as number[]);
      const refused = REFUSALS[refusedCode];
      if (refused) {
        const message =
          refused === 'concurrency'
            ? `rate limit: ${concurrency} concurrent requests for this key`
            : refused === 'requests'
              ? `rate limit: ${rpm} requests per minute for this key`
              : `rate limit: ${tpm} tokens per minute for this key (${tokUsed} used in the last minute, this request needs about ${estimate})`;
        throw new RateLimitError(refused, message, state, Math.max(1, Math.ceil(waitMs / 1000)));
      }
      if (concurrency > 0) holdLease(id, keys);
      let done = false;
      const finish = (tokens: number) => {
        if (done) return;
        done = true;
        dropLease(id);
        const actual = Number.isFinite(tokens) && tokens > 0 ? Math.ceil(tokens) : 0;
        connection
          .run(FINISH, keys, [WINDOW_MS, tpm, id, bucket, estimate, actual, granularity])
          .then((numbers) => (state = stateOf(key, numbers as number[])), onError);
      };
      return { settle: (actual) => finish(actual), release: (tokens) => finish(tokens ?? estimate), state: () => state };
    },
    close() {
      clearInterval(renewTimer);
      renewTimer = undefined;
      leases.clear();
    },
  };
}
