// A shared RateLimiter (Redis) with a policy for when its store is away:
// 'open' limits each replica on its own in memory (a key gets up to its limit
// per replica meanwhile), 'closed' refuses keys that have limits (503). Whether
// the store is away is the store's one health (core/shared-store), which the
// budgets and the cache share: a check that finds it away does not wait for it,
// and its background probe, not a request, finds it back.
import { GatewayError } from '../../domain/gateway-error.js';
import type { SharedStoreHealth } from '../shared-store/shared-store-health.js';
import { RateLimitError } from './limit-errors.js';
import { UNLIMITED_STATE, UNLIMITED_TICKET, hasRateLimits, type RateLimiter } from './rate-limiter.js';

export type SharedLimitsStatus = 'shared' | 'local-fallback' | 'refusing';

export interface FailoverRateLimiterOptions {
  shared: RateLimiter;
  /** Used while the shared store is away in 'open' mode. */
  local: RateLimiter;
  mode: 'open' | 'closed';
  /** The store's health, shared with the other features that use it (its fallbacks counted as rate_limits). */
  health: SharedStoreHealth;
}

export interface FailoverRateLimiter extends RateLimiter {
  status(): SharedLimitsStatus;
}

export function createFailoverRateLimiter(options: FailoverRateLimiterOptions): FailoverRateLimiter {
  const { shared, local, mode, health } = options;
  const refuse = () => new GatewayError('unavailable', 'rate limits cannot be checked (shared store unreachable); retry');

  /** Runs `call` on the shared store, or on the fallback while it is away. */
  const guarded = async <T>(call: (limiter: RateLimiter) => Promise<T>): Promise<T> => {
    if (health.worthTrying()) {
      try {
        const result = await call(shared);
        health.succeeded();
        return result;
      } catch (error) {
        if (error instanceof RateLimitError) {
          health.succeeded();
          throw error;
        }
        health.fellBack('rate_limits', error);
      }
    } else health.skipped('rate_limits');
    if (mode === 'closed') throw refuse();
    return call(local);
  };

  return {
    acquire: (key, estimatedTokens) => (hasRateLimits(key) ? guarded((limiter) => limiter.acquire(key, estimatedTokens)) : Promise.resolve(UNLIMITED_TICKET)),
    peek: (key) => (hasRateLimits(key) ? guarded((limiter) => limiter.peek(key)) : Promise.resolve(UNLIMITED_STATE)),
    status: () => (health.available() ? 'shared' : mode === 'open' ? 'local-fallback' : 'refusing'),
  };
}
