// The single-process RateLimiter. Algorithm: sliding-window logs (see
// sliding-log.ts), per key:
// - requests: exact to the millisecond. At most N requests are admitted in any
//   rolling 60 s, and each frees its slot exactly 60 s after it was taken (the
//   10th of 10/min passes, the 11th is refused, retry-after = until the oldest
//   frees). Memory: ≤ N timestamps (same-millisecond requests share one).
// - tokens: entries merged per `tokenGranularityMs` (default 100 ms → ≤ 601
//   entries). Admission needs used + estimate ≤ limit, so admitted ESTIMATES
//   never exceed the limit in any rolling 60 s; reconciliation then replaces an
//   estimate by the actual usage (an under-estimate can push the window over the
//   limit, which only delays the next admissions — as with OpenAI). Merging may
//   hold tokens up to 100 ms longer than exact, never shorter.
// - concurrency: a counter; at most C tickets unsettled at any time.
// A sliding log rather than a fixed window because a fixed window lets 2× the
// limit through around the window edge; rather than GCRA/token buckets because
// those refill continuously, so "10 per minute" would let 19 through in one
// minute. In a shared store the same logs are sorted sets, checked and taken in
// one script per acquire.
//
// acquireSync does the checks and the takes without any await in between, so
// in one process every acquire is atomic per key (acquire() wraps it).
import { RateLimitError, type RateLimitName } from './limit-errors.js';
import {
  UNLIMITED_STATE,
  UNLIMITED_TICKET,
  WINDOW_MS,
  hasRateLimits,
  type LimitSubject,
  type LimitTicket,
  type LimitWindowState,
  type RateLimitState,
  type RateLimiter,
} from './rate-limiter.js';
import { SlidingLog, type LogEntry } from './sliding-log.js';

export interface InMemoryRateLimiterOptions {
  now?: () => number;
  /** Token entries closer than this merge (bounds memory to 60 s / granularity entries per key). */
  tokenGranularityMs?: number;
  /** Idle keys (nothing in flight, nothing in the window) are dropped this often. */
  sweepIntervalMs?: number;
  /** Above this many tracked keys, idle keys are swept at once, then the least recently used without requests in flight. */
  maxKeys?: number;
  /** The retry-after hint when only the concurrency limit refuses (no one knows when a request ends). */
  concurrencyRetryAfterSeconds?: number;
}

interface KeyState {
  readonly requests: SlidingLog;
  readonly tokens: SlidingLog;
  inFlight: number;
}

export interface InMemoryRateLimiter extends RateLimiter {
  /** The same as acquire, synchronously: throws RateLimitError instead of rejecting. */
  acquireSync(key: LimitSubject, estimatedTokens: number): LimitTicket;
  peekSync(key: LimitSubject): RateLimitState;
  /** How many keys hold state (memory bound). */
  trackedKeys(): number;
}

