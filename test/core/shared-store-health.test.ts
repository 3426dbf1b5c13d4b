// The shared store's health: one state for every feature, one report per
// outage and per return, every fallback counted per feature, and while the
// store is away nothing is tried by callers: a background probe, one at a
// time, finds it back.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSharedStoreHealth, type SharedFeature } from '../../src/core/shared-store/shared-store-health.js';

afterEach(() => {
  vi.useRealTimers();
});

function tracked() {
  const transitions: Array<[boolean, unknown]> = [];
  const fallbacks: SharedFeature[] = [];
  const probe = { answers: false, calls: 0, pending: 0 };
  const health = createSharedStoreHealth({
    onTransition: (available, error) => transitions.push([available, error]),
    probe: async () => {
      probe.calls += 1;
      probe.pending += 1;
      await Promise.resolve();
      probe.pending -= 1;
      if (!probe.answers) throw new Error('no answer');
    },
    probeEveryMs: 1_000,
  });
  health.onFallback((feature) => fallbacks.push(feature));
  return { health, transitions, fallbacks, probe };
}

describe('shared store health', () => {
  it('reports an outage once, however many features fall back, and the return once', () => {
    const { health, transitions, fallbacks } = tracked();
    const cause = new Error('connection refused');
    health.fellBack('cache', cause);
    health.fellBack('budgets', new Error('again'));
    health.skipped('rate_limits');
    health.failed(new Error('a renewal'));
    expect(transitions).toEqual([[false, cause]]);
    expect(fallbacks).toEqual(['cache', 'budgets', 'rate_limits']);
    expect(health.available()).toBe(false);
    health.succeeded();
    health.succeeded();
    expect(transitions).toEqual([
      [false, cause],
      [true, undefined],
    ]);
    expect(health.available()).toBe(true);
    health.close();
  });

  it('is not worth trying while the store is away, however long; a background probe finds it back', async () => {
    vi.useFakeTimers();
    const { health, transitions, probe } = tracked();
    expect(health.worthTrying()).toBe(true);
    health.fellBack('cache', new Error('timeout'));
    expect(health.worthTrying()).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(health.worthTrying()).toBe(false);
    expect(probe.calls).toBe(5);
    expect(probe.pending).toBe(0);
    probe.answers = true;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(health.worthTrying()).toBe(true);
    expect(transitions.map(([available]) => available)).toEqual([false, true]);
    // Up again: no more probes.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(probe.calls).toBe(6);
    health.close();
  });

  it('stops probing once closed', async () => {
    vi.useFakeTimers();
    const { health, probe } = tracked();
    health.failed(new Error('no connection at start'));
    health.close();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(probe.calls).toBe(0);
  });
});
