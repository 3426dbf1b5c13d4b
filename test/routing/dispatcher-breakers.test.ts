import { describe, expect, it } from 'vitest';
import type { BreakerState } from '../../src/core/routing/circuit-breaker.js';
import { createDispatcher } from '../../src/core/routing/dispatcher.js';
import type { PlannedTarget } from '../../src/core/routing/route-plan.js';
import { orderByAffinity } from '../../src/core/routing/strategies.js';
import { drive, failure, FakeClock, FakeUpstreams, plan, seededRandom, target } from './helpers.js';

const a = target('a');
const b = target('b');
const c = target('c');
const signal = () => new AbortController().signal;

function setup(scripts: Record<string, string[]>, random: () => number = () => 0.5) {
  const clock = new FakeClock();
  const upstreams = new FakeUpstreams(scripts);
  const transitions: string[] = [];
  const dispatcher = createDispatcher({
    now: clock.now,
    sleep: clock.sleep,
    random,
    breaker: { consecutiveFailures: 3, coolDownMs: 30_000 },
    onBreakerTransition: (key: string, from: BreakerState, to: BreakerState) => transitions.push(`${key} ${from}→${to}`),
  });
  return { clock, upstreams, dispatcher, transitions };
}

describe('dispatcher: circuit breakers', () => {
  it('opens after N failures, rejects fast while open (no call made), half-opens after the cool-down, closes on a probe success', async () => {
    const { clock, upstreams, dispatcher, transitions } = setup({ 'a/m': ['500', '500', '500', 'ok'] });
    const route = plan([a, b], { settings: { maxRetries: 0 } });
    for (let request = 0; request < 3; request += 1) {
      expect((await drive(clock, dispatcher.unary(route, upstreams.call, signal()))).served).toBe(b);
    }
    expect(transitions).toEqual(['a/m closed→open']);
    expect(dispatcher.healthOf('a/m')).toMatchObject({ breaker: 'open', consecutiveFailures: 3, openUntil: clock.now() + 30_000 });

    for (let request = 0; request < 5; request += 1) {
      const result = await drive(clock, dispatcher.unary(route, upstreams.call, signal()));
      expect(result.attempts.map((attempt) => attempt.providerId)).toEqual(['b']);
    }
    expect(upstreams.callsTo('a/m')).toBe(3);

    clock.advance(30_000);
    expect(dispatcher.healthOf('a/m').breaker).toBe('half-open');
    const probe = await drive(clock, dispatcher.unary(route, upstreams.call, signal()));
    expect(probe.served).toBe(a);
    expect(transitions).toEqual(['a/m closed→open', 'a/m open→half-open', 'a/m half-open→closed']);
    expect(dispatcher.healthOf('a/m')).toMatchObject({ breaker: 'closed', consecutiveFailures: 0, attempts: 4 });
  });

  it('a failed probe reopens the breaker for a fresh cool-down', async () => {
    const { clock, upstreams, dispatcher, transitions } = setup({ 'a/m': ['503'] });
    const route = plan([a, b], { settings: { maxRetries: 0 } });
    for (let request = 0; request < 3; request += 1) await drive(clock, dispatcher.unary(route, upstreams.call, signal()));
    clock.advance(30_000);
    await drive(clock, dispatcher.unary(route, upstreams.call, signal()));
    expect(transitions.slice(-2)).toEqual(['a/m open→half-open', 'a/m half-open→open']);
    expect(dispatcher.healthOf('a/m').openUntil).toBe(clock.now() + 30_000);
    expect(upstreams.callsTo('a/m')).toBe(4);
  });

  it('retries within one request count too, and stop trying a target whose breaker opened meanwhile', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['500'] });
    const result = await drive(clock, dispatcher.unary(plan([a, b], { settings: { maxRetries: 10 } }), upstreams.call, signal()));
    expect(upstreams.callsTo('a/m')).toBe(3);
    expect(result.served).toBe(b);
  });

  it('the client’s own 400s never open it', async () => {
    const { clock, upstreams, dispatcher, transitions } = setup({ 'a/m': ['400'] });
    for (let request = 0; request < 20; request += 1) {
      await drive(clock, dispatcher.unary(plan([a, b]), upstreams.call, signal())).catch(() => {});
    }
    expect(upstreams.callsTo('a/m')).toBe(20);
    expect(transitions).toEqual([]);
    expect(dispatcher.healthOf('a/m')).toMatchObject({ breaker: 'closed', consecutiveFailures: 0, errorRate: 0, attempts: 20 });
  });

  it('every target open: a fast unavailable without any call', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['503'], 'b/m': ['reset'] });
    const route = plan([a, b], { settings: { maxRetries: 0 } });
    for (let request = 0; request < 3; request += 1) await drive(clock, dispatcher.unary(route, upstreams.call, signal())).catch(() => {});
    const calls = upstreams.totalCalls;
    const error = await drive(clock, dispatcher.unary(route, upstreams.call, signal())).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, message: 'all targets of route smart are unavailable (circuit open)' });
    const stream = dispatcher.stream(route, upstreams.open, signal());
    const streamError = await drive(clock, (async () => { for await (const _ of stream.chunks) { /* none */ } })()).catch((caught: unknown) => caught);
    expect(streamError).toMatchObject({ kind: 'unavailable' });
    expect(upstreams.totalCalls).toBe(calls);
    expect(stream.result().attempts).toEqual([]);
  });

  it('affinity: sticky per caller, rebinding when its target’s breaker opens', async () => {
    const { clock, dispatcher } = setup({});
    const failing = new Set<string>();
    const call = async (planned: PlannedTarget) => {
      if (failing.has(planned.key)) throw failure('500', planned.key);
      return planned.key;
    };
    const forKey = (affinityKey: string) => plan([a, b, c], { strategy: 'affinity', affinityKey, settings: { maxRetries: 0 } });
    const servedFor = async (key: string) => (await drive(clock, dispatcher.unary(forKey(key), call, signal()))).served.key;
    // New callers are placed by a hash of their key: these three are placed on a first, then b.
    const placedOnAThenB = Array.from({ length: 200 }, (_, index) => `session:${index}`)
      .filter((key) => orderByAffinity([a, b, c], undefined, key).slice(0, 2).map((planned) => planned.key).join() === 'a/m,b/m');
    const [alice, carol, bob] = placedOnAThenB as [string, string, string];

    // Bound by the first answer: alice to a; carol, who arrives while a is failing, fails over to b and stays there.
    for (let request = 0; request < 10; request += 1) expect(await servedFor(alice)).toBe('a/m');
    failing.add('a/m');
    expect(await servedFor(carol)).toBe('b/m');
    failing.delete('a/m');
    for (let request = 0; request < 10; request += 1) expect(await servedFor(carol)).toBe('b/m');

    // Other traffic opens a's breaker: alice is rebound to b and stays there.
    failing.add('a/m');
    const direct = plan([a], { routeName: '', settings: { maxRetries: 0 } });
    for (let request = 0; request < 3; request += 1) await drive(clock, dispatcher.unary(direct, call, signal())).catch(() => {});
    expect(dispatcher.healthOf('a/m').breaker).toBe('open');
    for (let request = 0; request < 10; request += 1) expect(await servedFor(alice)).toBe('b/m');

    // a recovers: alice stays on b while b is healthy; a new caller starts on a.
    failing.delete('a/m');
    clock.advance(30_000);
    expect(await servedFor(bob)).toBe('a/m');
    expect(dispatcher.healthOf('a/m').breaker).toBe('closed');
    expect(await servedFor(alice)).toBe('b/m');
  });

  it('least-latency: prefers the faster target and still explores the slower one', async () => {
    const { clock, dispatcher } = setup({}, seededRandom(3));
    const delays: Record<string, number> = { 'a/m': 800, 'b/m': 100, 'c/m': 400 };
    const calls = new Map<string, number>();
    const call = async (planned: PlannedTarget, abort: AbortSignal) => {
      calls.set(planned.key, (calls.get(planned.key) ?? 0) + 1);
      await clock.sleep(delays[planned.key]!, abort);
      return planned.key;
    };
    const route = plan([a, b, c], { strategy: 'least-latency' });
    for (let request = 0; request < 300; request += 1) await drive(clock, dispatcher.unary(route, call, signal()));
    expect(dispatcher.healthOf('b/m').latencyMs).toBe(100);
    expect(dispatcher.healthOf('a/m').latencyMs).toBe(800);
    expect(calls.get('b/m')!).toBeGreaterThan(250);
    expect(calls.get('a/m')!).toBeGreaterThan(1); // explored after its first sample
    expect(calls.get('c/m')!).toBeGreaterThan(1);
  });
});
