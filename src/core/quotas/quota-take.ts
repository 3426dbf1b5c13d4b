// Taking a target's quotas (its provider's, then its model's) through the rate
// limiter, all or nothing, without waiting. A refusal by a later subject gives
// the earlier tickets back (their concurrency slot and tokens; the request
// count, which the limiter cannot un-count, stays — so subjects with a
// requests-per-minute limit after the first are peeked before anything is taken).
import { RateLimitError } from '../limits/limit-errors.js';
import type { LimitTicket, RateLimiter } from '../limits/rate-limiter.js';
import type { QuotaSubject } from './quota-subjects.js';

/** The quotas taken for one upstream call; exactly one of settle/release counts. */
export interface QuotaPass {
  /** The call ended with this usage: the token windows are corrected to it, the slots freed. */
  settle(actualTokens: number): void;
  /** The call ended without usage: counts `tokens` (default the estimate), frees the slots. */
  release(tokens?: number): void;
}

export type TakeResult = { pass: QuotaPass } | { refused: RateLimitError; subject: QuotaSubject };

export async function takeQuotas(limiter: RateLimiter, subjects: readonly QuotaSubject[], estimatedTokens: number): Promise<TakeResult> {
  for (const subject of subjects.slice(1)) {
    if (subject.rateLimits.requestsPerMinute <= 0) continue;
    const state = await limiter.peek(subject);
    if (state.requests.remaining <= 0) return { refused: new RateLimitError('requests', 'upstream quota', state, 1), subject };
  }
  const tickets: LimitTicket[] = [];
  try {
    for (const subject of subjects) {
      try {
        tickets.push(await limiter.acquire(subject, estimatedTokens));
      } catch (error) {
        if (error instanceof RateLimitError) {
          for (const ticket of tickets) ticket.release(0);
          return { refused: error, subject };
        }
        throw error;
      }
    }
  } catch (error) {
    for (const ticket of tickets) ticket.release(0);
    throw error;
  }
  return { pass: combined(tickets) };
}

function combined(tickets: LimitTicket[]): QuotaPass {
  return {
    settle: (actualTokens) => tickets.forEach((ticket) => ticket.settle(actualTokens)),
    release: (tokens) => tickets.forEach((ticket) => ticket.release(tokens)),
  };
}
