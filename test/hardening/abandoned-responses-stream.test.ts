// A Responses API stream the client leaves is charged for what it consumed,
// like a Chat Completions one: the upstream call is aborted, the request-log
// row (surface responses) is canceled with the input and the output received
// so far, the key's budget is charged, and nothing is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';

let harness: RoutingHarness;
const PRICES = { inputPerMillion: 1_000, outputPerMillion: 2_000 };

interface Row {
  status: string;
  surface: string;
  inputTokens?: number;
  outputTokens?: number;
  estimated?: boolean;
  costUsd?: number;
}

beforeAll(async () => {
  harness = await startRoutingHarness();
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'cut',
    name: 'Cut',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: harness.upstream.baseUrl,
    apiKey: harness.upstream.apiKey,
    models: [{ upstreamModel: 'drip-responses', prices: PRICES }],
  });
});
afterAll(() => harness?.close());

describe('a Responses API stream cut short', () => {
  it('is logged canceled and charged for what was received, and not stored', async () => {
    const created = (await harness.admin('KeysService/CreateKey', {
      name: 'leaves-responses',
      budget: { amount: 100, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' },
    })) as { key: { id: string }; secret: string };
    const openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: created.secret, maxRetries: 0 });
    const stream = await openai.responses.create({ model: 'cut/drip-responses', input: 'Tell me a long story', stream: true });
    let id = '';
    let deltas = 0;
    for await (const event of stream) {
      if (event.type === 'response.created') id = event.response.id;
      if (event.type === 'response.output_text.delta') deltas += 1;
      if (deltas === 8) break; // the SDK aborts its request
    }
    let rows: Row[] = [];
    await expect
      .poll(async () => {
        rows = ((await harness.admin('UsageService/ListRequests', { filter: { keyId: created.key.id } })) as { requests?: Row[] }).requests ?? [];
        return rows.length;
      }, { timeout: 10_000 })
      .toBe(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ status: 'REQUEST_STATUS_CANCELED', surface: 'responses', estimated: true });
    expect(row.outputTokens).toBeGreaterThanOrEqual(8);
    expect(row.outputTokens).toBeLessThan(1_000);
    await expect
      .poll(async () => ((await harness.admin('UsageService/GetKeySpend', { keyId: created.key.id })) as { spentUsd?: number }).spentUsd ?? 0, { timeout: 10_000 })
      .toBeCloseTo(row.costUsd!, 9);
    expect(id).toMatch(/^resp_/);
    await expect(openai.responses.retrieve(id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
