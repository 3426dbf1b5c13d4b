// An upstream refusing the gateway's own credentials (401/403) is that
// target's fault, not the client's: a route fails over to its next target and
// the refusing target's breaker opens; a model addressed directly answers the
// refusal as documented (docs/errors.md), then, once its breaker is open, 503
// with a retry-after on every surface.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectError } from '@connectrpc/connect';
import { APIError } from 'openai';
import { startRoutingHarness, type RoutingHarness } from './routing-harness.js';

let harness: RoutingHarness;
beforeAll(async () => {
  harness = await startRoutingHarness();
  // The same fixture behind a key it does not accept: every call is refused with 401 (a rotated vendor key).
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'rotated',
    name: 'Rotated key',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: harness.upstream.baseUrl,
    apiKey: 'sk-rotated-long-ago',
    models: [{ upstreamModel: 'ok-x' }],
  });
});
afterAll(() => harness?.close());

const attemptsOf = async (model: string) => {
  const { response } = await harness.rpc.complete(harness.chat(model));
  return { served: response!.route!.upstreamModel, attempts: response!.route!.attempts.map((attempt) => `${attempt.providerId}/${attempt.upstreamModel}=${attempt.outcome}`) };
};

const breakerOf = async (route: string, upstreamModel: string) => {
  const health = (await harness.admin('RoutesService/GetRouteHealth', { name: route })) as { targets: Array<{ upstreamModel: string; breaker: string }> };
  return health.targets.find((target) => target.upstreamModel === upstreamModel)?.breaker;
};

describe('a route whose first target refuses the gateway’s credentials', () => {
  it('fails over to the next target at once (401), and the refusing target’s breaker opens', async () => {
    await harness.admin('RoutesService/CreateRoute', {
      name: 'cred',
      strategy: 'ROUTE_STRATEGY_PRIORITY',
      targets: [{ providerId: 'rotated', upstreamModel: 'ok-x' }, { providerId: 'fault', upstreamModel: 'ok-y' }],
      settings: { maxRetries: 2, backoffBase: '0.01s', backoffCap: '0.05s' },
    });
    // Not retried on the refusing target: a retry cannot help.
    expect(await attemptsOf('cred')).toEqual({ served: 'ok-y', attempts: ['rotated/ok-x=failed_precondition', 'fault/ok-y=ok'] });
    for (let index = 0; index < 4; index += 1) expect((await attemptsOf('cred')).served).toBe('ok-y');
    expect(await breakerOf('cred', 'ok-x')).toBe('BREAKER_STATE_OPEN');
    expect(await attemptsOf('cred')).toEqual({ served: 'ok-y', attempts: ['fault/ok-y=ok'] });
  });

  it('does the same on a 403', async () => {
    await harness.createRoute('forbidden-first', 'priority', ['forbidden-m', 'ok-z']);
    expect(await attemptsOf('forbidden-first')).toEqual({ served: 'ok-z', attempts: ['fault/forbidden-m=failed_precondition', 'fault/ok-z=ok'] });
    expect(harness.upstream.calls('forbidden-m')).toBe(1);
  });
});

describe('a model addressed directly that refuses the gateway’s credentials', () => {
  it('answers 502 upstream_credentials_rejected, then, once its breaker is open, 503 with retry-after on every surface', async () => {
    const model = 'fault/forbidden-k';
    const ask = () => harness.openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] }).then(() => undefined, (error: unknown) => error as APIError);
    for (let index = 0; index < 5; index += 1) {
      const refused = await ask();
      expect(refused).toMatchObject({ status: 502, code: 'upstream_credentials_rejected' });
    }
    expect(harness.upstream.calls('forbidden-k')).toBe(5);

    const retryAfter = (value: string | null | undefined) => {
      const seconds = Number(value);
      expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 30, `retry-after ${value}`).toBe(true);
    };
    const open = await ask();
    expect(open).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(open?.message).toContain('circuit open');
    retryAfter(open?.headers?.get('retry-after'));

    const anthropic = await fetch(`${harness.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': harness.secret, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(anthropic.status).toBeGreaterThanOrEqual(500);
    retryAfter(anthropic.headers.get('retry-after'));

    const gemini = await fetch(`${harness.gateway.url}/v1beta/models/${model}:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': harness.secret },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
    });
    expect(gemini.status).toBe(503);
    retryAfter(gemini.headers.get('retry-after'));

    const rpc = await harness.rpc.complete(harness.chat(model)).then(() => undefined, (error: unknown) => ConnectError.from(error));
    expect(rpc?.rawMessage).toContain('circuit open');
    retryAfter(rpc?.metadata.get('retry-after'));
    expect(harness.upstream.calls('forbidden-k')).toBe(5);
  });
});
