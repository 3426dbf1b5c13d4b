// A sliding-window log: each entry counts `amount` at time `at` and stops
// counting at `at + windowMs`. Pure data structure; the caller passes the time.
//
// Exactness vs memory: a new amount merges into the newest entry when that
// entry was opened less than `granularityMs` ago, and the merged entry expires
// with its newest part (`at` moves forward, `openedAt` does not). So merging
// only ever holds an amount LONGER than exact (up to granularityMs), never
// shorter: the limit is never exceeded in any rolling window, and the log holds
// at most windowMs / granularityMs + 1 entries. granularityMs 0 merges only
// amounts of the very same millisecond (exact).

export interface LogEntry {
  /** When the entry was opened; merging stops granularityMs after it. */
  readonly openedAt: number;
  /** The newest time counted in the entry; it expires at at + windowMs. */
  at: number;
  amount: number;
  /** Set when the entry left the window; adjustments then become new entries. */
  expired: boolean;
}

export class SlidingLog {
  private entries: LogEntry[] = [];
  private head = 0;
  private sum = 0;

  constructor(
    readonly windowMs: number,
    readonly granularityMs = 0,
  ) {}

  /** Drops the entries that left the window at `now`. */
  prune(now: number): void {
    const { entries, windowMs } = this;
    while (this.head < entries.length) {
      const entry = entries[this.head]!;
      if (entry.at + windowMs > now) break;
      entry.expired = true;
      this.sum -= entry.amount;
      this.head += 1;
    }
    if (this.head === entries.length) {
      this.entries = [];
      this.head = 0;
      this.sum = 0; // also clears any floating-point residue
    } else if (this.head > 32 && this.head * 2 > entries.length) {
      this.entries = entries.slice(this.head);
      this.head = 0;
    }
  }

  /** The amount counted in the window ending at `now`. */
  used(now: number): number {
    this.prune(now);
    return this.sum;
  }

  isEmpty(now: number): boolean {
    this.prune(now);
    return this.head === this.entries.length;
  }

  /** Number of live entries (memory check). */
  size(): number {
    return this.entries.length - this.head;
  }

  add(now: number, amount: number): LogEntry {
    this.prune(now);
    const newest = this.entries.length > this.head ? this.entries[this.entries.length - 1] : undefined;
    this.sum += amount;
    if (newest && now >= newest.at && now - newest.openedAt <= this.granularityMs) {
      newest.at = now;
      newest.amount += amount;
      return newest;
    }
    const entry: LogEntry = { openedAt: now, at: now, amount, expired: false };
    this.entries.push(entry);
    return entry;
  }

  /**
   * Corrects an entry by `delta` (reconciliation). While the entry is in the
   * window it changes in place (never below 0); once it left, a positive delta
   * is counted now and a negative one has nothing left to give back.
   */
  adjust(entry: LogEntry, delta: number, now: number): void {
    this.prune(now);
    if (delta === 0) return;
    if (!entry.expired) {
      const next = Math.max(0, entry.amount + delta);
      this.sum += next - entry.amount;
      entry.amount = next;
    } else if (delta > 0) {
      this.add(now, delta);
    }
  }

  /**
   * Milliseconds until `need` more fits under `limit` (0 = fits now). Infinity
   * when it can never fit (need > limit).
   */
  waitFor(now: number, need: number, limit: number): number {
    this.prune(now);
    if (need > limit) return Infinity;
    let excess = this.sum + need - limit;
    if (excess <= 0) return 0;
    for (let index = this.head; index < this.entries.length; index += 1) {
      const entry = this.entries[index]!;
      excess -= entry.amount;
      if (excess <= 0) return entry.at + this.windowMs - now;
    }
    return this.windowMs; // unreachable with consistent sums; the whole window is the safe answer
  }

  /** Milliseconds until nothing is counted any more (OpenAI's "resets to its initial state"). */
  resetMs(now: number): number {
    this.prune(now);
    const newest = this.entries.length > this.head ? this.entries[this.entries.length - 1] : undefined;
    return newest ? newest.at + this.windowMs - now : 0;
  }
}