export function createInMemoryRateLimiter(options: InMemoryRateLimiterOptions = {}): InMemoryRateLimiter {
  const now = options.now ?? Date.now;
  const granularity = options.tokenGranularityMs ?? 100;
  const sweepInterval = options.sweepIntervalMs ?? WINDOW_MS;
  const maxKeys = options.maxKeys ?? 100_000;
  const concurrencyRetryAfter = options.concurrencyRetryAfterSeconds ?? 1;
  // Map order is recency order: a key is moved to the end on every acquire.
  const states = new Map<string, KeyState>();
  let nextSweep = now() + sweepInterval;

  const isIdle = (state: KeyState, at: number) => state.inFlight === 0 && state.requests.isEmpty(at) && state.tokens.isEmpty(at);

  /** Drops idle keys, then (still above `bound`) the least recently used ones with nothing in flight. */
  const sweep = (at: number, bound: number) => {
    for (const [id, state] of states) if (isIdle(state, at)) states.delete(id);
    // Forgetting an active key restarts its windows empty: lenient, never stuck.
    for (const [id, state] of states) {
      if (states.size <= bound) break;
      if (state.inFlight === 0) states.delete(id);
    }
  };

  const stateOf = (keyId: string, at: number): KeyState => {
    let state = states.get(keyId);
    // Taken out while sweeping (so it cannot be swept) and put back last: most recently used.
    if (state) states.delete(keyId);
    if (at >= nextSweep || states.size >= maxKeys) {
      nextSweep = at + sweepInterval;
      sweep(at, maxKeys - 1);
    }
    state ??= { requests: new SlidingLog(WINDOW_MS, 0), tokens: new SlidingLog(WINDOW_MS, granularity), inFlight: 0 };
    states.set(keyId, state);
    return state;
  };

  const windowState = (log: SlidingLog, limit: number, at: number): LimitWindowState =>
    limit > 0 ? { limit, remaining: Math.max(0, limit - log.used(at)), resetMs: log.resetMs(at) } : { limit: 0, remaining: 0, resetMs: 0 };

  const stateFor = (key: LimitSubject, state: KeyState | undefined, at: number): RateLimitState => {
    if (!state) {
      const { requestsPerMinute: rpm, tokensPerMinute: tpm } = key.rateLimits;
      return {
        requests: rpm > 0 ? { limit: rpm, remaining: rpm, resetMs: 0 } : UNLIMITED_STATE.requests,
        tokens: tpm > 0 ? { limit: tpm, remaining: tpm, resetMs: 0 } : UNLIMITED_STATE.tokens,
      };
    }
    return {
      requests: windowState(state.requests, key.rateLimits.requestsPerMinute, at),
      tokens: windowState(state.tokens, key.rateLimits.tokensPerMinute, at),
    };
  };

  const acquireSync = (key: LimitSubject, estimatedTokens: number): LimitTicket => {
    if (!hasRateLimits(key)) return UNLIMITED_TICKET; // fast path: no map, no clock
    const { requestsPerMinute: rpm, tokensPerMinute: tpm, concurrentRequests: concurrency } = key.rateLimits;
    const estimate = Number.isFinite(estimatedTokens) && estimatedTokens > 0 ? Math.ceil(estimatedTokens) : 0;
    const at = now();
    const state = stateOf(key.id, at);

    if (tpm > 0 && estimate > tpm) {
      throw new RateLimitError(
        'tokens',
        `rate limit: this request needs about ${estimate} tokens (estimated input plus max output), ` +
          `more than this key's whole limit of ${tpm} tokens per minute; lower max_tokens or shorten the input`,
        stateFor(key, state, at),
        undefined,
      );
    }

    let refused: { limit: RateLimitName; message: string } | undefined;
    let waitMs = 0;
    const refuse = (limit: RateLimitName, message: string, wait: number) => {
      refused ??= { limit, message };
      waitMs = Math.max(waitMs, wait);
    };
    if (concurrency > 0 && state.inFlight >= concurrency) {
      refuse('concurrency', `rate limit: ${concurrency} concurrent requests for this key`, concurrencyRetryAfter * 1000);
    }
    if (rpm > 0) {
      const wait = state.requests.waitFor(at, 1, rpm);
      if (wait > 0) refuse('requests', `rate limit: ${rpm} requests per minute for this key`, wait);
    }
    if (tpm > 0) {
      const wait = state.tokens.waitFor(at, estimate, tpm);
      if (wait > 0) {
        const used = state.tokens.used(at);
        refuse('tokens', `rate limit: ${tpm} tokens per minute for this key (${used} used in the last minute, this request needs about ${estimate})`, wait);
      }
    }
    if (refused) {
      throw new RateLimitError(refused.limit, refused.message, stateFor(key, state, at), Math.max(1, Math.ceil(waitMs / 1000)));
    }

    // Take everything (still synchronous: nothing can interleave since the checks).
    if (rpm > 0) state.requests.add(at, 1);
    const entry: LogEntry | null = tpm > 0 && estimate > 0 ? state.tokens.add(at, estimate) : null;
    state.inFlight += 1;
    return ticketFor(key, state, estimate, entry);
  };

  const ticketFor = (key: LimitSubject, state: KeyState, estimate: number, entry: LogEntry | null): LimitTicket => {
    let done = false;
    const finish = (tokens: number) => {
      if (done) return;
      done = true;
      state.inFlight -= 1;
      const actual = Number.isFinite(tokens) && tokens > 0 ? Math.ceil(tokens) : 0;
      const at = now();
      if (entry) state.tokens.adjust(entry, actual - estimate, at);
      else if (actual > 0 && key.rateLimits.tokensPerMinute > 0) state.tokens.add(at, actual);
    };
    return {
      settle: (actualTokens) => finish(actualTokens),
      release: (tokens) => finish(tokens ?? estimate),
      state: () => stateFor(key, state, now()),
    };
  };

  const peekSync = (key: LimitSubject): RateLimitState =>
    hasRateLimits(key) ? stateFor(key, states.get(key.id), now()) : UNLIMITED_STATE;

  return {
    acquireSync,
    // async: a refusal becomes a rejection; the check and take still run synchronously at the call.
    acquire: async (key, estimatedTokens) => acquireSync(key, estimatedTokens),
    peekSync,
    peek: async (key) => peekSync(key),
    trackedKeys: () => states.size,
  };
}
