// The shared store's health: one report per outage and per return, every
// fallback counted per feature, and the store skipped (not waited on) for a
// second after a failure.
import { describe, expect, it } from 'vitest';
import { createSharedStoreHealth, type SharedFeature } from '../../src/core/shared-store/shared-store-health.js';

function tracked() {
  let time = 0;
  const transitions: Array<[boolean, unknown]> = [];
  const fallbacks: SharedFeature[] = [];
  const health = createSharedStoreHealth({ onTransition: (available, error) => transitions.push([available, error]), now: () => time, retryAfterMs: 1_000 });
  health.onFallback((feature) => fallbacks.push(feature));
  return { health, transitions, fallbacks, advance: (ms: number) => (time += ms) };
}

describe('shared store health', () => {
  it('reports an outage once, however many features fall back, and the return once', () => {
    const { health, transitions, fallbacks } = tracked();
    const cause = new Error('connection refused');
    health.fellBack('cache', cause);
    health.fellBack('budgets', new Error('again'));
    health.skipped('rate_limits');
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
  });

  it('is not worth trying for a second after a failure, then is again', () => {
    const { health, advance } = tracked();
    expect(health.worthTrying()).toBe(true);
    health.fellBack('cache', new Error('timeout'));
    expect(health.worthTrying()).toBe(false);
    advance(999);
    expect(health.worthTrying()).toBe(false);
    advance(1);
    expect(health.worthTrying()).toBe(true);
  });
});
