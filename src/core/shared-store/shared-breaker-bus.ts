// The contract of breaker transitions shared by every replica (implemented over
// Redis pub/sub in src/redis/breaker-channel.ts): a breaker that opens on one
// replica opens on all — nine replicas must not keep hammering an upstream the
// tenth found dead — and a probe that closes it on one closes it on all.
// Half-open stays local: each replica lets its own probe through once its
// cool-down ends. Latency and affinity are per replica (each measures its own
// calls; see docs/architecture.md).
export interface BreakerBus {
  /** Tells the other replicas (never throws: a lost message leaves them on their own breakers). */
  announce(targetKey: string, to: 'open' | 'closed', reason: string): void;
  onAnnounced(listener: (targetKey: string, to: 'open' | 'closed', reason: string) => void): void;
}
