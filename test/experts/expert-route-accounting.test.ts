// An expert route through the real server, for a key allowed only the expert routes' names (README
// "Expert routes"): the answer, the headers, the route info, the request-log row and the metrics name
// the expert route the client asked for (never the expert's target as the model); the LLM judge runs
// for that key (its model is the gateway's choice); the judge's own call has a row of its own
// (operation `classify`), its tokens and cost are in the metrics and charged to the key's spend, and
// a judge that fails is in the log and the metrics. The judge call takes none of the key's requests
// per minute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import OpenAI from 'openai';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';
import { parseExposition, scrape } from '../metrics/exposition.js';

const METRICS_TOKEN = 'metrics-scrape-token-experts-0123456789';
// The fault upstream reports 5 input and 3 output tokens for every answer.
const EXPERT_PRICES = { inputPerMillion: 300, outputPerMillion: 500 }; // $0.003 an answer
const JUDGE_PRICES = { inputPerMillion: 200, outputPerMillion: 1000 }; // $0.004 a judge call
const EXPERT_COST = 0.003;
const JUDGE_COST = 0.004;

interface Row {
  requestedModel: string;
  route?: string;
  expert?: string;
  providerId?: string;
  upstreamModel?: string;
  operation: string;
  status: string;
  errorKind?: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
}

let harness: RoutingHarness;

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
  return { rpc: createClient(CompletionService, transport), openai: new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: secret, maxRetries: 0 }) };
}

async function rowsOf(keyId: string, count: number): Promise<Row[]> {
  let rows: Row[] = [];
  for (let tries = 0; tries < 50 && rows.length < count; tries += 1) {
    await harness.gateway.gateway.requestLog.flush();
    rows = ((await harness.admin('UsageService/ListRequests', { filter: { keyId }, pageSize: 100 })) as { requests?: Row[] }).requests ?? [];
    if (rows.length < count) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return rows;
}

const EXPERTS = [
  { name: 'code', description: 'Programming: code, functions, bugs', providerId: 'experts', upstreamModel: 'ok-code' },
  { name: 'chat', description: 'Small talk and everything else', providerId: 'experts', upstreamModel: 'ok-chat' },
];

beforeAll(async () => {
  harness = await startRoutingHarness({ GATEWAY_METRICS_TOKEN: METRICS_TOKEN });
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'experts', name: 'Experts', type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE', baseUrl: harness.upstream.baseUrl, apiKey: harness.upstream.apiKey,
    models: ['ok-code', 'ok-chat'].map((upstreamModel) => ({ upstreamModel, prices: EXPERT_PRICES })),
  });
  // judge-x answers by keywords (test/fixtures/judge-answer.ts); down-j answers 503; hang-j never answers.
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'judges', name: 'Judges', type: 'PROVIDER_TYPE_OPENAI', baseUrl: harness.upstream.baseUrl, apiKey: harness.upstream.apiKey,
    models: ['judge-x', 'down-j', 'hang-j'].map((upstreamModel) => ({ upstreamModel, prices: JUDGE_PRICES })),
  });
  for (const [name, judgeModel, timeout] of [['ex-llm', 'judges/judge-x', '5s'], ['ex-broken', 'judges/down-j', '5s'], ['ex-slow', 'judges/hang-j', '0.2s']] as const) {
    await harness.admin('RoutesService/CreateRoute', {
      name, strategy: 'ROUTE_STRATEGY_EXPERT',
      expert: { experts: EXPERTS, fallbackExpert: 'chat', classifier: { type: 'EXPERT_CLASSIFIER_TYPE_LLM', judgeModel, timeout } },
    });
  }
});
afterAll(() => harness?.close());

/** What the traffic below left behind: the restricted key, what the client saw, the key's rows. */
let key: { id: string; secret: string };
const seen: { openaiModel?: string; routeHeader?: string | null; upstreamHeader?: string | null; streamModels?: string[]; rpc?: { model?: string; route?: unknown }; fallback?: { model: string; upstream: string | null }; timedOut?: string } = {};
let rows: Row[] = [];

