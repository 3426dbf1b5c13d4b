// Issue 7's promise through the real server: a key with a 10 requests/min
// limit and a $0.01 budget is refused at exactly the right request on both
// surfaces, every request is in the log with its tokens and cost, and a
// repeated request is served from the cache, unary and streamed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import OpenAI from 'openai';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';

let harness: RoutingHarness;

// The fault upstream reports 5 input and 3 output tokens; at these prices each answer costs $0.003.
const PRICES = { inputPerMillion: 300, outputPerMillion: 500 };

async function createKey(body: object): Promise<{ id: string; secret: string }> {
  const created = (await harness.admin('KeysService/CreateKey', body)) as { key: { id: string }; secret: string };
  return { id: created.key.id, secret: created.secret };
}

function clientsFor(secret: string) {
  const transport = createConnectTransport({
    baseUrl: harness.gateway.url,
    httpVersion: '1.1',
    interceptors: [(next) => (request) => (request.header.set('authorization', `Bearer ${secret}`), next(request))],
  });
  return {
    rpc: createClient(CompletionService, transport),
    openai: new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: secret, maxRetries: 0 }),
  };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => Code[ConnectError.from(error).code],
  );

beforeAll(async () => {
  harness = await startRoutingHarness();
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'priced',
    name: 'Priced',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: harness.upstream.baseUrl,
    apiKey: harness.upstream.apiKey,
    models: ['ok-p', 'ok-s', 'ok-cache', 'ok-log', 'slow100-budget'].map((upstreamModel) => ({ upstreamModel, prices: PRICES, ...(upstreamModel === 'ok-cache' ? { alias: 'cheap-cached' } : {}) })),
  });
});
afterAll(() => harness?.close());

describe('rate limits', () => {
  it('allows 10 requests a minute and refuses the 11th, on the RPC and the shim', async () => {
    for (const surface of ['rpc', 'openai'] as const) {
      const key = await createKey({ name: `rpm-${surface}`, rateLimits: { requestsPerMinute: 10 } });
      const { rpc, openai } = clientsFor(key.secret);
      const outcomes: string[] = [];
      for (let index = 0; index < 11; index += 1) {
        if (surface === 'rpc') outcomes.push(await codeOf(rpc.complete(harness.chat('priced/ok-p'))));
        else {
          const answer = await openai.chat.completions
            .create({ model: 'priced/ok-p', messages: [{ role: 'user', content: 'Hi' }] })
            .withResponse()
            .then(
              ({ response }) => `ok ${response.headers.get('x-ratelimit-remaining-requests')}`,
              (error: unknown) => (error instanceof OpenAI.RateLimitError ? `429 ${(error.error as { code?: string }).code} ${error.headers?.get('retry-after')}` : String(error)),
            );
          outcomes.push(answer);
        }
      }
      if (surface === 'rpc') expect(outcomes).toEqual([...Array(10).fill('ok'), 'ResourceExhausted']);
      else {
        expect(outcomes.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, index) => `ok ${9 - index}`));
        expect(outcomes[10]).toMatch(/^429 rate_limit_exceeded \d+$/);
      }
    }
  });
});

