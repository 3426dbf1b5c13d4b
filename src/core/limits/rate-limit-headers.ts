// OpenAI's rate-limit headers from a RateLimitState. Like OpenAI:
//   x-ratelimit-limit-requests / -tokens       the limit per minute
//   x-ratelimit-remaining-requests / -tokens   what is left in the rolling minute
//   x-ratelimit-reset-requests / -tokens       time until back to the initial state,
//                                              as a Go duration: "1s", "6m0s", "59.5s", "12ms"
// A limit of 0 (unlimited) produces no headers of its trio.
import type { LimitWindowState, RateLimitState } from './rate-limiter.js';

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  const headers: Record<string, string> = {};
  addTrio(headers, 'requests', state.requests);
  addTrio(headers, 'tokens', state.tokens);
  return headers;
}

function addTrio(headers: Record<string, string>, name: 'requests' | 'tokens', window: LimitWindowState): void {
  if (!(window.limit > 0)) return;
  headers[`x-ratelimit-limit-${name}`] = String(window.limit);
  headers[`x-ratelimit-remaining-${name}`] = String(Math.max(0, Math.floor(window.remaining)));
  headers[`x-ratelimit-reset-${name}`] = formatResetDuration(window.resetMs);
}

/**
 * Milliseconds as Go's time.Duration prints them (what OpenAI sends): "0s",
 * "250ms", "1s", "59.5s", "1m30s", "6m0s", "1h0m0s". Rounded up to the
 * millisecond so a client never comes back early.
 */
export function formatResetDuration(milliseconds: number): string {
  const ms = Number.isFinite(milliseconds) && milliseconds > 0 ? Math.ceil(milliseconds) : 0;
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const secondsMs = ms % 60_000;
  const whole = Math.floor(secondsMs / 1000);
  const fraction = String(secondsMs % 1000).padStart(3, '0').replace(/0+$/, '');
  const seconds = `${whole}${fraction ? `.${fraction}` : ''}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}
