// One circuit breaker per target key (`provider/upstream model`), created on
// first use. Transitions are reported with the target's key so the caller can
// log them.
import { createCircuitBreaker, type BreakerState, type CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';

export type BreakerTransitionListener = (targetKey: string, from: BreakerState, to: BreakerState, reason: string) => void;

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
  /** Forgets every breaker (a provider's configuration changed: its targets are tried afresh). */
  reset(): void;
}

export function createBreakerRegistry(options: BreakerRegistryOptions = {}): BreakerRegistry {
  const now = options.now ?? Date.now;
  const onTransition = options.onTransition ?? (() => {});
  const breakers = new Map<string, CircuitBreaker>();
  return {
    get(targetKey) {
      let breaker = breakers.get(targetKey);
      if (!breaker) {
        breaker = createCircuitBreaker(options.breaker, now, (from, to, reason) => onTransition(targetKey, from, to, reason));
        breakers.set(targetKey, breaker);
      }
      return breaker;
    },
    peek: (targetKey) => breakers.get(targetKey),
    keys: () => [...breakers.keys()],
    reset: () => breakers.clear(),
  };
}
