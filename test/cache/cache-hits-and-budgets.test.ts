// A cache hit costs nothing and does not count toward the key's budget
// (README, "Response cache"), so a budget with too little left for a request's
// worst case still serves that request from the cache — unary and streamed,
// through the official openai client — while a request the cache cannot
// answer is refused as before (429 insufficient_quota).
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';

let harness: RoutingHarness;

// The fault upstream reports 5 input and 3 output tokens: an answer costs $0.003 (input nearly free), while a
// request with max_tokens 1000 reserves its worst case, just over $1.
const PRICES = { inputPerMillion: 0.001, outputPerMillion: 1_000 };
const BUDGET = { amount: 1.001, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' };

beforeAll(async () => {
  harness = await startRoutingHarness();
  await harness.addFaultProvider('priced', [{ upstreamModel: 'ok-budget', prices: PRICES }]);
});
afterAll(() => harness?.close());

async function budgetedClient(): Promise<OpenAI> {
  const created = await harness.admin('KeysService/CreateKey', { name: 'cached budget', cacheEnabled: true, budget: BUDGET });
  return new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: String(created['secret']), maxRetries: 0 });
}

const params = (text: string) => ({ model: 'priced/ok-budget', max_tokens: 1_000, messages: [{ role: 'user' as const, content: text }] });

/** 'hit' / 'miss' (x-gateway-cache) with the answer's text, or the refusal's status and code. */
const unary = (client: OpenAI, text: string) =>
  client.chat.completions
    .create(params(text))
    .withResponse()
    .then(
      ({ data, response }) => `${response.headers.get('x-gateway-cache')} ${data.choices[0]?.message.content}`,
      (error: unknown) => (error instanceof OpenAI.APIError ? `${error.status} ${error.code}` : String(error)),
    );

const streamed = (client: OpenAI, text: string) =>
  client.chat.completions
    .create({ ...params(text), stream: true })
    .withResponse()
    .then(
      async ({ data, response }) => {
        let content = '';
        for await (const chunk of data) content += chunk.choices[0]?.delta.content ?? '';
        return `${response.headers.get('x-gateway-cache')} ${content}`;
      },
      (error: unknown) => (error instanceof OpenAI.APIError ? `${error.status} ${error.code}` : String(error)),
    );

describe('a budget with less left than a request’s worst case', () => {
  it('serves the request from the cache, unary, and refuses one the cache cannot answer', async () => {
    const client = await budgetedClient();
    expect(await unary(client, 'Hello')).toBe('miss served by budget');
    // $0.998 left: less than the $1 this request may cost, but the cache has it.
    expect(await unary(client, 'Hello')).toBe('hit served by budget');
    expect(await unary(client, 'Hello')).toBe('hit served by budget');
    expect(await unary(client, 'Something else')).toBe('429 insufficient_quota');
  });

  it('serves the request from the cache, streamed, and refuses one the cache cannot answer', async () => {
    const client = await budgetedClient();
    expect(await streamed(client, 'Hello')).toBe('miss served by budget');
    expect(await streamed(client, 'Hello')).toBe('hit served by budget');
    expect(await streamed(client, 'Something else')).toBe('429 insufficient_quota');
  });
});
