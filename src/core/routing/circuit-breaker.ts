// One target's circuit breaker. Closed → open after N consecutive retryable
// failures or an error rate over a sliding window; open rejects for a
// cool-down; then half-open lets a limited number of probes through; a probe's
// success closes it, a probe's failure reopens it with a fresh cool-down.
// Only the dispatcher's 'retryable' failures are reported here; the client's
// own 4xx and cancellations are released without counting.

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive retryable failures that open a closed breaker. */
  consecutiveFailures: number;
  /** Error rate (0–1) over the window that opens it, once `minSamples` are in. */
  errorRateThreshold: number;
  /** The last N counted attempts make the window. */
  windowSize: number;
  minSamples: number;
  /** How long an open breaker rejects before it lets probes through. */
  coolDownMs: number;
  /** Probes in flight at once while half-open. */
  halfOpenProbes: number;
}

export const DEFAULT_BREAKER_OPTIONS: Readonly<CircuitBreakerOptions> = {
  consecutiveFailures: 5,
  errorRateThreshold: 0.5,
  windowSize: 20,
  minSamples: 10,
  coolDownMs: 30_000,
  halfOpenProbes: 1,
};

export type TransitionListener = (from: BreakerState, to: BreakerState, reason: string) => void;

/** A permission to make one attempt; hand it back through exactly one of succeed/fail/release. */
export interface BreakerPermit {
  readonly probe: boolean;
}

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** Failures / samples in the window; 0 without samples. */
  errorRate: number;
  samples: number;
  /** While open: when probes are let through (epoch ms); null otherwise. */
  openUntil: number | null;
}

export interface CircuitBreaker {
  state(): BreakerState;
  /** Closed, or half-open with a probe slot free (an elapsed cool-down half-opens it first). */
  isAvailable(): boolean;
  /** A permit, or null while open / while every probe slot is taken. */
  tryAcquire(): BreakerPermit | null;
  succeed(permit: BreakerPermit): void;
  /** A retryable failure: counts. */
  fail(permit: BreakerPermit): void;
  /** A 'stop' or 'canceled' outcome: frees a probe slot, counts nothing. */
  release(permit: BreakerPermit): void;
  snapshot(): BreakerSnapshot;
  /** While open: milliseconds until probes are let through; 0 when not open (closed, or half-open with its probes taken). */
  msUntilProbe(): number;
  /** Moves to `to` now (a transition another replica made); nothing if already there. */
  force(to: 'open' | 'closed', reason: string): void;
  /** Starts afresh (its target's configuration changed): closed (a transition, when it was not), counts and in-flight permits forgotten. */
  reset(reason: string): void;
}

export function createCircuitBreaker(
  options: Partial<CircuitBreakerOptions> = {},
  now: () => number = Date.now,
  onTransition: TransitionListener = () => {},
): CircuitBreaker {
  const settings: CircuitBreakerOptions = { ...DEFAULT_BREAKER_OPTIONS, ...options };
  let state: BreakerState = 'closed';
  let openUntil = 0;
  let consecutive = 0;
  let probesInFlight = 0;
  // Ring buffer of counted outcomes: true = failure.
  let window: boolean[] = [];
  // Permits issued before the last transition report into a state they no longer describe.
  let generation = 0;
  const issued = new WeakMap<BreakerPermit, number>();

  const moveTo = (to: BreakerState, reason: string) => {
    const from = state;
    state = to;
    generation += 1;
    probesInFlight = 0;
    if (to === 'open') openUntil = now() + settings.coolDownMs;
    if (to === 'closed') {
      consecutive = 0;
      window = [];
    }
    onTransition(from, to, reason);
  };

  const refresh = () => {
    if (state === 'open' && now() >= openUntil) moveTo('half-open', `cool-down of ${settings.coolDownMs} ms elapsed`);
  };

  const errorRate = () => (window.length === 0 ? 0 : window.filter(Boolean).length / window.length);

  const record = (failed: boolean) => {
    window.push(failed);
    if (window.length > settings.windowSize) window.shift();
    consecutive = failed ? consecutive + 1 : 0;
  };

  const current = (permit: BreakerPermit) => issued.get(permit) === generation;

  return {
    state() {
      refresh();
      return state;
    },
    isAvailable() {
      refresh();
      return state === 'closed' || (state === 'half-open' && probesInFlight < settings.halfOpenProbes);
    },
    tryAcquire() {
      refresh();
      if (state === 'open') return null;
      if (state === 'half-open') {
        if (probesInFlight >= settings.halfOpenProbes) return null;
        probesInFlight += 1;
      }
      const permit: BreakerPermit = { probe: state === 'half-open' };
      issued.set(permit, generation);
      return permit;
    },
    succeed(permit) {
      if (!current(permit)) return;
      if (permit.probe) {
        moveTo('closed', 'a probe succeeded');
        return;
      }
      if (state === 'closed') record(false);
    },
    fail(permit) {
      if (!current(permit)) return;
      if (permit.probe) {
        moveTo('open', 'a probe failed');
        return;
      }
      if (state !== 'closed') return;
      record(true);
      if (consecutive >= settings.consecutiveFailures) {
        moveTo('open', `${consecutive} consecutive failures`);
      } else if (window.length >= settings.minSamples && errorRate() >= settings.errorRateThreshold) {
        moveTo('open', `error rate ${Math.round(errorRate() * 100)}% over the last ${window.length} attempts`);
      }
    },
    release(permit) {
      if (current(permit) && permit.probe && probesInFlight > 0) probesInFlight -= 1;
    },
    force(to, reason) {
      refresh();
      if (state !== to) moveTo(to, reason);
    },
    reset(reason) {
      if (state !== 'closed') {
        moveTo('closed', reason);
        return;
      }
      generation += 1;
      consecutive = 0;
      window = [];
    },
    msUntilProbe() {
      refresh();
      return state === 'open' ? Math.max(0, openUntil - now()) : 0;
    },
    snapshot() {
      refresh();
      return {
        state,
        consecutiveFailures: consecutive,
        errorRate: errorRate(),
        samples: window.length,
        openUntil: state === 'open' ? openUntil : null,
      };
    },
  };
}
