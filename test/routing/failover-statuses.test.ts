// Which upstream statuses move a route to its next target. A 404 from one
// target (a model that provider retired) says nothing about the next, which
// asks another provider for another model: a route lists 404 in
// failoverStatuses to fail over on it; without it, the client gets the 404 in
// its API's shape. A 409 is what the vendors' SDKs retry (a lock timeout): it
// is retried and failed over by default, as its `x-should-retry: true` says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIError } from 'openai';
import { startRoutingHarness, type RoutingHarness } from './routing-harness.js';

let harness: RoutingHarness;
beforeAll(async () => {
  harness = await startRoutingHarness();
  await harness.addFaultProvider('legacy', ['retired-r', 'retired-s', 'retired-t', 'conflict-n', 'conflict-o']);
});
afterAll(() => harness?.close());

const hi = [{ role: 'user' as const, content: 'Hi' }];

async function createRoute(name: string, first: string, settings: object = {}) {
  await harness.admin('RoutesService/CreateRoute', {
    name,
    strategy: 'ROUTE_STRATEGY_PRIORITY',
    targets: [{ providerId: 'legacy', upstreamModel: first }, { providerId: 'fault', upstreamModel: 'ok-y' }],
    settings: { maxRetries: 1, backoffBase: '0.01s', backoffCap: '0.05s', ...settings },
  });
}

describe('an upstream 404 on a route', () => {
  it('fails over to the next target when the route lists 404, without retrying the retired model', async () => {
    await createRoute('retiring', 'retired-r', { failoverStatuses: [404, 503] });
    const { data, response } = await harness.openai.chat.completions.create({ model: 'retiring', messages: hi }).withResponse();
    expect(data.choices[0]?.message.content).toBe('served by y');
    expect(response.headers.get('x-gateway-attempts')).toMatch(/^legacy\/retired-r=not_found 404 \d+ms, fault\/ok-y=ok 200 \d+ms$/);
    // A retry on the same target cannot bring the model back.
    expect(harness.upstream.calls('retired-r')).toBe(1);

    const stream = await harness.openai.chat.completions.create({ model: 'retiring', messages: hi, stream: true });
    let text = '';
    for await (const part of stream) text += part.choices[0]?.delta.content ?? '';
    expect(text).toBe('served by y');
  });

  it('answers the 404 in OpenAI’s shape when the route does not list it', async () => {
    await createRoute('strict-404', 'retired-s');
    const refused = await harness.openai.chat.completions.create({ model: 'strict-404', messages: hi }).then(
      () => undefined,
      (error: unknown) => error as APIError,
    );
    expect(refused).toBeInstanceOf(APIError);
    expect(refused).toMatchObject({ status: 404, type: 'invalid_request_error', code: 'upstream_not_found' });
    expect(refused?.message).toContain('does not exist');
    expect(refused?.headers?.get('x-gateway-attempts')).toMatch(/^legacy\/retired-s=not_found 404 \d+ms$/);
  });

  it('is accepted in failoverStatuses and shown back; 400, 413 and 422 still are not', async () => {
    await createRoute('listed-404', 'retired-t', { failoverStatuses: [404] });
    const { route } = (await harness.admin('RoutesService/GetRoute', { name: 'listed-404' })) as { route: { settings: { failoverStatuses: number[] } } };
    expect(route.settings.failoverStatuses).toEqual([404]);
    for (const status of [400, 413, 422]) {
      await expect(createRoute(`listed-${status}`, 'retired-t', { failoverStatuses: [status] })).rejects.toThrow(`${status} never fails over`);
    }
  });
});

describe('an upstream 409 on a route', () => {
  it('is retried and then failed over by default, as x-should-retry says', async () => {
    await createRoute('conflicted', 'conflict-n');
    const { data, response } = await harness.openai.chat.completions.create({ model: 'conflicted', messages: hi }).withResponse();
    expect(data.choices[0]?.message.content).toBe('served by y');
    expect(response.headers.get('x-gateway-attempts')).toMatch(
      /^legacy\/conflict-n=unavailable 409 \d+ms, legacy\/conflict-n=unavailable 409 \d+ms, fault\/ok-y=ok 200 \d+ms$/,
    );
  });

  it('reaches the client as retryable when it is the last answer', async () => {
    const refused = await harness.openai.chat.completions.create({ model: 'legacy/conflict-o', messages: hi }).then(
      () => undefined,
      (error: unknown) => error as APIError,
    );
    expect(refused).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(refused?.headers?.get('x-should-retry')).toBe('true');
  });
});
