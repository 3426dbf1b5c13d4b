// How long to wait before retrying the same target: exponential backoff with
// full jitter, or the upstream's retry-after when it is short enough.
import type { RouteSettingsRecord } from '../../domain/route.js';
import { GatewayError } from '../../domain/gateway-error.js';

export type BackoffSettings = Pick<RouteSettingsRecord, 'backoffBaseMs' | 'backoffCapMs' | 'maxRetryAfterMs'>;

/** `random() * min(cap, base * 2^retryIndex)`; retryIndex 0 is the first retry. */
export function backoffDelayMs(retryIndex: number, settings: BackoffSettings, random: () => number): number {
  const ceiling = Math.min(settings.backoffCapMs, settings.backoffBaseMs * 2 ** Math.max(0, retryIndex));
  return Math.max(0, random() * ceiling);
}

/** Wait `ms` and retry the same target, or give up on it ('exhausted': fail over at once). */
export type RetryDecision = { action: 'wait'; ms: number; source: 'backoff' | 'retry-after' } | { action: 'exhausted' };

export function retryDecision(error: unknown, retryIndex: number, settings: BackoffSettings, random: () => number): RetryDecision {
  const seconds = error instanceof GatewayError ? error.retryAfterSeconds : undefined;
  if (seconds !== undefined && Number.isFinite(seconds) && seconds >= 0) {
    const ms = seconds * 1000;
    return ms <= settings.maxRetryAfterMs ? { action: 'wait', ms, source: 'retry-after' } : { action: 'exhausted' };
  }
  return { action: 'wait', ms: backoffDelayMs(retryIndex, settings, random), source: 'backoff' };
}
