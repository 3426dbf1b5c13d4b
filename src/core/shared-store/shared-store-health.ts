// How the features that share state through a store (Redis) behave while it is
// away: each call that fails falls back (budgets per replica or refused, the
// cache a miss, breakers per replica) and is counted per feature; the store is
// tried again at most once per `retryAfterMs`, so coming back resumes sharing
// without a restart; the outage and the return are reported once each.
export type SharedFeature = 'rate_limits' | 'budgets' | 'cache' | 'breakers';

export interface SharedStoreHealth {
  /** False for `retryAfterMs` after a failure: callers go straight to their fallback. */
  worthTrying(): boolean;
  /** A call of `feature` failed and the feature fell back. */
  fellBack(feature: SharedFeature, error: unknown): void;
  /** `feature` served without the store (skipped while it is known away). */
  skipped(feature: SharedFeature): void;
  /** A call answered. */
  succeeded(): void;
  available(): boolean;
  /** Each fallback (metric llm_gateway_redis_fallbacks_total). */
  onFallback(listener: (feature: SharedFeature) => void): void;
}

export interface SharedStoreHealthOptions {
  onTransition(available: boolean, error?: unknown): void;
  retryAfterMs?: number;
  now?: () => number;
}

export function createSharedStoreHealth(options: SharedStoreHealthOptions): SharedStoreHealth {
  const now = options.now ?? Date.now;
  const retryAfterMs = options.retryAfterMs ?? 1_000;
  const listeners: Array<(feature: SharedFeature) => void> = [];
  let available = true;
  let retryAt = 0;
  const tell = (feature: SharedFeature) => listeners.forEach((listener) => listener(feature));
  return {
    worthTrying: () => available || now() >= retryAt,
    fellBack(feature, error) {
      retryAt = now() + retryAfterMs;
      tell(feature);
      if (!available) return;
      available = false;
      options.onTransition(false, error);
    },
    skipped: tell,
    succeeded() {
      if (available) return;
      available = true;
      options.onTransition(true);
    },
    available: () => available,
    onFallback: (listener) => void listeners.push(listener),
  };
}
