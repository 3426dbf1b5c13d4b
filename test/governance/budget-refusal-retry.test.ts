// A budget refusal says whether retrying can help, the same on every surface
// (docs/errors.md, "The key's own limits"): when the request would fit once
// the requests in flight are done (what they reserved is what is missing),
// `x-should-retry: true`; when it cannot fit the budget's remainder at all,
// `x-should-retry: false` — on the OpenAI shim (openai SDK), the Anthropic
// shim (@anthropic-ai/sdk), the Gemini shim and Connect (connect-node).
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';
import { refusalsOnEverySurface } from './refusal-surfaces.js';

let harness: RoutingHarness;
let secret: string;

// Input nearly free, output $1 per thousand tokens: a request reserves about max_tokens / 1000 dollars.
const PRICES = { inputPerMillion: 0.001, outputPerMillion: 1_000 };

beforeAll(async () => {
  harness = await startRoutingHarness();
  await harness.addFaultProvider('priced', ['hang-held', 'ok-refused'].map((upstreamModel) => ({ upstreamModel, prices: PRICES })));
  const created = await harness.admin('KeysService/CreateKey', { name: 'budget', budget: { amount: 0.5, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' } });
  secret = String(created['secret']);
});
afterAll(() => harness?.close());

/** The refusal's status and x-should-retry on each surface, for a request with this max_tokens. */
const refusals = (maxTokens: number) =>
  refusalsOnEverySurface({ gatewayUrl: harness.gateway.url, secret, model: 'priced/ok-refused', maxTokens });

describe('a budget refusal', () => {
  it('says retrying can help when the requests in flight hold what is missing, and cannot when the request never fits', async () => {
    // $0.30 held by a request in flight (its upstream never answers until it is abandoned).
    const leaving = new AbortController();
    const held = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: secret, maxRetries: 0 }).chat.completions
      .create({ model: 'priced/hang-held', max_tokens: 300, messages: [{ role: 'user', content: 'Hold' }] }, { signal: leaving.signal })
      .catch(() => 'left');
    const deadline = Date.now() + 10_000;
    while (harness.upstream.calls('hang-held') === 0) {
      if (Date.now() > deadline) throw new Error('the held request never reached the upstream');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    try {
      // $0.40: does not fit beside the $0.30 in flight, but fits the $0.50 once it is done.
      expect(await refusals(400)).toEqual({ openai: '429 true', anthropic: '429 true', gemini: '429 true', connect: '8 true' });
      // $0.60: more than the whole budget's remainder, whatever finishes.
      expect(await refusals(600)).toEqual({ openai: '429 false', anthropic: '429 false', gemini: '429 false', connect: '8 false' });
    } finally {
      leaving.abort();
      await held;
    }
  });
});