describe('budgets', () => {
  // Each answer costs $0.003; with max 3 output tokens a request reserves its counted input + 3 output tokens.
  const openaiOutcome = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (error: unknown) => (error instanceof OpenAI.RateLimitError ? `${String((error.error as { code?: string }).code)}: ${error.message}` : String(error)),
    );

  it('50 concurrent requests never spend past a $0.05 budget: each reserves its worst case, on the RPC and the shim', async () => {
    for (const surface of ['rpc', 'openai'] as const) {
      const key = await createKey({ name: `budget-${surface}`, budget: { amount: 0.05, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' } });
      const { rpc, openai } = clientsFor(key.secret);
      const once = () =>
        surface === 'rpc'
          ? codeOf(rpc.complete({ chat: { ...harness.chat('priced/slow100-budget').chat, maxOutputTokens: 3 } }))
          : openaiOutcome(openai.chat.completions.create({ model: 'priced/slow100-budget', max_tokens: 3, messages: [{ role: 'user', content: 'Hi' }] }));
      const outcomes = await Promise.all(Array.from({ length: 50 }, once));
      const answered = outcomes.filter((outcome) => outcome === 'ok').length;
      for (const outcome of outcomes.filter((outcome) => outcome !== 'ok')) {
        if (surface === 'rpc') expect(outcome).toBe('ResourceExhausted');
        else expect(outcome).toMatch(/^insufficient_quota: 429 budget would be exceeded: this request may use up to \$0\.00\d+ /);
      }
      expect(answered).toBeGreaterThan(0);
      // Before worst-case reservations all 50 were answered ($0.15 spent of $0.05).
      expect(answered).toBeLessThanOrEqual(16);
      const spend = (await harness.admin('UsageService/GetKeySpend', { keyId: key.id })) as { spentUsd: number };
      expect(spend.spentUsd).toBeCloseTo(answered * 0.003, 10);
      expect(spend.spentUsd).toBeLessThanOrEqual(0.05);

      // One at a time, requests go on until the next one's worst case no longer fits: never past the budget.
      let last = 'ok';
      for (let index = 0; index < 20 && last === 'ok'; index += 1) last = await once();
      expect(last).not.toBe('ok');
      const final = (await harness.admin('UsageService/GetKeySpend', { keyId: key.id })) as { spentUsd: number };
      expect(final.spentUsd).toBeLessThanOrEqual(0.05);
      expect(final.spentUsd).toBeGreaterThan(0.05 - 0.01);
    }
  });

  it('a request that sets no maximum reserves the default 4096 output tokens, and says so when that does not fit', async () => {
    const key = await createKey({ name: 'budget-default-output', budget: { amount: 0.01, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' } });
    const { openai } = clientsFor(key.secret);
    const refused = await openaiOutcome(openai.chat.completions.create({ model: 'priced/ok-s', messages: [{ role: 'user', content: 'Hi' }] }));
    // 4096 × $500/M = $2.048 of output alone.
    expect(refused).toMatch(/^insufficient_quota: 429 budget would be exceeded: this request may use up to \$2\.05 \(its input and maximum output at the model's prices\), and \$0\.01 of \$0\.01 is left this month$/);
    expect(await openaiOutcome(openai.chat.completions.create({ model: 'priced/ok-s', max_tokens: 3, messages: [{ role: 'user', content: 'Hi' }] }))).toBe('ok');
  });

  it('counts what a key spent before it had a budget: GetKeySpend reports it, and a daily budget set below it refuses the next request', async () => {
    const key = await createKey({ name: 'budget-set-later' });
    const { openai } = clientsFor(key.secret);
    const ask = () => openaiOutcome(openai.chat.completions.create({ model: 'priced/ok-s', max_tokens: 3, messages: [{ role: 'user', content: 'Hi' }] }));
    for (let index = 0; index < 3; index += 1) expect(await ask()).toBe('ok');
    type Spend = { spentUsd?: number; spentTokens?: string; remaining?: number; budget?: object; periodStart: string };
    const spendOf = async () => (await harness.admin('UsageService/GetKeySpend', { keyId: key.id })) as Spend;

    // No budget: this month's spend, $0.003 and 8 tokens an answer.
    const unbudgeted = await spendOf();
    expect(unbudgeted.spentUsd).toBeCloseTo(0.009, 10);
    expect(unbudgeted.spentTokens).toBe('24');
    expect(unbudgeted.budget).toBeUndefined();
    const monthStart = new Date();
    expect(unbudgeted.periodStart).toBe(new Date(Date.UTC(monthStart.getUTCFullYear(), monthStart.getUTCMonth(), 1)).toISOString().replace('.000', ''));

    const setBudget = (amount: number, period: string) =>
      harness.admin('KeysService/UpdateKey', { id: key.id, budget: { amount, unit: 'BUDGET_UNIT_USD', period }, updateMask: 'budget' });
    await setBudget(0.005, 'BUDGET_PERIOD_DAY');
    const daily = await spendOf();
    expect(daily.spentUsd).toBeCloseTo(0.009, 10);
    expect(daily.remaining ?? 0).toBe(0);
    expect(await ask()).toBe('insufficient_quota: 429 budget exhausted: $0.009 of $0.005 today');

    // A month with room: served, and charged on top of what was already spent.
    await setBudget(0.02, 'BUDGET_PERIOD_MONTH');
    expect((await spendOf()).remaining).toBeCloseTo(0.011, 10);
    expect(await ask()).toBe('ok');
    await expect.poll(async () => (await spendOf()).spentUsd, { timeout: 10_000 }).toBeCloseTo(0.012, 10);
  });
});

describe('request log', () => {
  it('has one row per request with its tokens, cost and outcome', async () => {
    const key = await createKey({ name: 'logged' });
    const { rpc, openai } = clientsFor(key.secret);
    await rpc.complete(harness.chat('priced/ok-log'));
    for await (const message of rpc.streamComplete(harness.chat('priced/ok-log'))) void message;
    await openai.chat.completions.create({ model: 'priced/ok-log', messages: [{ role: 'user', content: 'Hi' }] });
    await codeOf(rpc.complete(harness.chat('priced/no-such-model')));
    type Row = { id: string; surface: string; stream?: boolean; status: string; inputTokens?: number; outputTokens?: number; costUsd?: number; upstreamModel?: string; errorKind?: string };
    let rows: Row[] = [];
    await expect
      .poll(async () => {
        rows = ((await harness.admin('UsageService/ListRequests', { filter: { keyId: key.id } })) as { requests?: Row[] }).requests ?? [];
        return rows.length;
      }, { timeout: 10_000 })
      .toBe(4);
    const ok = rows.filter((row) => row.status === 'REQUEST_STATUS_OK');
    expect(ok.map((row) => `${row.surface}${row.stream ? '+stream' : ''}`).sort()).toEqual(['openai', 'rpc', 'rpc+stream']);
    for (const row of ok) expect(row).toMatchObject({ inputTokens: 5, outputTokens: 3, upstreamModel: 'ok-log', costUsd: 0.003 });
    expect(rows.find((row) => row.status === 'REQUEST_STATUS_ERROR')).toMatchObject({ errorKind: 'not_found' });
    // Row ids are time-ordered (UUID version 7): listed newest first, they sort newest first too.
    const ids = rows.map((row) => row.id);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort().reverse()).toEqual(ids);
  });
});

describe('response cache', () => {
  it('serves a repeated request from the cache, unary and streamed, marked and free', async () => {
    const key = await createKey({ name: 'cached', cacheEnabled: true });
    const { rpc, openai } = clientsFor(key.secret);
    const before = harness.upstream.calls('ok-cache');
    const first = await openai.chat.completions.create({ model: 'priced/ok-cache', messages: [{ role: 'user', content: 'same' }] }).withResponse();
    const second = await openai.chat.completions.create({ model: 'priced/ok-cache', messages: [{ role: 'user', content: 'same' }] }).withResponse();
    expect(first.response.headers.get('x-gateway-cache')).toBe('miss');
    expect(second.response.headers.get('x-gateway-cache')).toBe('hit');
    expect(second.data.choices[0]?.message.content).toBe(first.data.choices[0]?.message.content);
    expect(harness.upstream.calls('ok-cache')).toBe(before + 1);

    const streamed = async () => {
      const texts: string[] = [];
      let cacheHit = false;
      for await (const message of rpc.streamComplete(harness.chat('priced/ok-cache', 'same stream'))) {
        const event = message.chunk!.event;
        if (event.case === 'textDelta') texts.push(event.value.text);
        if (event.case === 'route') cacheHit = event.value.cacheHit;
      }
      return { texts, cacheHit };
    };
    const original = await streamed();
    const replay = await streamed();
    expect(replay.texts).toEqual(original.texts);
    expect([original.cacheHit, replay.cacheHit]).toEqual([false, true]);
    expect(harness.upstream.calls('ok-cache')).toBe(before + 2);

    // A different request, or an explicit bypass, goes upstream.
    await openai.chat.completions.create({ model: 'priced/ok-cache', messages: [{ role: 'user', content: 'same' }] }, { headers: { 'cache-control': 'no-cache' } });
    expect(harness.upstream.calls('ok-cache')).toBe(before + 3);
  });

  it('a hit names the model its own request asked for, not the alias or id of the request that filled the entry', async () => {
    const key = await createKey({ name: 'cached-alias', cacheEnabled: true });
    const { openai } = clientsFor(key.secret);
    const ask = (model: string) => openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'alias or id' }] }).withResponse();
    const byAlias = await ask('cheap-cached');
    const byId = await ask('priced/ok-cache');
    expect([byAlias.response.headers.get('x-gateway-cache'), byId.response.headers.get('x-gateway-cache')]).toEqual(['miss', 'hit']);
    expect([byAlias.data.model, byId.data.model]).toEqual(['cheap-cached', 'priced/ok-cache']);
    const streamedModels = async (model: string) => {
      const models = new Set<string>();
      for await (const chunk of await openai.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'alias or id, streamed' }] })) models.add(chunk.model);
      return [...models];
    };
    expect(await streamedModels('priced/ok-cache')).toEqual(['priced/ok-cache']);
    expect(await streamedModels('cheap-cached')).toEqual(['cheap-cached']); // the replay
  });
});

describe('headers of streamed shim answers', () => {
  it('carry x-ratelimit-* and x-gateway-cache (written before the first event), on both shims', async () => {
    const key = await createKey({ name: 'streamed-headers', cacheEnabled: true, rateLimits: { requestsPerMinute: 10 } });
    const post = async (path: string, body: object) => {
      const response = await fetch(`${harness.gateway.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ ...body, stream: true }),
      });
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const headers = [response.headers.get('x-ratelimit-remaining-requests'), response.headers.get('x-gateway-cache')];
      await response.text();
      return headers;
    };
    const openaiBody = { model: 'priced/ok-cache', messages: [{ role: 'user', content: 'streamed headers' }] };
    const anthropicBody = { ...openaiBody, max_tokens: 50 };
    expect(await post('/v1/chat/completions', openaiBody)).toEqual(['9', 'miss']);
    expect(await post('/v1/chat/completions', openaiBody)).toEqual(['8', 'hit']);
    expect(await post('/v1/messages', anthropicBody)).toEqual(['7', 'miss']);
    expect(await post('/v1/messages', anthropicBody)).toEqual(['6', 'hit']);
  });
});
