// Two identical streams share one upstream call (the response cache's flight). When the request that
// opened it leaves before the usage arrives, the one still reading becomes the payer: its request-log
// row carries the charge and says no hit — and the cache metrics count it as a miss too, so that the
// row, the metrics and the spend agree on what was served from the cache.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/gateway-process.js';
import { parseExposition, scrape } from '../metrics/exposition.js';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';

const METRICS_TOKEN = 'metrics-scrape-token-coalesced-0123456789';
const PRICES = { inputPerMillion: 300, outputPerMillion: 500 };

interface LoggedRow {
  keyId: string;
  status: string;
  cacheHit?: boolean;
  costUsd?: number;
}

let harness: RoutingHarness;

beforeAll(async () => {
  harness = await startRoutingHarness({ GATEWAY_METRICS_TOKEN: METRICS_TOKEN, GATEWAY_METRICS_PORT: String(await freePort()) });
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'drips',
    name: 'Dripping fixture',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: harness.upstream.baseUrl,
    apiKey: harness.upstream.apiKey,
    // 300 one-token deltas 10 ms apart: the opener leaves long before the usage.
    models: [{ upstreamModel: 'drip300-c', prices: PRICES }],
  });
});
afterAll(() => harness?.close());

describe('a stream that joined an identical call and was left to pay for it', () => {
  it('is a miss in the row and in the cache metrics, not a hit', async () => {
    const created = (await harness.admin('KeysService/CreateKey', { name: 'coalesced', cacheEnabled: true })) as { key: { id: string }; secret: string };
    const openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: created.secret, maxRetries: 0 });
    const body = { model: 'drips/drip300-c', stream: true as const, stream_options: { include_usage: true }, messages: [{ role: 'user' as const, content: 'share this call' }] };

    const opener = new AbortController();
    const openerStream = await openai.chat.completions.create(body, { signal: opener.signal });
    const openerChunks = openerStream[Symbol.asyncIterator]();
    expect((await openerChunks.next()).done).toBe(false);

    // Joins the opener's upstream call (still dripping), then the opener leaves.
    const joined = await openai.chat.completions.create(body).withResponse();
    const joinedChunks = joined.data[Symbol.asyncIterator]();
    expect((await joinedChunks.next()).done).toBe(false);
    expect(harness.upstream.calls('drip300-c')).toBe(1);
    opener.abort();
    await openerChunks.next().catch(() => undefined);

    let usage: OpenAI.CompletionUsage | null | undefined;
    for (let step = await joinedChunks.next(); !step.done; step = await joinedChunks.next()) usage ??= step.value.usage;
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(harness.upstream.calls('drip300-c')).toBe(1);

    await harness.gateway.gateway.requestLog.flush();
    const listed = (await harness.admin('UsageService/ListRequests', { filter: { keyId: created.key.id }, pageSize: 10 })) as { requests?: LoggedRow[] };
    const rows = listed.requests ?? [];
    const served = rows.filter((row) => row.status === 'REQUEST_STATUS_OK');
    expect(served).toHaveLength(1);
    expect(served[0]!.cacheHit ?? false).toBe(false);
    expect(served[0]!.costUsd ?? 0).toBeGreaterThan(0);

    const answer = await scrape(`${harness.gateway.url}/metrics`, METRICS_TOKEN);
    const exposition = parseExposition(answer.text);
    expect(exposition.sum('llm_gateway_cache_lookups_total', { result: 'hit' })).toBe(0);
    expect(exposition.sum('llm_gateway_cache_lookups_total', { result: 'miss' })).toBe(2);
  });
});
