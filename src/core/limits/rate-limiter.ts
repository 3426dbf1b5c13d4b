// Per-key rate limits: requests per minute, tokens per minute, concurrent
// requests (0 = no limit). The interface is shaped for a shared store: every
// operation is ONE atomic "check and take" (or "give back") per key, so a Redis
// implementation is one Lua script per call, with no read-then-write race.
//
// Wiring (governance/admission.ts, used by the limits step):
//   const ticket = await limiter.acquire(key, estimatedInput + requestedMaxOutput); // throws RateLimitError
//   try { … dispatch …; ticket.settle(usage.inputTokens + usage.outputTokens); }
//   catch (error) { ticket.release(); throw error; }   // counts the estimate (or release(n))
//   headers: rateLimitHeaders(ticket.state()), or rateLimitHeaders(error.state) on a refusal.
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';

/**
 * What a limiter counts for: a virtual key, or an upstream quota (core/quotas,
 * ids prefixed `upstream:`), one mechanism for both.
 */
export type LimitSubject = Pick<VirtualKeyRecord, 'id' | 'rateLimits'>;

/** One limit's numbers for the x-ratelimit-* headers. limit 0 = unlimited (no header). */
export interface LimitWindowState {
  limit: number;
  remaining: number;
  /** Milliseconds until the window is back to its initial state (nothing counted). */
  resetMs: number;
}

export interface RateLimitState {
  requests: LimitWindowState;
  tokens: LimitWindowState;
}

export interface LimitTicket {
  /**
   * The request finished: the tokens-per-minute window is corrected by
   * (actualTokens − estimate) and the concurrency slot is freed. Idempotent:
   * only the first settle/release counts. Never throws (a shared store does the
   * work in the background and reports its own failures).
   */
  settle(actualTokens: number): void;
  /** The request failed: counts the estimate (or `tokens`) and frees the slot. Same idempotence. */
  release(tokens?: number): void;
  /** The key's numbers as of the last operation of this ticket (acquire, then settle). */
  state(): RateLimitState;
}

export interface RateLimiter {
  /**
   * Atomically checks every limit of the key and takes one request, `estimatedTokens`
   * tokens and one concurrency slot; rejects with RateLimitError (nothing taken) when
   * any limit refuses. `estimatedTokens` = estimated input + the requested max output.
   */
  acquire(key: LimitSubject, estimatedTokens: number): Promise<LimitTicket>;
  /** The key's numbers without taking anything (headers on responses that never acquired). */
  peek(key: LimitSubject): Promise<RateLimitState>;
}

export const WINDOW_MS = 60_000;

const UNLIMITED_WINDOW: LimitWindowState = Object.freeze({ limit: 0, remaining: 0, resetMs: 0 });

export const UNLIMITED_STATE: RateLimitState = Object.freeze({ requests: UNLIMITED_WINDOW, tokens: UNLIMITED_WINDOW });

/** The ticket of a key without limits: nothing to count, nothing to give back. */
export const UNLIMITED_TICKET: LimitTicket = Object.freeze({
  settle() {},
  release() {},
  state: () => UNLIMITED_STATE,
});

export function hasRateLimits(key: LimitSubject): boolean {
  const limits = key.rateLimits;
  return limits.requestsPerMinute > 0 || limits.tokensPerMinute > 0 || limits.concurrentRequests > 0;
}
