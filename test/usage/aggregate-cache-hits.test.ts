// The three views of what a key used agree: two identical requests on a key
// with the response cache (the first a miss the Anthropic upstream answers,
// the second a hit the gateway answers with the stored message). AggregateUsage
// (UsageService over connect-node) counts the tokens a provider processed once,
// as GetKeySpend and llm_gateway_tokens_total do, and reports the hit and the
// tokens it served beside them; the hit's own row keeps what it served.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { UsageGrouping } from '../../gen/llmgateway/v1/usage_service_pb.js';
import { CACHE_WRITE_1H_MODEL, CACHE_WRITE_1H_USAGE } from '../fixtures/anthropic-dynamic.js';
import { usageClient } from '../helpers/usage-client.js';
import { startShimHarness, type ShimHarness } from '../http/shim-harness.js';
import { parseExposition } from '../metrics/exposition.js';

const PRICES = { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3, cacheWritePerMillion: 3.75 };
let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(['anthropic']);
  const fixture = harness.fixture('anthropic');
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'claude', name: 'Claude with prompt caching', type: 'PROVIDER_TYPE_ANTHROPIC', baseUrl: fixture.baseUrl, apiKey: fixture.apiKey,
    models: [{ upstreamModel: CACHE_WRITE_1H_MODEL, prices: PRICES }],
  });
});
afterAll(async () => harness?.close());

it('AggregateUsage counts a response-cache hit apart: tokens once, as spend and the metrics count them, the hit and what it served beside', async () => {
  const created = (await harness.admin('KeysService/CreateKey', { name: 'cached', cacheEnabled: true })) as { secret: string; key: { id: string } };
  const client = new Anthropic({ baseURL: harness.gateway.url, apiKey: created.secret, maxRetries: 0 });
  const request = { model: `claude/${CACHE_WRITE_1H_MODEL}`, max_tokens: 64, messages: [{ role: 'user' as const, content: 'Same question twice' }] };
  const miss = await client.messages.create(request).withResponse();
  const hit = await client.messages.create(request).withResponse();
  expect([miss.response.headers.get('x-gateway-cache'), hit.response.headers.get('x-gateway-cache')]).toEqual(['miss', 'hit']);
  const upstreamCalls = harness.fixture('anthropic').received.filter((received) => (received.body as { model?: string } | undefined)?.model === CACHE_WRITE_1H_MODEL);
  expect(upstreamCalls).toHaveLength(1);
  await harness.gateway.gateway.requestLog.flush();

  const usage = usageClient(harness.gateway.url, harness.gateway.adminToken);
  const { rows } = await usage.aggregateUsage({ groupBy: UsageGrouping.KEY, filter: { keyId: created.key.id } });
  expect(rows).toHaveLength(1);
  const [row] = rows;
  // What the client was served the second time: the stored answer's usage, in Anthropic's accounting.
  const served = hit.data.usage;
  const servedInput = served.input_tokens + (served.cache_read_input_tokens ?? 0) + (served.cache_creation_input_tokens ?? 0);
  expect(servedInput).toBe(CACHE_WRITE_1H_USAGE.input);
  expect(row).toMatchObject({
    requests: 2,
    errors: 0,
    // Processed by the provider once: the miss.
    inputTokens: BigInt(CACHE_WRITE_1H_USAGE.input),
    outputTokens: BigInt(CACHE_WRITE_1H_USAGE.output),
    cachedInputTokens: BigInt(CACHE_WRITE_1H_USAGE.cachedInput),
    cacheWriteTokens: BigInt(CACHE_WRITE_1H_USAGE.cacheWrite),
    // Answered by the gateway's cache once, with the stored answer's tokens.
    cacheHits: 1,
    cacheHitInputTokens: BigInt(servedInput),
    cacheHitOutputTokens: BigInt(served.output_tokens),
  });
  expect(row!.costUsd).toBeCloseTo(0.012525, 12);

  // The hit's row keeps the tokens it served, at cost 0.
  const { requests } = await usage.listRequests({ filter: { keyId: created.key.id } });
  expect(requests.map((entry) => [entry.cacheHit, entry.inputTokens, entry.outputTokens, entry.costUsd])).toEqual([
    [true, CACHE_WRITE_1H_USAGE.input, CACHE_WRITE_1H_USAGE.output, 0],
    [false, CACHE_WRITE_1H_USAGE.input, CACHE_WRITE_1H_USAGE.output, expect.closeTo(0.012525, 12)],
  ]);

  // The key's spend and the token metric count the same tokens as the aggregate.
  const spend = await usage.getKeySpend({ keyId: created.key.id });
  expect(spend.spentTokens).toBe(row!.inputTokens + row!.outputTokens);
  const scrape = await fetch(`${harness.gateway.url}/metrics`, { headers: { authorization: `Bearer ${harness.gateway.adminToken}` } });
  const metrics = parseExposition(await scrape.text());
  const tokens = (direction: string) => metrics.sum('llm_gateway_tokens_total', { direction, provider: 'claude', model: CACHE_WRITE_1H_MODEL });
  expect([tokens('input'), tokens('output'), tokens('cached_input'), tokens('cache_write')]).toEqual(
    [row!.inputTokens, row!.outputTokens, row!.cachedInputTokens, row!.cacheWriteTokens].map(Number),
  );
});
