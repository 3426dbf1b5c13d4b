// Route chains through the real server, with the official OpenAI and Anthropic clients: a route target
// (another route) is one target of its parent, picks inside itself with its own strategy and settings, and
// what the client and the request log are told names the route the client asked for and every attempt.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoutingHarness, type RoutingHarness } from './routing-harness.js';

let harness: RoutingHarness;
let anthropic: Anthropic;
beforeAll(async () => {
  harness = await startRoutingHarness();
  anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
});
afterAll(() => harness?.close());

const fault = (upstreamModel: string) => ({ providerId: 'fault', upstreamModel });

async function createRoute(name: string, strategy: string, targets: object[], settings: object = {}) {
  await harness.admin('RoutesService/CreateRoute', {
    name,
    strategy: `ROUTE_STRATEGY_${strategy}`,
    targets,
    settings: { backoffBase: '0.01s', backoffCap: '0.05s', ...settings },
  });
}

async function servedThroughOpenAI(model: string) {
  const { response } = await harness.openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
  return {
    upstreamModel: response.headers.get('x-gateway-upstream-model'),
    route: response.headers.get('x-gateway-route'),
    attempts: (response.headers.get('x-gateway-attempts') ?? '').split(', ').map((entry) => entry.replace(/ \d+ms$/, '')),
  };
}

describe('a route target is one target of its parent, with its own strategy inside', () => {
  it('a priority parent over a round-robin route: the inner route rotates (OpenAI client)', async () => {
    await createRoute('rotating', 'ROUND_ROBIN', [fault('ok-x'), fault('ok-y'), fault('ok-q')]);
    await createRoute('first-choice', 'PRIORITY', [{ route: 'rotating' }, fault('ok-z')]);
    const served: Array<string | null> = [];
    for (let index = 0; index < 6; index += 1) served.push((await servedThroughOpenAI('first-choice')).upstreamModel);
    expect(new Set(served.slice(0, 3))).toEqual(new Set(['ok-x', 'ok-y', 'ok-q']));
    expect(served.slice(3)).toEqual(served.slice(0, 3));
  });

  it('a round-robin parent alternates between its route target and its other target (Anthropic client)', async () => {
    await createRoute('pair', 'PRIORITY', [fault('ok-x'), fault('ok-y')]);
    await createRoute('alternating', 'ROUND_ROBIN', [{ route: 'pair' }, fault('ok-q')]);
    const served: Array<string | null> = [];
    for (let index = 0; index < 6; index += 1) {
      const { response } = await anthropic.messages.create({ model: 'alternating', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
      served.push(response.headers.get('x-gateway-upstream-model'));
    }
    expect(new Set(served.slice(0, 2))).toEqual(new Set(['ok-x', 'ok-q']));
    for (let index = 2; index < served.length; index += 1) expect(served[index]).toBe(served[index - 2]);
  });
});

describe("a route target's own settings govern its attempts", () => {
  it("is retried by its own maxRetries, then the parent fails over; the answer and the request log list every attempt", async () => {
    await createRoute('once-only', 'PRIORITY', [fault('down-a')], { maxRetries: 0 });
    await createRoute('patient', 'PRIORITY', [{ route: 'once-only' }, fault('ok-c')], { maxRetries: 3 });
    const before = harness.upstream.calls('down-a');
    const answer = await servedThroughOpenAI('patient');
    expect(harness.upstream.calls('down-a') - before).toBe(1);
    expect(answer).toEqual({ upstreamModel: 'ok-c', route: 'patient', attempts: ['fault/down-a=unavailable 503', 'fault/ok-c=ok 200'] });

    await harness.gateway.gateway.requestLog.flush();
    const listed = (await harness.admin('UsageService/ListRequests', { pageSize: 100 })) as { requests?: Array<Record<string, unknown>> };
    expect(listed.requests?.find((row) => row['requestedModel'] === 'patient')).toMatchObject({ route: 'patient', providerId: 'fault', upstreamModel: 'ok-c', attempts: 2 });
  });

  it('streams: the same, before the first chunk', async () => {
    await createRoute('stream-once-only', 'PRIORITY', [fault('down-r')], { maxRetries: 0 });
    await createRoute('stream-patient', 'PRIORITY', [{ route: 'stream-once-only' }, fault('ok-c')], { maxRetries: 3 });
    const stream = await harness.openai.chat.completions.create({ model: 'stream-patient', messages: [{ role: 'user', content: 'Hi' }], stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream.data) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('served by c');
    expect(harness.upstream.calls('down-r')).toBe(1);
    expect(stream.response.headers.get('x-gateway-upstream-model')).toBe('ok-c');
  });
});
