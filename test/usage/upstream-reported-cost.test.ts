// Where a request's cost comes from (README, "Usage and cost"): the provider model's own prices; else
// what the upstream reports it charged — OpenRouter's `usage.cost`, plus, for a request on the caller's own
// key (`is_byok`), `cost_details.upstream_inference_cost`
// (https://openrouter.ai/docs/use-cases/usage-accounting); else the built-in table; else nothing. Checked
// on the request-log row and the RPC's usage, with the official clients against a started gateway and a
// fixture speaking OpenRouter's dialect (fixtures/compatible-dialects-upstream.ts).
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_USAGE,
  OPENROUTER_BYOK_UPSTREAM_COST,
  OPENROUTER_COST,
  startCompatibleDialects,
  type CompatibleDialectsFixture,
} from '../fixtures/compatible-dialects-upstream.js';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { keyClients, type KeyClients } from '../helpers/key-clients.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

interface LoggedRow {
  requestedModel: string;
  stream?: boolean;
  costUsd?: number;
}

let gateway: StartedGateway;
let fixture: CompatibleDialectsFixture;
let admin: AdminCall;
let clients: KeyClients;

beforeAll(async () => {
  gateway = await startGateway({ GATEWAY_LOG_LEVEL: 'info' });
  fixture = await startCompatibleDialects();
  admin = adminCaller(gateway.url, gateway.adminToken);
  await admin('ProvidersService/CreateProvider', {
    id: 'openrouter',
    name: 'OpenRouter',
    type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
    baseUrl: fixture.baseUrl('openrouter'),
    models: [
      { upstreamModel: 'meta-llama/llama-3.3-70b-instruct' },
      { upstreamModel: 'anthropic/claude-sonnet-4:byok' },
      // An id the built-in table knows: the upstream's own figure still wins over a list price.
      { upstreamModel: 'gpt-4o-mini' },
      { upstreamModel: 'mistralai/mistral-small', prices: { inputPerMillion: 1, outputPerMillion: 2 } },
    ],
  });
  const secret = String((await admin('KeysService/CreateKey', { name: 'costs' }))['secret']);
  clients = keyClients(gateway.url, secret);
});
afterAll(async () => {
  await fixture?.close();
  await gateway?.close();
});

async function rowFor(model: string, stream: boolean): Promise<LoggedRow> {
  for (let tries = 0; tries < 50; tries += 1) {
    await gateway.gateway.requestLog.flush();
    const listed = (await admin('UsageService/ListRequests', { pageSize: 200 })) as { requests?: LoggedRow[] };
    const row = listed.requests?.find((entry) => entry.requestedModel === model && (entry.stream ?? false) === stream);
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no request-log row for ${model}`);
}

const ask = (model: string) => clients.openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] });
async function askStreamed(model: string): Promise<void> {
  const stream = await clients.openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }], stream: true });
  for await (const chunk of stream) void chunk;
}

describe('the cost of a request', () => {
  it('without prices: what OpenRouter reports it charged (usage.cost), unary and streamed', async () => {
    await ask('openrouter/meta-llama/llama-3.3-70b-instruct');
    expect((await rowFor('openrouter/meta-llama/llama-3.3-70b-instruct', false)).costUsd).toBeCloseTo(OPENROUTER_COST, 12);
    await askStreamed('openrouter/meta-llama/llama-3.3-70b-instruct');
    expect((await rowFor('openrouter/meta-llama/llama-3.3-70b-instruct', true)).costUsd).toBeCloseTo(OPENROUTER_COST, 12);
  });

  it('on the caller’s own key (BYOK): OpenRouter’s fee and the upstream provider’s charge together', async () => {
    await ask('openrouter/anthropic/claude-sonnet-4:byok');
    expect((await rowFor('openrouter/anthropic/claude-sonnet-4:byok', false)).costUsd).toBeCloseTo(OPENROUTER_COST + OPENROUTER_BYOK_UPSTREAM_COST, 12);
  });

  it('the upstream’s figure wins over the built-in list price; the RPC answer carries it too', async () => {
    const answer = await clients.rpc.complete({ chat: { model: 'openrouter/gpt-4o-mini', messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'Hi' } } }] }] } });
    expect(answer.response?.usage?.costUsd).toBeCloseTo(OPENROUTER_COST, 12);
  });

  it('a model priced by what the upstream reports is not called unpriced to a key with a USD budget', async () => {
    const budgeted = String(
      (await admin('KeysService/CreateKey', { name: 'budgeted', budget: { amount: 5, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' } }))['secret'],
    );
    const { response } = await keyClients(gateway.url, budgeted)
      .openai.chat.completions.create({ model: 'openrouter/meta-llama/llama-3.3-70b-instruct', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(response.headers.get('x-gateway-warnings') ?? '').not.toContain('unpriced_model');
  });

  it('the provider model’s own prices win over what the upstream reports', async () => {
    await ask('openrouter/mistralai/mistral-small');
    const row = await rowFor('openrouter/mistralai/mistral-small', false);
    expect(row.costUsd).toBeCloseTo((FIXTURE_USAGE.prompt * 1 + FIXTURE_USAGE.completion * 2) / 1_000_000, 12);
  });
});
