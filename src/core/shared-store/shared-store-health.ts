// Whether the shared store (Redis) answers, one state for every feature that
// uses it (rate limits, budgets, the cache, breakers): the first call that
// fails marks it away, and from then on every feature goes straight to its
// fallback — so one request waits for at most one failed call, however many
// checks it makes. While it is away a background probe (`probe`, a PING)
// asks every `probeEveryMs` whether it is back; client requests never do.
// The outage and the return are reported once each; each fallback is counted.
export type SharedFeature = 'rate_limits' | 'budgets' | 'cache' | 'breakers';

export interface SharedStoreHealth {
  /** False while the store is away: callers go straight to their fallback. */
  worthTrying(): boolean;
  /** A call of `feature` failed and the feature fell back (counted). */
  fellBack(feature: SharedFeature, error: unknown): void;
  /** A background call failed (a renewal, a settlement): the store is away, nothing fell back. */
  failed(error: unknown): void;
  /** `feature` served without the store (skipped while it is known away). */
  skipped(feature: SharedFeature): void;
  /** A call answered, or the connection is (re)established. */
  succeeded(): void;
  available(): boolean;
  /** Each fallback (metric llm_gateway_redis_fallbacks_total). */
  onFallback(listener: (feature: SharedFeature) => void): void;
  /** Stops probing (shutdown). */
  close(): void;
}

export interface SharedStoreHealthOptions {
  onTransition(available: boolean, error?: unknown): void;
  /** Resolves when the store answers, rejects when it does not (bounded by the store's command timeout). */
  probe(): Promise<unknown>;
  /** Pause between probes while the store is away (default 1 s). */
  probeEveryMs?: number;
}

export function createSharedStoreHealth(options: SharedStoreHealthOptions): SharedStoreHealth {
  const probeEveryMs = options.probeEveryMs ?? 1_000;
  const listeners: Array<(feature: SharedFeature) => void> = [];
  let available = true;
  let closed = false;
  let probeTimer: NodeJS.Timeout | undefined;
  // Each outage has its own probe cycle; a probe of an earlier one that answers late decides nothing.
  let outage = 0;
  const tell = (feature: SharedFeature) => listeners.forEach((listener) => listener(feature));

  const up = () => {
    outage += 1;
    clearTimeout(probeTimer);
    if (available) return;
    available = true;
    options.onTransition(true);
  };
  // One probe at a time: the next is scheduled once the last has failed.
  const scheduleProbe = (cycle: number) => {
    if (closed) return;
    probeTimer = setTimeout(() => {
      options.probe().then(
        () => cycle === outage && up(),
        () => cycle === outage && scheduleProbe(cycle),
      );
    }, probeEveryMs);
    probeTimer.unref();
  };
  const down = (error: unknown) => {
    if (!available) return;
    available = false;
    outage += 1;
    options.onTransition(false, error);
    scheduleProbe(outage);
  };

  return {
    worthTrying: () => available,
    fellBack(feature, error) {
      tell(feature);
      down(error);
    },
    failed: down,
    skipped: tell,
    succeeded: up,
    available: () => available,
    onFallback: (listener) => void listeners.push(listener),
    close() {
      closed = true;
      clearTimeout(probeTimer);
    },
  };
}
