// The two refusals of the limits layer. Both are GatewayError('resource_exhausted')
// so every edge already maps them (RPC ResourceExhausted, shim 429); `reason`
// tells a passing rate limit (OpenAI `rate_limit_exceeded`, retry later) from
// an exhausted budget (OpenAI `insufficient_quota`, retrying cannot help).
import { GatewayError } from '../../domain/gateway-error.js';
import type { RateLimitState } from './rate-limiter.js';

export type RateLimitName = 'requests' | 'tokens' | 'concurrency';

export class RateLimitError extends GatewayError {
  readonly reason = 'rate_limit' as const;
  /** The limit that refused (the first in the order concurrency, requests, tokens). */
  readonly limit: RateLimitName;
  /** The key's numbers at the refusal, for the x-ratelimit-* headers of the 429. */
  readonly state: RateLimitState;

  constructor(limit: RateLimitName, message: string, state: RateLimitState, retryAfterSeconds: number | undefined) {
    // A request larger than the whole limit never fits: no retry-after, not retryable.
    super('resource_exhausted', message, {
      retryable: retryAfterSeconds !== undefined,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
    this.name = 'RateLimitError';
    this.limit = limit;
    this.state = state;
  }
}

export class BudgetExceededError extends GatewayError {
  readonly reason = 'budget' as const;
  readonly unit: 'tokens' | 'usd';
  /** Committed spend of the period, in `unit`. */
  readonly spent: number;
  /** Reserved by requests still in flight, in `unit`. */
  readonly reserved: number;
  /** What the refused request would have reserved, in `unit`. */
  readonly requested: number;
  readonly budget: number;
  /** Epoch ms when the period ends and the budget renews; null for a 'total' budget. */
  readonly resetsAt: number | null;

  constructor(
    message: string,
    details: { unit: 'tokens' | 'usd'; spent: number; reserved: number; requested: number; budget: number; resetsAt: number | null },
  ) {
    // Retrying can help only when the request fits once the requests in flight are done.
    super('resource_exhausted', message, { retryable: details.reserved > 0 && details.spent + details.requested <= details.budget });
    this.name = 'BudgetExceededError';
    this.unit = details.unit;
    this.spent = details.spent;
    this.reserved = details.reserved;
    this.requested = details.requested;
    this.budget = details.budget;
    this.resetsAt = details.resetsAt;
  }
}

/** True for an exhausted budget (→ OpenAI `insufficient_quota`), false for everything else. */
export function isBudgetRefusal(error: unknown): error is BudgetExceededError {
  return error instanceof BudgetExceededError;
}

/** True for a per-key rate limit refusal (→ OpenAI `rate_limit_exceeded`). */
export function isRateLimitRefusal(error: unknown): error is RateLimitError {
  return error instanceof RateLimitError;
}
