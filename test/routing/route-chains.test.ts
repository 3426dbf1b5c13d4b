// A route whose target is another route: the parent's strategy picks among its own targets (a route target
// is one target, with its weight), and a chosen route target picks inside itself with its own strategy and
// settings; exhausting it fails over to the parent's next target. Planned from route records as the
// pipeline plans them (planRoute), dispatched on a fake clock.
import { describe, expect, it } from 'vitest';
import type { Attempt } from '../../gen/llmgateway/v1/chat_pb.js';
import { createDispatcher } from '../../src/core/routing/dispatcher.js';
import { planRoute } from '../../src/core/routing/plan-route.js';
import { servableTargets } from '../../src/core/routing/servable-targets.js';
import type { ChatRequest } from '../../gen/llmgateway/v1/chat_pb.js';
import { invalidArgument } from '../../src/domain/gateway-error.js';
import type { ProviderAdapter } from '../../src/domain/provider-adapter.js';
import { DEFAULT_ROUTE_SETTINGS } from '../../src/core/routing/route-plan.js';
import type { RouteRecord, RouteSettingsRecord, RouteStrategyName } from '../../src/domain/route.js';
import type { VirtualKeyRecord } from '../../src/domain/virtual-key.js';
import { collect, drive, FakeClock, FakeUpstreams, seededRandom, target, textOf } from './helpers.js';

const providers = ['a', 'b', 'c', 'd'].map((id) => target(id));
const snapshot = { providers: new Map(providers.map((planned) => [planned.provider.record.id, planned.provider])) };
const key = { id: 'key-1', allowedModels: [] } as unknown as VirtualKeyRecord;
const caller = { key, accessGranted: false, sessionId: '', user: '' };

type TargetSpec = string | { route: string; weight?: number } | { provider: string; weight: number };

function route(name: string, strategy: RouteStrategyName, targets: TargetSpec[], settings: Partial<RouteSettingsRecord> = {}): RouteRecord {
  return {
    name,
    description: '',
    strategy,
    targets: targets.map((spec) => {
      if (typeof spec === 'string') return { providerId: spec, upstreamModel: 'm', route: '', weight: 1 };
      if ('route' in spec) return { providerId: '', upstreamModel: '', route: spec.route, weight: spec.weight ?? 1 };
      return { providerId: spec.provider, upstreamModel: 'm', route: '', weight: spec.weight };
    }),
    settings: { ...DEFAULT_ROUTE_SETTINGS, backoffBaseMs: 10, backoffCapMs: 10, ...settings },
    enabled: true,
    createdAt: 0,
    updatedAt: 0,
  };
}

function setup(records: RouteRecord[], scripts: Record<string, string[]> = {}, random: () => number = () => 0.5) {
  const clock = new FakeClock();
  const upstreams = new FakeUpstreams(scripts);
  const dispatcher = createDispatcher({ now: clock.now, sleep: clock.sleep, random });
  const routes = new Map(records.map((record) => [record.name, record]));
  const unary = (name: string) => drive(clock, dispatcher.unary(planRoute(name, caller, routes, snapshot), upstreams.call, new AbortController().signal));
  return { clock, upstreams, dispatcher, unary, routes };
}

const outcomes = (attempts: Attempt[]) => attempts.map((attempt) => `${attempt.providerId}:${attempt.outcome}`);

