// Routing and resilience through the real server, on the RPC and the OpenAI
// shim, against an upstream with faults (see test/fixtures/fault-upstream.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { Code, ConnectError } from '@connectrpc/connect';
import { StreamAssembler } from '../../src/core/completion/assemble-stream.js';
import { startRoutingHarness, type RoutingHarness } from './routing-harness.js';
import { parseExposition, scrape } from '../metrics/exposition.js';

let harness: RoutingHarness;
beforeAll(async () => {
  harness = await startRoutingHarness();
});
afterAll(() => harness?.close());

const textOf = (response: { choices: Array<{ message?: { content: Array<{ kind: { case?: string; value?: unknown } }> } }> }) =>
  response.choices[0]!.message!.content.map((part) => (part.kind.case === 'text' ? (part.kind.value as { text: string }).text : '')).join('');

async function streamRpc(model: string) {
  const assembler = new StreamAssembler();
  const kinds: string[] = [];
  for await (const message of harness.rpc.streamComplete(harness.chat(model))) {
    kinds.push(message.chunk!.event.case ?? '');
    assembler.add(message.chunk!);
  }
  return { response: assembler.response, kinds };
}

describe('a route whose first target is down and second rate-limited', () => {
  beforeAll(() => harness.createRoute('resilient', 'priority', ['down-a', 'limited-b', 'ok-c'], { maxRetries: 1 }));

  it('serves every request from the third, with the attempts visible: RPC unary and stream', async () => {
    for (let index = 0; index < 4; index += 1) {
      const { response } = await harness.rpc.complete(harness.chat('resilient'));
      expect(textOf(response!)).toBe('served by c');
      expect(response!.route).toMatchObject({ route: 'resilient', providerId: 'fault', upstreamModel: 'ok-c' });
      const outcomes = response!.route!.attempts.map((attempt) => `${attempt.upstreamModel}:${attempt.outcome}:${attempt.upstreamStatus}`);
      expect(outcomes.at(-1)).toBe('ok-c:ok:0');
      expect(outcomes.filter((outcome) => outcome.startsWith('limited-b'))).toEqual(['limited-b:resource_exhausted:429']);
    }
    const { response, kinds } = await streamRpc('resilient');
    expect(textOf(response)).toBe('served by c');
    expect(kinds.filter((kind) => kind === 'route')).toHaveLength(2);
    expect(response.route?.upstreamModel).toBe('ok-c');
    expect(response.route?.attempts.at(-1)?.outcome).toBe('ok');
  });

  it('does the same through the OpenAI shim, attempts in the headers, unary and stream', async () => {
    const { data, response } = await harness.openai.chat.completions
      .create({ model: 'resilient', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('served by c');
    expect(response.headers.get('x-gateway-upstream-model')).toBe('ok-c');
    expect(response.headers.get('x-gateway-route')).toBe('resilient');
    // By now the failing targets' breakers are open (see below), so only the serving attempt may remain.
    expect(response.headers.get('x-gateway-attempts')).toMatch(/(^|, )fault\/ok-c=ok 200 \d+ms$/);

    const stream = await harness.openai.chat.completions
      .create({ model: 'resilient', messages: [{ role: 'user', content: 'Hi' }], stream: true })
      .withResponse();
    let text = '';
    for await (const part of stream.data) text += part.choices[0]?.delta.content ?? '';
    expect(text).toBe('served by c');
    expect(stream.response.headers.get('x-gateway-upstream-model')).toBe('ok-c');
    // Headers leave with the first output: the serving attempt is still under way.
    expect(stream.response.headers.get('x-gateway-attempts')).toMatch(/(^|, )fault\/ok-c=streaming 200 0ms$/);
  });

  it("opens the down target's breaker: later requests skip it, and the health RPC shows it", async () => {
    const before = harness.upstream.calls('down-a');
    await harness.rpc.complete(harness.chat('resilient'));
    expect(harness.upstream.calls('down-a')).toBe(before);
    const health = (await harness.admin('RoutesService/GetRouteHealth', { name: 'resilient' })) as {
      targets: Array<{ upstreamModel: string; breaker: string }>;
    };
    const byModel = Object.fromEntries(health.targets.map((target) => [target.upstreamModel, target.breaker]));
    expect(byModel['down-a']).toBe('BREAKER_STATE_OPEN');
    expect(byModel['ok-c']).toBe('BREAKER_STATE_CLOSED');
  });
});

describe('dispatch rules', () => {
  it('fails a silent stream over before its first byte', async () => {
    await harness.createRoute('silent-first', 'priority', ['empty-g', 'ok-z'], { attemptTimeout: '0.3s', maxRetries: 0 });
    const { response } = await streamRpc('silent-first');
    expect(textOf(response)).toBe('served by z');
    expect(response.route?.attempts.map((attempt) => attempt.upstreamModel)).toEqual(['empty-g', 'ok-z']);
  });

  it('does not fail over once the first chunk reached the client', async () => {
    await harness.createRoute('cut-mid-stream', 'priority', ['reset-h', 'ok-q']);
    const before = harness.upstream.calls('ok-q');
    const error = await streamRpc('cut-mid-stream').then(
      () => undefined,
      (caught: unknown) => ConnectError.from(caught),
    );
    expect(error?.code).toBe(Code.Unavailable);
    expect(harness.upstream.calls('ok-q')).toBe(before);
  });

  it("returns the client's own 400 at once: no retry, no failover", async () => {
    await harness.createRoute('client-error', 'priority', ['bad-e', 'ok-x'], { maxRetries: 3 });
    const before = { bad: harness.upstream.calls('bad-e'), ok: harness.upstream.calls('ok-x') };
    const error = await harness.rpc.complete(harness.chat('client-error')).then(
      () => undefined,
      (caught: unknown) => ConnectError.from(caught),
    );
    expect(error?.code).toBe(Code.InvalidArgument);
    expect(harness.upstream.calls('bad-e')).toBe(before.bad + 1);
    expect(harness.upstream.calls('ok-x')).toBe(before.ok);
  });

  it('retries a first-request-only failure on the same target', async () => {
    await harness.createRoute('flaky', 'priority', ['flaky-d', 'ok-x'], { maxRetries: 1 });
    const { response } = await harness.rpc.complete(harness.chat('flaky'));
    expect(response!.route?.upstreamModel).toBe('flaky-d');
    expect(response!.route?.attempts.map((attempt) => attempt.outcome)).toEqual(['unavailable', 'ok']);
  });

  it("stops everything when the caller cancels, and the upstream sees it", async () => {
    await harness.createRoute('hanging', 'priority', ['hang-f', 'ok-x'], { maxRetries: 2, attemptTimeout: '60s' });
    const before = harness.upstream.abandoned();
    const controller = new AbortController();
    const call = harness.rpc.complete(harness.chat('hanging'), { signal: controller.signal });
    await expect.poll(() => harness.upstream.calls('hang-f'), { timeout: 10_000 }).toBeGreaterThan(0);
    controller.abort();
    await expect(call).rejects.toThrow();
    await expect.poll(() => harness.upstream.abandoned(), { timeout: 10_000 }).toBeGreaterThan(before);
    expect(harness.upstream.calls('hang-f')).toBe(1);
  });
});

describe("the route's total deadline", () => {
  it('answers 504 timeout_error (OpenAI and Anthropic shims), logged as deadline_exceeded, not as a cancellation', async () => {
    // The second attempt would time out at about 0.6 s; the total deadline cuts it at 0.5 s.
    await harness.createRoute('out-of-time', 'priority', ['hang-f'], { maxRetries: 3, attemptTimeout: '0.3s', totalDeadline: '0.5s' });
    const failure = await harness.openai.chat.completions.create({ model: 'out-of-time', messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 504, type: 'timeout_error', error: { message: 'the total deadline of 500 ms passed' } });
    const anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
    const anthropicFailure = await anthropic.messages.create({ model: 'out-of-time', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(anthropicFailure).toMatchObject({ status: 504 });
    expect((anthropicFailure as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { type: 'timeout_error' } });
    const logged = harness.gateway.logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line['msg'] === 'request failed' && line['model'] === 'out-of-time');
    expect(logged.map((line) => line['errorKind'])).toEqual(['deadline_exceeded', 'deadline_exceeded']);
  });
});

describe('strategies through the real server', () => {
  it('round-robin alternates exactly', async () => {
    await harness.createRoute('rr', 'round-robin', ['ok-x', 'ok-y']);
    const served: string[] = [];
    for (let index = 0; index < 6; index += 1) served.push((await harness.rpc.complete(harness.chat('rr'))).response!.route!.upstreamModel);
    expect(new Set([served[0], served[1]])).toEqual(new Set(['ok-x', 'ok-y']));
    for (let index = 2; index < served.length; index += 1) expect(served[index]).toBe(served[index - 2]);
  });

  it('weighted follows the weights within tolerance', async () => {
    await harness.createRoute('weighted', 'weighted', [{ model: 'ok-x', weight: 3 }, { model: 'ok-y', weight: 1 }]);
    let heavy = 0;
    const total = 120;
    for (let index = 0; index < total; index += 1) {
      if ((await harness.rpc.complete(harness.chat('weighted'))).response!.route!.upstreamModel === 'ok-x') heavy += 1;
    }
    // Expected 90 of 120; a binomial 99.99 % band is roughly ±25.
    expect(heavy).toBeGreaterThan(65);
    expect(heavy).toBeLessThan(115);
  });

  it('a drained target gets no traffic while another can serve, and is the last resort when none can', async () => {
    const created = await harness.admin('RoutesService/CreateRoute', {
      name: 'draining',
      strategy: 'ROUTE_STRATEGY_WEIGHTED',
      targets: [
        { providerId: 'fault', upstreamModel: 'ok-x', weight: 1000, drained: true },
        { providerId: 'fault', upstreamModel: 'ok-y', weight: 1 },
      ],
    });
    expect((created['route'] as { targets: unknown[] }).targets).toEqual([
      { providerId: 'fault', upstreamModel: 'ok-x', weight: 1000, drained: true },
      { providerId: 'fault', upstreamModel: 'ok-y', weight: 1 },
    ]);
    for (let index = 0; index < 20; index += 1) expect((await harness.rpc.complete(harness.chat('draining'))).response!.route!.upstreamModel).toBe('ok-y');

    await harness.createRoute('drained-last', 'priority', ['ok-z']);
    await harness.admin('RoutesService/UpdateRoute', {
      name: 'drained-last',
      targets: [{ providerId: 'fault', upstreamModel: 'ok-z', drained: true }, { providerId: 'fault', upstreamModel: 'down-r' }],
      updateMask: 'targets',
    });
    const { response } = await harness.rpc.complete(harness.chat('drained-last'));
    expect(response!.route!.attempts.map((attempt) => `${attempt.upstreamModel}=${attempt.outcome}`)).toEqual(['down-r=unavailable', 'down-r=unavailable', 'ok-z=ok']);
  });

  it('affinity spreads new sessions over the targets and keeps each session on its own', async () => {
    await harness.createRoute('sticky', 'affinity', ['ok-x', 'ok-y', 'ok-z'], { affinityScope: 'AFFINITY_SCOPE_SESSION' });
    const servedFor = async (session: string) => {
      const answer = await harness.openai.chat.completions
        .create({ model: 'sticky', messages: [{ role: 'user', content: 'Hi' }] }, { headers: { 'x-session-id': session } })
        .withResponse();
      return answer.response.headers.get('x-gateway-upstream-model');
    };
    const sessions = Array.from({ length: 30 }, (_, index) => `session-${index}`);
    const placed = new Map<string, string | null>();
    for (const session of sessions) placed.set(session, await servedFor(session));
    // Placed by a hash of the session over the targets (the same on every replica): all three get sessions.
    expect(new Set(placed.values())).toEqual(new Set(['ok-x', 'ok-y', 'ok-z']));
    for (const session of sessions.slice(0, 10)) expect(await servedFor(session), session).toBe(placed.get(session));
  });

  it('least-latency prefers the faster target', async () => {
    await harness.createRoute('fastest', 'least-latency', ['slow150-s', 'ok-q']);
    const served: string[] = [];
    for (let index = 0; index < 20; index += 1) served.push((await harness.rpc.complete(harness.chat('fastest'))).response!.route!.upstreamModel);
    expect(served.filter((model) => model === 'ok-q').length).toBeGreaterThan(12);
  });
});

describe('route settings over Connect JSON', () => {
  it('updates one setting by its JSON mask path, the others kept', async () => {
    await harness.createRoute('tuned', 'priority', ['ok-c'], { maxRetries: 3, attemptTimeout: '7s' });
    const updated = await harness.admin('RoutesService/UpdateRoute', { name: 'tuned', settings: { maxRetries: 0 }, updateMask: 'settings.maxRetries' });
    expect((updated['route'] as { settings: Record<string, unknown> }).settings).toMatchObject({ maxRetries: 0, attemptTimeout: '7s' });
  });
});

describe('a provider fixed by its administrator', () => {
  it('is tried again at once: updating a provider resets the breakers its old configuration opened', async () => {
    // Nothing listens on port 9 (discard) here: every attempt is refused.
    await harness.admin('ProvidersService/CreateProvider', {
      id: 'misconfigured',
      name: 'Misconfigured',
      type: 'PROVIDER_TYPE_OPENAI',
      baseUrl: 'http://127.0.0.1:9/v1',
      apiKey: harness.upstream.apiKey,
      models: [{ upstreamModel: 'ok-fixed' }],
    });
    const failures: string[] = [];
    for (let index = 0; index < 6; index += 1) {
      failures.push(await harness.rpc.complete(harness.chat('misconfigured/ok-fixed')).then(() => 'ok', (error: unknown) => ConnectError.from(error).rawMessage));
    }
    expect(failures.at(-1)).toContain('circuit open');
    // Each failure is on the console too, with what an operator needs to act on it.
    const logged = harness.gateway.logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['msg'] === 'request failed' && line['provider'] === 'misconfigured');
    expect(logged.length).toBeGreaterThanOrEqual(5);
    expect(logged[0]).toMatchObject({ level: 40, model: 'misconfigured/ok-fixed', provider: 'misconfigured', errorKind: 'unavailable', surface: 'rpc' });
    // It names where the gateway tried and why that failed.
    expect(logged[0]!['error']).toBe('provider misconfigured at 127.0.0.1:9 could not be reached, or the connection broke (ECONNREFUSED)');

    await harness.admin('ProvidersService/UpdateProvider', { id: 'misconfigured', baseUrl: harness.upstream.baseUrl });
    const answer = await harness.rpc.complete(harness.chat('misconfigured/ok-fixed'));
    expect(textOf(answer.response!)).toBe('served by fixed');
  });

  it("keeps the breakers of targets whose provider did not change; a changed one is closed, logged and counted", async () => {
    await harness.admin('ProvidersService/CreateProvider', {
      id: 'unreachable',
      name: 'Unreachable',
      type: 'PROVIDER_TYPE_OPENAI',
      baseUrl: 'http://127.0.0.1:9/v1',
      apiKey: harness.upstream.apiKey,
      models: [{ upstreamModel: 'ok-kept' }],
    });
    const outcome = () => harness.rpc.complete(harness.chat('unreachable/ok-kept')).then(() => 'ok', (error: unknown) => ConnectError.from(error).rawMessage);
    for (let index = 0; index < 5; index += 1) await outcome();
    expect(await outcome()).toContain('circuit open');
    const closedCount = async () => {
      const answer = await scrape(`${harness.gateway.url}/metrics`, harness.gateway.adminToken);
      return parseExposition(answer.text).sum('llm_gateway_circuit_breaker_transitions_total', { provider: 'unreachable', to: 'closed' });
    };

    // Another provider's write (a rename) changes nothing about this target: its breaker stays open.
    await harness.admin('ProvidersService/UpdateProvider', { id: 'fault', name: 'Fault fixture (renamed)' });
    expect(await outcome()).toContain('circuit open');
    // So does a write to its own provider that leaves its address, credentials and models alone.
    await harness.admin('ProvidersService/UpdateProvider', { id: 'unreachable', name: 'Unreachable (renamed)' });
    expect(await outcome()).toContain('circuit open');
    expect(await closedCount()).toBe(0);

    // Its base URL fixed: the breaker closes, and an operator sees it in the log and the metrics.
    await harness.admin('ProvidersService/UpdateProvider', { id: 'unreachable', baseUrl: harness.upstream.baseUrl });
    expect(await outcome()).toBe('ok');
    const transitions = harness.gateway.logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line['msg'] === 'circuit breaker changed state' && line['target'] === 'unreachable/ok-kept');
    expect(transitions.at(-1)).toMatchObject({ from: 'open', to: 'closed', reason: "its provider's base URL changed" });
    expect(await closedCount()).toBe(1);
  });
});
