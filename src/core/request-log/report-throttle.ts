// Rate-limited reporting: at most one report per kind per interval; whatever
// happens in between is counted and summed into the next report (or flushed),
// so nothing is reported silently away.
export interface ThrottledReport<K extends string> {
  kind: K;
  /** Occurrences since the previous report of this kind. */
  count: number;
  message: string;
  /** The latest error, when the occurrences carry one. */
  error?: unknown;
}

export interface ReportThrottle<K extends string> {
  add(kind: K, count: number, message: (total: number) => string, error?: unknown): void;
  /** Reports every pending count now (e.g. on close). */
  flushPending(): void;
}

export function createReportThrottle<K extends string>(
  intervalMs: number,
  sink: (report: ThrottledReport<K>) => void,
  now: () => number = Date.now,
): ReportThrottle<K> {
  interface Entry {
    lastAt: number;
    pending: number;
    message: (total: number) => string;
    error?: unknown;
    timer?: NodeJS.Timeout | undefined;
  }
  const entries = new Map<K, Entry>();
  const emit = (kind: K, entry: Entry) => {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    if (entry.pending === 0) return;
    const report: ThrottledReport<K> = { kind, count: entry.pending, message: entry.message(entry.pending) };
    if (entry.error !== undefined) report.error = entry.error;
    entry.pending = 0;
    entry.error = undefined;
    entry.lastAt = now();
    try {
      sink(report);
    } catch {
      // A failing logger must not break its caller.
    }
  };
  return {
    add(kind, count, message, error) {
      const entry = entries.get(kind) ?? { lastAt: Number.NEGATIVE_INFINITY, pending: 0, message };
      entries.set(kind, entry);
      entry.pending += count;
      entry.message = message;
      if (error !== undefined) entry.error = error;
      const wait = entry.lastAt + intervalMs - now();
      if (wait <= 0) emit(kind, entry);
      else if (entry.timer === undefined) {
        // The summed count goes out when the interval ends, even if nothing else happens by then.
        entry.timer = setTimeout(() => emit(kind, entry), wait);
        entry.timer.unref();
      }
    },
    flushPending() {
      for (const [kind, entry] of entries) emit(kind, entry);
    },
  };
}
