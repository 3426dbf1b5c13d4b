import { describe, expect, it } from 'vitest';
import { createBreakerRegistry } from '../../src/core/routing/breaker-registry.js';
import { createCircuitBreaker, type BreakerState } from '../../src/core/routing/circuit-breaker.js';

function harness(options: Parameters<typeof createCircuitBreaker>[0] = {}) {
  let time = 0;
  const transitions: Array<[BreakerState, BreakerState, string]> = [];
  const breaker = createCircuitBreaker(options, () => time, (from, to, reason) => transitions.push([from, to, reason]));
  const fail = () => breaker.fail(breaker.tryAcquire()!);
  const succeed = () => breaker.succeed(breaker.tryAcquire()!);
  return { breaker, transitions, fail, succeed, advance: (ms: number) => (time += ms) };
}

describe('circuit breaker', () => {
  it('opens after N consecutive failures, rejects while open, half-opens after the cool-down, closes on a probe success', () => {
    const { breaker, transitions, fail, advance } = harness();
    for (let index = 0; index < 4; index += 1) fail();
    expect(breaker.state()).toBe('closed');
    fail();
    expect(breaker.state()).toBe('open');
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.snapshot().openUntil).toBe(30_000);

    advance(29_999);
    expect(breaker.isAvailable()).toBe(false);
    advance(1);
    expect(breaker.state()).toBe('half-open');
    const probe = breaker.tryAcquire()!;
    expect(probe.probe).toBe(true);
    expect(breaker.tryAcquire()).toBeNull(); // one probe at a time
    expect(breaker.isAvailable()).toBe(false);
    breaker.succeed(probe);
    expect(breaker.state()).toBe('closed');
    expect(breaker.snapshot()).toMatchObject({ consecutiveFailures: 0, samples: 0, errorRate: 0 });
    expect(transitions.map(([from, to]) => `${from}→${to}`)).toEqual(['closed→open', 'open→half-open', 'half-open→closed']);
    expect(transitions[0]![2]).toBe('5 consecutive failures');
  });

  it('reopens with a fresh cool-down when a probe fails; a released probe frees its slot', () => {
    const { breaker, fail, advance } = harness({ consecutiveFailures: 1, coolDownMs: 1_000 });
    fail();
    advance(1_000);
    const probe = breaker.tryAcquire()!;
    breaker.release(probe); // e.g. the client's own 400 during the probe
    expect(breaker.state()).toBe('half-open');
    breaker.fail(breaker.tryAcquire()!);
    expect(breaker.snapshot()).toMatchObject({ state: 'open', openUntil: 2_000 });
  });

  it('opens on an error rate ≥ 50 % over the window once 10 samples are in', () => {
    const { breaker, succeed, fail, transitions } = harness();
    // Alternating: never 5 in a row, but half of the attempts fail.
    for (let index = 0; index < 4; index += 1) {
      succeed();
      fail();
    }
    expect(breaker.state()).toBe('closed'); // 8 samples: not enough
    succeed();
    fail();
    expect(breaker.state()).toBe('open');
    expect(transitions[0]![2]).toBe('error rate 50% over the last 10 attempts');
  });

  it('keeps a sliding window of the last 20 attempts', () => {
    const { breaker, succeed, fail } = harness();
    for (let index = 0; index < 20; index += 1) succeed();
    for (let index = 0; index < 4; index += 1) fail();
    succeed();
    for (let index = 0; index < 4; index += 1) fail();
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', samples: 20, errorRate: 8 / 20 });
    succeed();
    fail();
    expect(breaker.state()).toBe('closed'); // 9 of 20
    fail();
    expect(breaker.state()).toBe('open'); // 10 of 20
  });

  it('ignores outcomes of permits issued before a transition', () => {
    const { breaker, fail } = harness({ consecutiveFailures: 2 });
    const late = breaker.tryAcquire()!;
    fail();
    fail();
    expect(breaker.state()).toBe('open');
    breaker.succeed(late);
    expect(breaker.state()).toBe('open');
  });

  it('the registry keys breakers by target and reports transitions with the key', () => {
    const seen: string[] = [];
    const registry = createBreakerRegistry({ breaker: { consecutiveFailures: 1 }, now: () => 0, onTransition: (key, from, to) => seen.push(`${key} ${from}→${to}`) });
    expect(registry.peek('a/m')).toBeUndefined();
    const breaker = registry.get('a/m');
    breaker.fail(breaker.tryAcquire()!);
    expect(registry.get('a/m')).toBe(breaker);
    expect(registry.get('b/m').state()).toBe('closed');
    expect(seen).toEqual(['a/m closed→open']);
    expect(registry.keys()).toEqual(['a/m', 'b/m']);
  });

  it('the registry starts afresh only the targets named: an open one closes (reported with why), a closed one forgets its count', () => {
    const seen: string[] = [];
    const registry = createBreakerRegistry({ breaker: { consecutiveFailures: 2 }, now: () => 0, onTransition: (key, from, to, reason) => seen.push(`${key} ${from}→${to}: ${reason}`) });
    const failOnce = (key: string) => registry.get(key).fail(registry.get(key).tryAcquire()!);
    failOnce('a/m');
    failOnce('a/m');
    failOnce('b/m');
    failOnce('c/m');
    failOnce('c/m');
    const late = registry.get('b/m').tryAcquire()!;
    registry.resetTargets(new Map([['a/m', "its provider's base URL changed"], ['b/m', "its provider's credentials changed"], ['never-used/m', 'its provider was deleted']]));
    expect(seen).toEqual(['a/m closed→open: 2 consecutive failures', 'c/m closed→open: 2 consecutive failures', "a/m open→closed: its provider's base URL changed"]);
    expect(registry.get('a/m').state()).toBe('closed');
    expect(registry.get('c/m').state()).toBe('open');
    // b's one failure is forgotten, and so is an attempt begun under the old configuration.
    registry.get('b/m').fail(late);
    failOnce('b/m');
    expect(registry.get('b/m').snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
    expect(registry.peek('never-used/m')).toBeUndefined();
  });
});

