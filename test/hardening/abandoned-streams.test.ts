// A stream cut short is charged for what it consumed (issue: streaming and
// leaving early must not be a way around budgets and cost tracking): the
// client that leaves after 8 deltas, on the OpenAI shim and the RPC, and an
// upstream that breaks mid-stream. Each leaves a row with the input and the
// output received so far (estimated, priced), and the key's budget is charged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import OpenAI from 'openai';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';

let harness: RoutingHarness;
const PRICES = { inputPerMillion: 1_000, outputPerMillion: 2_000 };

interface Row {
  status: string;
  errorKind?: string;
  inputTokens?: number;
  outputTokens?: number;
  estimated?: boolean;
  costUsd?: number;
}

beforeAll(async () => {
  // Production's default log level: the OpenAI stream and the RPC are served before Fastify (their intakes).
  harness = await startRoutingHarness({ GATEWAY_LOG_LEVEL: 'info' });
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'cut',
    name: 'Cut',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: harness.upstream.baseUrl,
    apiKey: harness.upstream.apiKey,
    models: ['drip-shim', 'drip-rpc', 'reset-mid'].map((upstreamModel) => ({ upstreamModel, prices: PRICES })),
  });
});
afterAll(() => harness?.close());

async function budgetedKey(name: string) {
  const created = (await harness.admin('KeysService/CreateKey', {
    name,
    budget: { amount: 100, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' },
  })) as { key: { id: string }; secret: string };
  return { id: created.key.id, secret: created.secret };
}

async function onlyRowOf(keyId: string): Promise<Row> {
  let rows: Row[] = [];
  await expect
    .poll(async () => {
      rows = ((await harness.admin('UsageService/ListRequests', { filter: { keyId } })) as { requests?: Row[] }).requests ?? [];
      return rows.length;
    }, { timeout: 10_000 })
    .toBe(1);
  return rows[0]!;
}

async function spentUsd(keyId: string): Promise<number> {
  return ((await harness.admin('UsageService/GetKeySpend', { keyId })) as { spentUsd?: number }).spentUsd ?? 0;
}

/** The row and the budget agree: input counted, at least the deltas read, estimated, priced. */
async function expectCharged(keyId: string, status: string, minimumOutput: number): Promise<Row> {
  const row = await onlyRowOf(keyId);
  expect(row.status).toBe(status);
  expect(row.estimated).toBe(true);
  expect(row.inputTokens).toBeGreaterThan(0);
  expect(row.outputTokens).toBeGreaterThanOrEqual(minimumOutput);
  expect(row.costUsd).toBeCloseTo((row.inputTokens! * PRICES.inputPerMillion + row.outputTokens! * PRICES.outputPerMillion) / 1e6, 9);
  await expect.poll(() => spentUsd(keyId), { timeout: 10_000 }).toBeCloseTo(row.costUsd!, 9);
  return row;
}

describe('streams cut short are charged for what they consumed', () => {
  it('a client of the OpenAI shim that leaves after 8 content deltas', async () => {
    const key = await budgetedKey('leaves-shim');
    const openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: key.secret, maxRetries: 0 });
    const stream = await openai.chat.completions.create({ model: 'cut/drip-shim', stream: true, messages: [{ role: 'user', content: 'Tell me a long story' }] });
    let deltas = 0;
    for await (const part of stream) {
      if (part.choices[0]?.delta.content) deltas += 1;
      if (deltas === 8) break; // the SDK aborts its request
    }
    const row = await expectCharged(key.id, 'REQUEST_STATUS_CANCELED', 8);
    expect(row.outputTokens).toBeLessThan(1_000); // what was received, not the whole answer
  });

  it('an RPC client that cancels after 8 text deltas', async () => {
    const key = await budgetedKey('leaves-rpc');
    const transport = createConnectTransport({
      baseUrl: harness.gateway.url,
      httpVersion: '2',
      interceptors: [(next) => (request) => (request.header.set('authorization', `Bearer ${key.secret}`), next(request))],
    });
    const client = createClient(CompletionService, transport);
    const leave = new AbortController();
    let deltas = 0;
    await (async () => {
      for await (const message of client.streamComplete(harness.chat('cut/drip-rpc', 'Tell me a long story'), { signal: leave.signal })) {
        if (message.chunk?.event.case === 'textDelta') deltas += 1;
        if (deltas === 8) leave.abort();
      }
    })().catch(() => undefined);
    await expectCharged(key.id, 'REQUEST_STATUS_CANCELED', 8);
  });

  it('an upstream that breaks mid-stream', async () => {
    const key = await budgetedKey('upstream-breaks');
    const openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: key.secret, maxRetries: 0 });
    await (async () => {
      const stream = await openai.chat.completions.create({ model: 'cut/reset-mid', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
      for await (const part of stream) void part;
    })().catch(() => undefined);
    const row = await expectCharged(key.id, 'REQUEST_STATUS_ERROR', 1);
    expect(row.errorKind).not.toBe('');
  });
});
