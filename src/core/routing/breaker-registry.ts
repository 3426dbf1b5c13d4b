// One circuit breaker per target key (`provider/upstream model`), created on
// first use. Transitions are reported with the target's key so the caller can
// log them.
import { createCircuitBreaker, type BreakerState, type CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';

/** `remote`: the transition was applied from another replica's (applyRemote), not decided here. */
export type BreakerTransitionListener = (targetKey: string, from: BreakerState, to: BreakerState, reason: string, remote?: boolean) => void;

export interface BreakerRegistryOptions {
  breaker?: Partial<CircuitBreakerOptions>;
  now?: () => number;
  onTransition?: BreakerTransitionListener;
}

export interface BreakerRegistry {
  /** The target's breaker, created closed on first use. */
  get(targetKey: string): CircuitBreaker;
  /** The breaker if the target was ever used (read-only views use this). */
  peek(targetKey: string): CircuitBreaker | undefined;
  keys(): string[];
  /** These targets' configuration changed (target key → why): their breakers start afresh, closed; the others keep theirs. */
  resetTargets(reasons: ReadonlyMap<string, string>): void;
  /** Another replica's breaker of this target opened or closed: this one follows (reported with remote = true). */
  applyRemote(targetKey: string, to: 'open' | 'closed', reason: string): void;
}

export function createBreakerRegistry(options: BreakerRegistryOptions = {}): BreakerRegistry {
  const now = options.now ?? Date.now;
  const onTransition = options.onTransition ?? (() => {});
  const breakers = new Map<string, CircuitBreaker>();
  let applyingRemote = false;
  const get = (targetKey: string): CircuitBreaker => {
    let breaker = breakers.get(targetKey);
    if (!breaker) {
      breaker = createCircuitBreaker(options.breaker, now, (from, to, reason) => onTransition(targetKey, from, to, reason, applyingRemote));
      breakers.set(targetKey, breaker);
    }
    return breaker;
  };
  return {
    get,
    peek: (targetKey) => breakers.get(targetKey),
    keys: () => [...breakers.keys()],
    resetTargets(reasons) {
      for (const [targetKey, reason] of reasons) breakers.get(targetKey)?.reset(reason);
    },
    applyRemote(targetKey, to, reason) {
      // A target never used here closes by itself: only an opening creates its breaker.
      const breaker = to === 'open' ? get(targetKey) : breakers.get(targetKey);
      applyingRemote = true;
      try {
        breaker?.force(to, reason);
      } finally {
        applyingRemote = false;
      }
    },
  };
}
