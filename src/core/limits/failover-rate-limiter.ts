// A shared RateLimiter (Redis) with a policy for when its store is away:
// 'open' limits each replica on its own in memory (a key gets up to its limit
// per replica meanwhile), 'closed' refuses keys that have limits (503). The
// store is tried again at most once a second, so coming back resumes sharing
// without a restart. Transitions are reported once each, not per request.
import { GatewayError } from '../../domain/gateway-error.js';
import { RateLimitError } from './limit-errors.js';
import { UNLIMITED_STATE, UNLIMITED_TICKET, hasRateLimits, type RateLimiter } from './rate-limiter.js';

export type SharedLimitsStatus = 'shared' | 'local-fallback' | 'refusing';

export interface FailoverRateLimiterOptions {
  shared: RateLimiter;
  /** Used while the shared store is away in 'open' mode. */
  local: RateLimiter;
  mode: 'open' | 'closed';
  /** The store became unreachable (with why) or reachable again. */
  onTransition(available: boolean, error?: unknown): void;
  now?: () => number;
  retryAfterMs?: number;
  /** A call was served by the fallback (local limiter or refusal), e.g. to count it. */
  onFallback?: () => void;
}

export interface FailoverRateLimiter extends RateLimiter {
  /** A background operation of the shared store failed (counts as the store being away). */
  reportFailure(error: unknown): void;
  /** The store answers again (its connection is back): shared from the next call on. */
  reportSuccess(): void;
  status(): SharedLimitsStatus;
}

export function createFailoverRateLimiter(options: FailoverRateLimiterOptions): FailoverRateLimiter {
  const { shared, local, mode, onTransition } = options;
  const now = options.now ?? Date.now;
  const retryAfterMs = options.retryAfterMs ?? 1_000;
  let available = true;
  let retryAt = 0;

  const failed = (error: unknown) => {
    retryAt = now() + retryAfterMs;
    if (!available) return;
    available = false;
    onTransition(false, error);
  };
  const succeeded = () => {
    if (available) return;
    available = true;
    onTransition(true);
  };
  const worthTrying = () => available || now() >= retryAt;
  const refuse = () => new GatewayError('unavailable', 'rate limits cannot be checked (shared store unreachable); retry');

  /** Runs `call` on the shared store, or on the fallback while it is away. */
  const guarded = async <T>(call: (limiter: RateLimiter) => Promise<T>): Promise<T> => {
    if (worthTrying()) {
      try {
        const result = await call(shared);
        succeeded();
        return result;
      } catch (error) {
        if (error instanceof RateLimitError) {
          succeeded();
          throw error;
        }
        failed(error);
      }
    }
    options.onFallback?.();
    if (mode === 'closed') throw refuse();
    return call(local);
  };

  return {
    acquire: (key, estimatedTokens) => (hasRateLimits(key) ? guarded((limiter) => limiter.acquire(key, estimatedTokens)) : Promise.resolve(UNLIMITED_TICKET)),
    peek: (key) => (hasRateLimits(key) ? guarded((limiter) => limiter.peek(key)) : Promise.resolve(UNLIMITED_STATE)),
    reportFailure: failed,
    reportSuccess: succeeded,
    status: () => (available ? 'shared' : mode === 'open' ? 'local-fallback' : 'refusing'),
  };
}
