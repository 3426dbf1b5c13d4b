import { describe, expect, it } from 'vitest';
import { createLatencyTracker } from '../../src/core/routing/latency-tracker.js';
import { orderByAffinity, orderByLatency, orderRoundRobin, orderWeighted } from '../../src/core/routing/strategies.js';
import { createTargetSelector } from '../../src/core/routing/target-selector.js';
import { FakeClock, plan, seededRandom, target } from './helpers.js';

const a = target('a');
const b = target('b');
const c = target('c');
const keys = (targets: { key: string }[]) => targets.map((item) => item.key);

function tally(picks: number, pick: () => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let index = 0; index < picks; index += 1) {
    const key = pick();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe('strategies', () => {
  it('drained targets come after the others, whatever the strategy and weight; all drained is the same as none', () => {
    const heavyDrained = { ...target('a', 'm', 1000), drained: true };
    const light = target('b', 'm', 1);
    const other = target('c', 'm', 1);
    const selector = createTargetSelector({ latencyOf: () => null, random: seededRandom(7) });
    for (const strategy of ['weighted', 'priority', 'round-robin', 'least-latency', 'affinity'] as const) {
      const route = plan([heavyDrained, light, other], { strategy });
      for (let index = 0; index < 50; index += 1) expect(keys(selector.order(route, [heavyDrained, light, other])).at(-1), strategy).toBe('a/m');
    }
    const allDrained = [{ ...target('a', 'm', 1), drained: true }, { ...target('b', 'm', 1), drained: true }];
    expect(keys(selector.order(plan(allDrained, { strategy: 'priority' }), allDrained))).toEqual(['a/m', 'b/m']);
  });

  it('weighted: first picks follow the weights within tolerance over 2000 requests; the rest by weight', () => {
    const weighted = [target('a', 'm', 1), target('b', 'm', 3), target('c', 'm', 6)];
    const selector = createTargetSelector({ latencyOf: () => null, random: seededRandom(42) });
    const route = plan(weighted, { strategy: 'weighted' });
    const counts = tally(2000, () => selector.order(route, weighted)[0]!.key);
    expect((counts.get('a/m') ?? 0) / 2000).toBeGreaterThan(0.07);
    expect((counts.get('a/m') ?? 0) / 2000).toBeLessThan(0.13);
    expect((counts.get('b/m') ?? 0) / 2000).toBeGreaterThan(0.26);
    expect((counts.get('b/m') ?? 0) / 2000).toBeLessThan(0.34);
    expect((counts.get('c/m') ?? 0) / 2000).toBeGreaterThan(0.55);
    expect((counts.get('c/m') ?? 0) / 2000).toBeLessThan(0.65);
    // random() = 0 picks the first; the others follow heaviest first.
    expect(keys(orderWeighted(weighted, () => 0))).toEqual(['a/m', 'c/m', 'b/m']);
    expect(keys(orderWeighted(weighted, () => 0.999))).toEqual(['c/m', 'b/m', 'a/m']);
  });

  it('round-robin: an exact rotation per route name', () => {
    const selector = createTargetSelector({ latencyOf: () => null });
    const smart = plan([a, b, c], { strategy: 'round-robin', routeName: 'smart' });
    const other = plan([a, b], { strategy: 'round-robin', routeName: 'other' });
    const firsts = Array.from({ length: 9 }, () => selector.order(smart, [a, b, c])[0]!.key);
    expect(firsts).toEqual(['a/m', 'b/m', 'c/m', 'a/m', 'b/m', 'c/m', 'a/m', 'b/m', 'c/m']);
    expect(keys(selector.order(other, [a, b]))).toEqual(['a/m', 'b/m']); // its own counter
    expect(keys(selector.order(smart, [a, b, c]))).toEqual(['a/m', 'b/m', 'c/m']);
    expect(keys(orderRoundRobin([a, b, c], 4))).toEqual(['b/m', 'c/m', 'a/m']);
    // Exactly even over many requests.
    const counts = tally(3000, () => selector.order(smart, [a, b, c])[0]!.key);
    expect([...counts.values()]).toEqual([1000, 1000, 1000]);
  });

  it('least-latency: unmeasured targets first, then the fastest; explores a random one about 10 % of the time', () => {
    const latency = createLatencyTracker();
    latency.observe('a/m', 900);
    latency.observe('b/m', 100);
    expect(keys(orderByLatency([a, b, c], latency.latencyOf, () => 0.5, 0.1))).toEqual(['c/m', 'b/m', 'a/m']);
    latency.observe('c/m', 400);
    expect(keys(orderByLatency([a, b, c], latency.latencyOf, () => 0.5, 0.1))).toEqual(['b/m', 'c/m', 'a/m']);

    const selector = createTargetSelector({ latencyOf: latency.latencyOf, random: seededRandom(7) });
    const route = plan([a, b, c], { strategy: 'least-latency' });
    const counts = tally(2000, () => selector.order(route, [a, b, c])[0]!.key);
    const fastest = (counts.get('b/m') ?? 0) / 2000;
    // 90 % exploit + a third of the 10 % exploration.
    expect(fastest).toBeGreaterThan(0.9);
    expect(fastest).toBeLessThan(0.96);
    expect(counts.get('a/m') ?? 0).toBeGreaterThan(30); // the slow one is still tried now and then
  });

  it('latency EWMA uses alpha 0.3 and counts attempts', () => {
    const latency = createLatencyTracker();
    expect(latency.latencyOf('a/m')).toBeNull();
    latency.observe('a/m', 100);
    latency.observe('a/m', 200);
    expect(latency.latencyOf('a/m')).toBeCloseTo(130);
    latency.countAttempt('a/m');
    expect(latency.attemptsOf('a/m')).toBe(1);
  });

  it('affinity: sticky per key, a hashed place for an unbound key, rebinding on served, expiring after its TTL', () => {
    const clock = new FakeClock();
    const selector = createTargetSelector({ latencyOf: () => null, now: clock.now });
    const forKey = (affinityKey: string) => plan([a, b, c], { strategy: 'affinity', affinityKey, settings: { affinityTtlMs: 60_000 } });
    // Unbound: the key's own hashed order (the same every time, in every process), not the route's.
    const aliceFirst = keys(selector.order(forKey('session:alice'), [a, b, c]));
    expect(aliceFirst.slice().sort()).toEqual(['a/m', 'b/m', 'c/m']);
    expect(keys(createTargetSelector({ latencyOf: () => null }).order(forKey('session:alice'), [a, b, c]))).toEqual(aliceFirst);
    selector.served(forKey('alice'), b);
    selector.served(forKey('bob'), c);
    for (let index = 0; index < 50; index += 1) {
      expect(selector.order(forKey('alice'), [a, b, c])[0]).toBe(b);
      expect(selector.order(forKey('bob'), [a, b, c])[0]).toBe(c);
    }
    // Bound target unhealthy: the key's hashed order among the others; serving elsewhere rebinds.
    expect(keys(selector.order(forKey('alice'), [a, c]))).toEqual(keys(orderByAffinity([a, c], undefined, 'alice')));
    selector.served(forKey('alice'), a);
    expect(selector.order(forKey('alice'), [a, b, c])[0]).toBe(a);
    // TTL: bob is placed again, by his hash.
    clock.advance(60_001);
    expect(selector.boundTarget(forKey('bob'))).toBeUndefined();
    expect(selector.order(forKey('bob'), [a, b, c])[0]).toBe(orderByAffinity([a, b, c], undefined, 'bob')[0]);
    // No affinity key: plain priority, nothing bound.
    selector.served(forKey(''), c);
    expect(selector.order(forKey(''), [a, b, c])[0]).toBe(a);
    expect(keys(orderByAffinity([a, b], 'c/m'))).toEqual(['a/m', 'b/m']);
  });

  it('affinity: new callers spread over the healthy targets by weight, and a target leaving moves only its own', () => {
    const callers = Array.from({ length: 600 }, (_, index) => `session:${index}`);
    const firstOf = (targets: typeof a[], caller: string) => orderByAffinity(targets, undefined, caller)[0]!.key;
    let next = 0;
    const even = tally(callers.length, () => firstOf([a, b, c], callers[next++]!));
    for (const key of ['a/m', 'b/m', 'c/m']) expect(even.get(key), key).toBeGreaterThan(150);

    const light = target('a', 'm', 1);
    const heavy = target('b', 'm', 3);
    const onHeavy = callers.filter((caller) => firstOf([light, heavy], caller) === 'b/m').length;
    expect(onHeavy / callers.length).toBeGreaterThan(0.65);
    expect(onHeavy / callers.length).toBeLessThan(0.85);

    // b's breaker opens: its callers go elsewhere, everyone else stays where they were.
    for (const caller of callers) {
      const before = firstOf([a, b, c], caller);
      const after = firstOf([a, c], caller);
      if (before !== 'b/m') expect(after, caller).toBe(before);
    }
  });
});
