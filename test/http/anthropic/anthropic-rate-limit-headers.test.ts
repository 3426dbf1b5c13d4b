// The Anthropic surface states a key's rate limits the way the Anthropic API
// does (https://docs.anthropic.com/en/api/rate-limits, "Response headers"):
// anthropic-ratelimit-requests-{limit,remaining,reset} and
// anthropic-ratelimit-tokens-{limit,remaining,reset}, the resets as RFC 3339
// times, on /v1/messages answers (JSON and streamed) and on its 429s — beside
// the OpenAI-style x-ratelimit-* it already sent.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoutingHarness, type RoutingHarness } from '../../routing/routing-harness.js';

let harness: RoutingHarness;
let client: Anthropic;

// RFC 3339 in UTC, whole seconds (as the Anthropic API sends it: 2025-08-21T12:40:59Z).
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

beforeAll(async () => {
  harness = await startRoutingHarness();
  const created = await harness.admin('KeysService/CreateKey', { name: 'limited', rateLimits: { requestsPerMinute: 3, tokensPerMinute: 100_000 } });
  client = new Anthropic({ baseURL: harness.gateway.url, apiKey: String(created['secret']), maxRetries: 0 });
});
afterAll(() => harness?.close());

const params = { model: 'fault/ok-x', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Hello' }] };
const anthropicHeaders = (headers: Headers) => Object.fromEntries([...headers].filter(([name]) => name.startsWith('anthropic-ratelimit-')));

function expectWindow(headers: Record<string, string>, name: 'requests' | 'tokens', limit: number, remaining: number | undefined, after: number): void {
  expect(headers[`anthropic-ratelimit-${name}-limit`]).toBe(String(limit));
  if (remaining !== undefined) expect(headers[`anthropic-ratelimit-${name}-remaining`]).toBe(String(remaining));
  else expect(Number(headers[`anthropic-ratelimit-${name}-remaining`])).toBeLessThan(limit);
  const reset = headers[`anthropic-ratelimit-${name}-reset`]!;
  expect(reset).toMatch(RFC_3339);
  // When the window is whole again: a time after the request, about a minute on (not a duration, not epoch seconds).
  expect(Date.parse(reset)).toBeGreaterThanOrEqual(Math.floor(after / 1000) * 1000);
  expect(Date.parse(reset)).toBeLessThanOrEqual(after + 120_000);
}

describe('Anthropic rate-limit headers', () => {
  it('are on JSON and streamed answers and on the 429, with RFC 3339 resets', async () => {
    const first = Date.now();
    const answered = await client.messages.create(params).withResponse();
    const headers = anthropicHeaders(answered.response.headers);
    expectWindow(headers, 'requests', 3, 2, first);
    expectWindow(headers, 'tokens', 100_000, undefined, first);
    expect(answered.response.headers.get('x-ratelimit-remaining-requests')).toBe('2');

    const streamed = await client.messages.stream(params).withResponse();
    expectWindow(anthropicHeaders(streamed.response.headers), 'requests', 3, 1, first);
    await streamed.data.finalMessage();

    await client.messages.create(params);
    const refused = await client.messages.create(params).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError);
    const refusal = refused as InstanceType<typeof Anthropic.RateLimitError>;
    expectWindow(anthropicHeaders(refusal.headers!), 'requests', 3, 0, first);
    expect(refusal.headers?.get('retry-after')).toMatch(/^\d+$/);
  });
});