describe('an expert route, for a key allowed only its name', () => {
  beforeAll(async () => {
    key = await createKey({
      name: 'experts-only', allowedModels: ['ex-llm', 'ex-broken', 'ex-slow'],
      budget: { amount: 100, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' },
    });
    const { rpc, openai } = clientsFor(key.secret);
    const { data, response } = await openai.chat.completions
      .create({ model: 'ex-llm', messages: [{ role: 'user', content: 'Why does this function throw?' }] })
      .withResponse();
    seen.openaiModel = data.model;
    seen.routeHeader = response.headers.get('x-gateway-route');
    seen.upstreamHeader = response.headers.get('x-gateway-upstream-model');
    const stream = await openai.chat.completions.create({ model: 'ex-llm', stream: true, messages: [{ role: 'user', content: 'Hello there, how are you?' }] });
    const models = new Set<string>();
    for await (const chunk of stream) models.add(chunk.model);
    seen.streamModels = [...models];
    const answer = await rpc.complete({ chat: { ...harness.chat('ex-llm', 'Fix this bug in my code').chat } });
    seen.rpc = { model: answer.response?.model, route: answer.response?.route };
    // A judge that fails (503): the fallback answers, the client sees nothing wrong.
    const fallback = await openai.chat.completions.create({ model: 'ex-broken', messages: [{ role: 'user', content: 'Why does this function throw?' }] }).withResponse();
    seen.fallback = { model: fallback.data.model, upstream: fallback.response.headers.get('x-gateway-upstream-model') };
    // A judge that does not answer within the route's timeout: the fallback answers too.
    seen.timedOut = (await openai.chat.completions.create({ model: 'ex-slow', messages: [{ role: 'user', content: 'Why does this function throw?' }] })).model;
    rows = await rowsOf(key.id, 10);
  });

  it('is named as the route the client asked for: the answer’s model, x-gateway-route, the route info, the row, the metrics', async () => {
    expect(seen.openaiModel).toBe('ex-llm');
    expect(seen.routeHeader).toBe('ex-llm');
    expect(seen.upstreamHeader).toBe('ok-code');
    expect(seen.streamModels).toEqual(['ex-llm']);
    expect(seen.rpc?.model).toBe('ex-llm');
    expect(seen.rpc?.route).toMatchObject({ route: 'ex-llm', providerId: 'experts', upstreamModel: 'ok-code' });
    expect(seen.fallback).toEqual({ model: 'ex-broken', upstream: 'ok-chat' });
    const served = rows.filter((row) => row.operation === 'chat');
    expect(served.map((row) => [row.requestedModel, row.route, row.upstreamModel]).sort()).toEqual([
      ['ex-broken', 'ex-broken', 'ok-chat'],
      ['ex-llm', 'ex-llm', 'ok-chat'],
      ['ex-llm', 'ex-llm', 'ok-code'],
      ['ex-llm', 'ex-llm', 'ok-code'],
      ['ex-slow', 'ex-slow', 'ok-chat'],
    ]);
    const metrics = parseExposition((await scrape(`${harness.gateway.url}/metrics`, METRICS_TOKEN)).text);
    expect(metrics.sum('llm_gateway_requests_total', { operation: 'chat', route: 'ex-llm', provider: 'experts' })).toBe(3);
    expect(metrics.sum('llm_gateway_requests_total', { operation: 'chat', route: '', provider: 'experts' })).toBe(0);
  });

  it('runs the LLM judge for that key (the judge model is the gateway’s choice, like the experts’ targets)', async () => {
    expect(harness.upstream.calls('judge-x')).toBe(3);
    const decisions = ((await harness.admin('RoutesService/ListExpertDecisions', { route: 'ex-llm' })) as { decisions: Array<{ expert: string; source: string }> }).decisions;
    expect(decisions.map((decision) => decision.source)).toEqual(Array(3).fill('EXPERT_DECISION_SOURCE_LLM'));
    expect(decisions.map((decision) => decision.expert).sort()).toEqual(['chat', 'code', 'code']);
    expect(seen.rpc?.route).toMatchObject({ expert: 'code' });
    expect(rows.filter((row) => row.operation === 'chat' && row.route === 'ex-llm').map((row) => row.expert).sort()).toEqual(['chat', 'code', 'code']);
  });

  it('logs the judge’s call in a row of its own (operation classify), counts its tokens and cost, and charges them to the key', async () => {
    const judged = rows.filter((row) => row.operation === 'classify');
    expect(judged.filter((row) => row.route === 'ex-llm')).toEqual(
      Array(3).fill(expect.objectContaining({
        requestedModel: 'judges/judge-x', providerId: 'judges', upstreamModel: 'judge-x', status: 'REQUEST_STATUS_OK', inputTokens: 5, outputTokens: 3, costUsd: JUDGE_COST,
      })),
    );
    // Five answers and three judge calls (the failed ones consumed nothing).
    await expect
      .poll(async () => (await harness.admin('UsageService/GetKeySpend', { keyId: key.id })) as { spentUsd?: number; spentTokens?: string })
      .toMatchObject({ spentTokens: String(8 * 8) });
    const spend = (await harness.admin('UsageService/GetKeySpend', { keyId: key.id })) as { spentUsd: number };
    expect(spend.spentUsd).toBeCloseTo(5 * EXPERT_COST + 3 * JUDGE_COST, 10);
    const metrics = parseExposition((await scrape(`${harness.gateway.url}/metrics`, METRICS_TOKEN)).text);
    expect(metrics.sum('llm_gateway_requests_total', { operation: 'classify', route: 'ex-llm', provider: 'judges', model: 'judge-x', outcome: 'ok' })).toBe(3);
    expect(metrics.sum('llm_gateway_tokens_total', { provider: 'judges', model: 'judge-x', direction: 'input' })).toBe(15);
    expect(metrics.sum('llm_gateway_tokens_total', { provider: 'judges', model: 'judge-x', direction: 'output' })).toBe(9);
    expect(metrics.sum('llm_gateway_cost_usd_total', { provider: 'judges', model: 'judge-x' })).toBeCloseTo(3 * JUDGE_COST, 10);
  });

  it('shows a judge that failed or timed out: its row, the request metrics, a warning in the log, the fallback decision', async () => {
    expect(harness.upstream.calls('down-j')).toBe(1);
    expect(seen.timedOut).toBe('ex-slow');
    expect(rows.filter((row) => row.operation === 'classify' && row.route !== 'ex-llm').map((row) => [row.route, row.requestedModel, row.status, row.errorKind]).sort()).toEqual([
      ['ex-broken', 'judges/down-j', 'REQUEST_STATUS_ERROR', 'unavailable'],
      ['ex-slow', 'judges/hang-j', 'REQUEST_STATUS_ERROR', 'deadline_exceeded'],
    ]);
    const warnings = harness.gateway.logLines.filter((line) => line.includes('expert classifier gave no decision'));
    expect(warnings.some((line) => line.includes('"route":"ex-broken"') && line.includes('"reason":"error: '))).toBe(true);
    expect(warnings.some((line) => line.includes('"route":"ex-slow"') && line.includes('"reason":"timeout"'))).toBe(true);
    const metrics = parseExposition((await scrape(`${harness.gateway.url}/metrics`, METRICS_TOKEN)).text);
    expect(metrics.sum('llm_gateway_requests_total', { operation: 'classify', route: 'ex-broken', outcome: 'server_error', error_kind: 'unavailable' })).toBe(1);
    expect(metrics.sum('llm_gateway_requests_total', { operation: 'classify', route: 'ex-slow', outcome: 'server_error', error_kind: 'deadline_exceeded' })).toBe(1);
    expect(metrics.sum('llm_gateway_expert_decisions_total', { route: 'ex-broken', source: 'fallback' })).toBe(1);
    expect(metrics.sum('llm_gateway_expert_decisions_total', { route: 'ex-slow', source: 'fallback' })).toBe(1);
  });
});

describe('the key’s rate limits and the judge', () => {
  it('the judge call takes none of the key’s requests per minute: the client’s requests are what is counted', async () => {
    const limited = await createKey({ name: 'experts-rpm', allowedModels: ['ex-llm'], rateLimits: { requestsPerMinute: 2 } });
    const { openai } = clientsFor(limited.secret);
    const judgedBefore = harness.upstream.calls('judge-x');
    const outcomes: Array<number | string> = [];
    for (const question of ['Plan a code review', 'Hello from the rpm test', 'A third question']) {
      outcomes.push(await openai.chat.completions.create({ model: 'ex-llm', messages: [{ role: 'user', content: question }] }).then(() => 'ok', (error: InstanceType<typeof OpenAI.APIError>) => error.status ?? 'failed'));
    }
    expect(outcomes).toEqual(['ok', 'ok', 429]);
    // Both answered requests were judged; the refused one cost no judge call.
    expect(harness.upstream.calls('judge-x') - judgedBefore).toBe(2);
  });
});
