// The key's rate limits in the Anthropic API's own headers
// (https://docs.anthropic.com/en/api/rate-limits, "Response headers"), beside
// the OpenAI-style x-ratelimit-* every shim sends:
//   anthropic-ratelimit-requests-limit / -remaining / -reset
//   anthropic-ratelimit-tokens-limit / -remaining / -reset
// A reset is when the window is whole again, as an RFC 3339 time; rounded up to
// the second (Anthropic sends whole seconds) so a client never comes back early.
// The gateway counts input and output tokens together: no -input-tokens-/-output-tokens- pairs.
// A limit of 0 (unlimited) produces no headers of its trio.
import type { LimitWindowState, RateLimitState } from '../../core/limits/rate-limiter.js';

export function anthropicRateLimitHeaders(state: RateLimitState | undefined, now = Date.now()): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!state) return headers;
  addTrio(headers, 'requests', state.requests, now);
  addTrio(headers, 'tokens', state.tokens, now);
  return headers;
}

function addTrio(headers: Record<string, string>, name: 'requests' | 'tokens', window: LimitWindowState, now: number): void {
  if (!(window.limit > 0)) return;
  const resetMs = Number.isFinite(window.resetMs) && window.resetMs > 0 ? window.resetMs : 0;
  headers[`anthropic-ratelimit-${name}-limit`] = String(window.limit);
  headers[`anthropic-ratelimit-${name}-remaining`] = String(Math.max(0, Math.floor(window.remaining)));
  headers[`anthropic-ratelimit-${name}-reset`] = new Date(Math.ceil((now + resetMs) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
