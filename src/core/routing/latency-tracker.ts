// Recent latency per target: an EWMA of time to the first chunk (streams) or
// to the answer (unary), plus how many attempts the target has seen.

export const DEFAULT_LATENCY_ALPHA = 0.3;

export interface LatencyTracker {
  /** One latency sample (ms) for the target. */
  observe(targetKey: string, latencyMs: number): void;
  /** Counts one attempt, whatever its outcome. */
  countAttempt(targetKey: string): void;
  /** The EWMA in ms; null before the first sample. */
  latencyOf(targetKey: string): number | null;
  attemptsOf(targetKey: string): number;
}

export function createLatencyTracker(alpha: number = DEFAULT_LATENCY_ALPHA): LatencyTracker {
  const stats = new Map<string, { ewma: number | null; attempts: number }>();
  const entry = (key: string) => {
    let found = stats.get(key);
    if (!found) {
      found = { ewma: null, attempts: 0 };
      stats.set(key, found);
    }
    return found;
  };
  return {
    observe(targetKey, latencyMs) {
      const stat = entry(targetKey);
      const sample = Math.max(0, latencyMs);
      stat.ewma = stat.ewma === null ? sample : alpha * sample + (1 - alpha) * stat.ewma;
    },
    countAttempt(targetKey) {
      entry(targetKey).attempts += 1;
    },
    latencyOf: (targetKey) => stats.get(targetKey)?.ewma ?? null,
    attemptsOf: (targetKey) => stats.get(targetKey)?.attempts ?? 0,
  };
}