async function servedBy(unary: (name: string) => Promise<{ served: { provider: { record: { id: string } } } }>, name: string, times: number) {
  const counts: Record<string, number> = {};
  for (let index = 0; index < times; index += 1) {
    const id = (await unary(name)).served.provider.record.id;
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

describe('route chains: the inner route picks inside itself with its own strategy', () => {
  it('a priority parent over a round-robin route: the inner route rotates', async () => {
    const { unary } = setup([route('parent', 'priority', [{ route: 'rr' }, 'd']), route('rr', 'round-robin', ['a', 'b', 'c'])]);
    const served: string[] = [];
    for (let index = 0; index < 6; index += 1) served.push((await unary('parent')).served.provider.record.id);
    expect(served).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('a priority parent over a weighted route: the inner weights split the traffic', async () => {
    const { unary } = setup(
      [route('parent', 'priority', [{ route: 'w' }]), route('w', 'weighted', [{ provider: 'a', weight: 3 }, { provider: 'b', weight: 1 }])],
      {},
      seededRandom(11),
    );
    const counts = await servedBy(unary, 'parent', 400);
    // Expected 300 / 100; a binomial 99.99 % band is about ±35.
    expect(counts['a']).toBeGreaterThan(250);
    expect(counts['b']).toBeGreaterThan(50);
  });
});

describe('route chains: the parent picks among its own targets, a route target weighted as one', () => {
  it('a round-robin parent alternates between the route target and its other target', async () => {
    const { unary } = setup([route('parent', 'round-robin', [{ route: 'inner' }, 'c']), route('inner', 'round-robin', ['a', 'b'])]);
    const served: string[] = [];
    for (let index = 0; index < 8; index += 1) served.push((await unary('parent')).served.provider.record.id);
    expect(served).toEqual(['a', 'c', 'b', 'c', 'a', 'c', 'b', 'c']);
  });

  it("a weighted parent gives a route target its own weight, whatever the inner route's weights", async () => {
    const { unary } = setup(
      [
        route('parent', 'weighted', [{ route: 'w', weight: 1 }, { provider: 'c', weight: 1 }]),
        route('w', 'weighted', [{ provider: 'a', weight: 3 }, { provider: 'b', weight: 1 }]),
      ],
      {},
      seededRandom(5),
    );
    const counts = await servedBy(unary, 'parent', 400);
    // Expected c 200, a 150, b 50.
    expect(counts['c']).toBeGreaterThan(160);
    expect(counts['c']).toBeLessThan(240);
    expect(counts['a']).toBeGreaterThan(110);
    expect(counts['a']).toBeLessThan(190);
    expect(counts['b']).toBeGreaterThan(20);
    expect(counts['b']).toBeLessThan(80);
  });

  it('a fallback group inside a load balancer (as the Portkey importer builds it): its backup only when its primary fails', async () => {
    const { unary } = setup(
      [route('lb', 'weighted', [{ route: 'group', weight: 1 }, { provider: 'c', weight: 1 }]), route('group', 'priority', ['a', 'b'])],
      {},
      seededRandom(3),
    );
    const counts = await servedBy(unary, 'lb', 100);
    expect(counts['b']).toBeUndefined();
    expect(counts['a']).toBeGreaterThan(25);
    expect(counts['c']).toBeGreaterThan(25);
  });
});

describe("route chains: the inner route's settings govern its attempts", () => {
  it("retries an inner target by the inner route's maxRetries, then fails over to the parent's next target", async () => {
    const { unary, upstreams } = setup(
      [route('parent', 'priority', [{ route: 'inner' }, 'c'], { maxRetries: 3 }), route('inner', 'priority', ['a', 'b'], { maxRetries: 0 })],
      { 'a/m': ['503'], 'b/m': ['503'] },
    );
    const result = await unary('parent');
    expect(outcomes(result.attempts)).toEqual(['a:unavailable', 'b:unavailable', 'c:ok']);
    expect(upstreams.callsTo('a/m')).toBe(1);
  });

  it("times an inner attempt out by the inner route's attemptTimeout", async () => {
    const { unary } = setup(
      [route('parent', 'priority', [{ route: 'inner' }, 'c'], { attemptTimeoutMs: 4_000 }), route('inner', 'priority', ['a'], { attemptTimeoutMs: 1_000, maxRetries: 0 })],
      { 'a/m': ['hang'] },
    );
    const result = await unary('parent');
    expect(outcomes(result.attempts)).toEqual(['a:deadline_exceeded', 'c:ok']);
    // On the fake clock: the attempt was cut when the inner route's timeout fired, not the parent's.
    expect(Number(result.attempts[0]!.duration!.seconds)).toBe(1);
  });

  it("the inner route's total deadline ends only its own search: the parent fails over", async () => {
    const { unary } = setup(
      [route('parent', 'priority', [{ route: 'inner' }, 'c']), route('inner', 'priority', ['a', 'b'], { totalDeadlineMs: 1_500, attemptTimeoutMs: 1_000, maxRetries: 0 })],
      { 'a/m': ['hang'], 'b/m': ['hang'] },
    );
    const result = await unary('parent');
    expect(outcomes(result.attempts)).toEqual(['a:deadline_exceeded', 'b:deadline_exceeded', 'c:ok']);
  });

  it("the parent's total deadline still bounds everything", async () => {
    const { clock, upstreams, dispatcher, routes } = setup(
      [route('parent', 'priority', [{ route: 'inner' }, 'c'], { totalDeadlineMs: 2_000 }), route('inner', 'priority', ['a'], { attemptTimeoutMs: 60_000 })],
      { 'a/m': ['hang'] },
    );
    const error = await drive(clock, dispatcher.unary(planRoute('parent', caller, routes, snapshot), upstreams.call, new AbortController().signal)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ kind: 'deadline_exceeded', message: 'the total deadline of 2000 ms passed' });
    expect(upstreams.callsTo('c/m')).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('a target that failed in the request is not tried again inside a route target', async () => {
    const { unary, upstreams } = setup(
      [route('parent', 'priority', ['a', { route: 'inner' }], { maxRetries: 0 }), route('inner', 'priority', ['a', 'b'], { maxRetries: 0 })],
      { 'a/m': ['503'] },
    );
    const result = await unary('parent');
    expect(outcomes(result.attempts)).toEqual(['a:unavailable', 'b:ok']);
    expect(upstreams.callsTo('a/m')).toBe(1);
  });

  it('streams through a route target, failing over inside it before the first chunk', async () => {
    const { clock, upstreams, dispatcher, routes } = setup(
      [route('parent', 'priority', [{ route: 'inner' }, 'c'], { maxRetries: 2 }), route('inner', 'priority', ['a', 'b'], { maxRetries: 0 })],
      { 'a/m': ['503'] },
    );
    const dispatch = dispatcher.stream(planRoute('parent', caller, routes, snapshot), upstreams.open, new AbortController().signal);
    expect(textOf(await drive(clock, collect(dispatch.chunks)))).toBe('hello from b/m and more');
    expect(outcomes(dispatch.result().attempts)).toEqual(['a:unavailable', 'b:ok']);
    expect(clock.pending).toBe(0);
  });
});

describe('route chains: targets that cannot serve the request', () => {
  it('are passed over inside a route target too', async () => {
    // Provider a's family cannot give this answer (as Anthropic cannot give several choices); b and c can.
    const adapterOf = (id: string) => ({ refusal: () => (id === 'a' ? invalidArgument('n', 'a cannot') : undefined) }) as unknown as ProviderAdapter;
    const refusing = { providers: new Map([...snapshot.providers].map(([id, provider]) => [id, { ...provider, adapter: () => adapterOf(id) }])) };
    const routes = new Map([route('parent', 'priority', [{ route: 'inner' }, 'c']), route('inner', 'priority', ['a', 'b'])].map((record) => [record.name, record]));
    const servable = servableTargets(planRoute('parent', caller, routes, refusing), {} as ChatRequest);
    expect(servable.targets.map((planned) => planned.key)).toEqual(['b/m', 'c/m']);
    const clock = new FakeClock();
    const upstreams = new FakeUpstreams({});
    const result = await drive(clock, createDispatcher({ now: clock.now, sleep: clock.sleep }).unary(servable, upstreams.call, new AbortController().signal));
    expect(outcomes(result.attempts)).toEqual(['b:ok']);
    expect(upstreams.callsTo('a/m')).toBe(0);
  });
});
