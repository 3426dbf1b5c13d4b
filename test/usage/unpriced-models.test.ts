// A model with no price (none on the provider model, none in the built-in
// table) costs $0 in the request log, so a USD budget cannot count it. That is
// said, not silent: the answer of a key with a USD budget carries an
// `unpriced_model` entry in x-gateway-warnings (unary and streamed), the
// operator gets one log line per model and llm_gateway_unpriced_requests_total
// {provider,model} counts every request such a model served. A price of 0 set
// on the model (a free local model) is a price: nothing is said then.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition, scrape } from '../metrics/exposition.js';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';

let harness: RoutingHarness;
let budgeted: OpenAI;
let tokenBudget: OpenAI;

interface Entry {
  code: string;
  param: string;
  message: string;
}
const warningsOf = (headers: Headers): Entry[] => JSON.parse(headers.get('x-gateway-warnings') ?? '[]') as Entry[];
const ask = (client: OpenAI, model: string) =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }] }).withResponse();
const askStreamed = async (client: OpenAI, model: string) => {
  const { data, response } = await client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'Hello' }] }).withResponse();
  for await (const chunk of data) void chunk;
  return response;
};

beforeAll(async () => {
  harness = await startRoutingHarness({ GATEWAY_LOG_LEVEL: 'info' });
  await harness.addFaultProvider('free', [{ upstreamModel: 'ok-free', prices: { inputPerMillion: 0, outputPerMillion: 0 } }]);
  const client = async (budget: object) =>
    new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: String((await harness.admin('KeysService/CreateKey', { name: 'b', budget }))['secret']), maxRetries: 0 });
  budgeted = await client({ amount: 5, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' });
  tokenBudget = await client({ amount: 1_000_000, unit: 'BUDGET_UNIT_TOKENS', period: 'BUDGET_PERIOD_MONTH' });
});
afterAll(() => harness?.close());

describe('a model without a price', () => {
  it('is named in x-gateway-warnings for a key with a USD budget, unary and streamed', async () => {
    const unary = await ask(budgeted, 'fault/ok-x');
    const warning = warningsOf(unary.response.headers).find((entry) => entry.code === 'unpriced_model');
    expect(warning?.param).toBe('model');
    expect(warning?.message).toMatch(/fault\/ok-x has no price.*USD budget/);
    expect(unary.data.choices[0]?.message.content).toBe('served by x');

    const streamed = await askStreamed(budgeted, 'fault/ok-y');
    expect(warningsOf(streamed.headers).map((entry) => entry.code)).toContain('unpriced_model');
  });

  it('is not named to keys without a USD budget, nor for a model priced at 0', async () => {
    expect(warningsOf((await ask(harness.openai, 'fault/ok-x')).response.headers)).toEqual([]);
    expect(warningsOf((await ask(tokenBudget, 'fault/ok-x')).response.headers)).toEqual([]);
    expect(warningsOf((await ask(budgeted, 'free/ok-free')).response.headers)).toEqual([]);
  });

  it('is logged once per model and counted per request by provider and model', async () => {
    for (let turn = 0; turn < 2; turn += 1) await ask(harness.openai, 'fault/ok-q');
    const lines = harness.gateway.logLines.filter((line) => line.includes('has no price'));
    expect(lines.filter((line) => line.includes('"upstreamModel":"ok-q"'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('"upstreamModel":"ok-x"'))).toHaveLength(1);
    expect(lines.some((line) => line.includes('ok-free'))).toBe(false);

    const metrics = parseExposition((await scrape(`${harness.gateway.url}/metrics`, harness.gateway.adminToken)).text);
    expect(metrics.sum('llm_gateway_unpriced_requests_total', { provider: 'fault', model: 'ok-q' })).toBe(2);
    // Unary and streamed, with and without a budget: every request the model served.
    expect(metrics.sum('llm_gateway_unpriced_requests_total', { provider: 'fault', model: 'ok-x' })).toBe(3);
    expect(metrics.sum('llm_gateway_unpriced_requests_total', { provider: 'fault', model: 'ok-y' })).toBe(1);
    expect(metrics.samples('llm_gateway_unpriced_requests_total', { provider: 'free' })).toEqual([]);
  });
});
