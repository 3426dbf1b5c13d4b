// GATEWAY_BREAKER_*: when a target's circuit breaker opens and how long it
// stays open before probes are let through (README "Routes: one name, several targets, failover");
// unset, the breaker's own defaults (5 consecutive failures, 30 s). A
// deployment whose models each have one target may want a short cool-down: an
// open breaker with no other target answers 503 even if the upstream is back.
import type { VariableReader } from './metrics-config.js';

export interface BreakerConfig {
  consecutiveFailures?: number;
  coolDownMs?: number;
}

export function readBreakerConfig(read: VariableReader): BreakerConfig {
  const config: BreakerConfig = {};
  if (read.optional('GATEWAY_BREAKER_FAILURES') !== undefined) config.consecutiveFailures = read.integer('GATEWAY_BREAKER_FAILURES', 1, 1_000, 5);
  if (read.optional('GATEWAY_BREAKER_COOL_DOWN_MS') !== undefined) config.coolDownMs = read.integer('GATEWAY_BREAKER_COOL_DOWN_MS', 0, 3_600_000, 30_000);
  return config;
}
