// A per-attempt timeout from another gateway → route settings the gateway
// accepts: attempt_timeout within 100 ms–10 min, and a total deadline no
// shorter than one attempt (default 180 s).
import { durationFromMs } from '@bufbuild/protobuf/wkt';

const DEFAULT_TOTAL_MS = 180_000;

export function timeoutSettings(attemptMs: number) {
  const attempt = Math.min(600_000, Math.max(100, Math.round(attemptMs)));
  return { attemptTimeout: durationFromMs(attempt), totalDeadline: durationFromMs(Math.min(1_800_000, Math.max(DEFAULT_TOTAL_MS, attempt))) };
}
