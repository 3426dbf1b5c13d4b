// The request log is written behind the request: write() only appends to an
// in-memory buffer; one pump writes batches (on an interval, or as soon as a
// batch is full; one batch per turn of the event loop) and, when the database
// fails, keeps the batch and retries it with exponential backoff and jitter —
// an outage loses no row. Memory is
// bounded: past maxBuffered rows the OLDEST waiting rows are dropped, counted in
// stats().dropped and reported (rate-limited). close() stops the interval and
// writes everything, retrying until done or closeTimeoutMs, then reports what
// could not be written. Batches are idempotent on id (RequestLogsRepository),
// so a batch whose commit acknowledgement was lost is simply written again —
// and so is one whose insert has not finished within attemptTimeoutMs (a
// connection whose peer vanished without closing it answers nothing, for as
// long as TCP keeps it: the batch would otherwise hold every row behind it).
import type { RequestLogRecord, RequestLogsRepository } from '../../domain/request-log.js';
import { createInterruptibleSleep } from './interruptible-sleep.js';
import { RecordQueue } from './record-queue.js';
import { createReportThrottle, type ThrottledReport } from './report-throttle.js';

export type RequestLogWriterEvent = ThrottledReport<'flush-failed' | 'rows-dropped' | 'close-incomplete'>;

export interface RequestLogWriterOptions {
  repository: Pick<RequestLogsRepository, 'insertBatch'>;
  flushIntervalMs?: number;
  maxBatchSize?: number;
  /** Rows kept while the database is slow or down (at least maxBatchSize). */
  maxBuffered?: number;
  retry?: { baseMs?: number; capMs?: number };
  /** How long close() keeps retrying before it gives up on what remains. */
  closeTimeoutMs?: number;
  /** An insert unfinished after this long counts as failed, and its batch is retried (default 30 s). */
  attemptTimeoutMs?: number;
  /** Reports of one kind go out at most this often; the counts in between are summed. */
  reportIntervalMs?: number;
  /** Failed flushes (with the error), dropped rows, rows left at close. Must not throw. */
  onError(event: RequestLogWriterEvent): void;
  /** For tests: the jitter source (0 ≤ x < 1). */
  random?: () => number;
}

export interface RequestLogWriterStats {
  /** Rows waiting or being written. */
  buffered: number;
  written: number;
  dropped: number;
  failedFlushes: number;
}

export interface RequestLogWriter {
  /** Never throws, never waits for the database. */
  write(record: RequestLogRecord): void;
  /**
   * Resolves once every row buffered at the call has been written (or dropped); retries meanwhile. With
   * `maxWaitMs`, resolves after that long at the latest (the rows stay buffered and are still written).
   */
  flush(maxWaitMs?: number): Promise<void>;
  /** Stops the interval, writes everything (retrying until closeTimeoutMs), reports what remained. Idempotent. */
  close(): Promise<void>;
  stats(): RequestLogWriterStats;
}

const MIN_RETRY_WAIT_MS = 10;

export function createRequestLogWriter(options: RequestLogWriterOptions): RequestLogWriter {
  const flushIntervalMs = options.flushIntervalMs ?? 1000;
  const maxBatchSize = Math.max(1, options.maxBatchSize ?? 500);
  const maxBuffered = Math.max(options.maxBuffered ?? 50_000, maxBatchSize);
  const baseMs = options.retry?.baseMs ?? 200;
  const capMs = options.retry?.capMs ?? 10_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 30_000;
  const random = options.random ?? Math.random;
  const reports = createReportThrottle(options.reportIntervalMs ?? 10_000, options.onError);

  const queue = new RecordQueue<RequestLogRecord>();
  let inFlight: RequestLogRecord[] = [];
  let enqueued = 0;
  let written = 0;
  /** Enqueued rows that left the buffer unwritten (flush() counts them as settled). */
  let discarded = 0;
  let droppedAfterClose = 0;
  let failedFlushes = 0;
  let pump: Promise<void> | null = null;
  let closing: Promise<void> | null = null;
  /** Set by close(): no attempt starts after it, and rows still buffered then are given up. */
  let deadline = Number.POSITIVE_INFINITY;
  let gaveUp = false;
  const backoff = createInterruptibleSleep();
  let kickScheduled = false;

  const timer = setInterval(() => void startPump(), flushIntervalMs);
  timer.unref();

  function discard(count: number, why: string): void {
    if (count <= 0) return;
    discarded += count;
    reports.add('rows-dropped', count, (total) => `request log: dropped ${total} row(s) ${why}`);
  }

  function startPump(): Promise<void> {
    pump ??= drain().finally(() => {
      pump = null;
    });
    return pump;
  }

  async function drain(): Promise<void> {
    while (queue.length > 0 && Date.now() < deadline) {
      inFlight = queue.take(maxBatchSize);
      const ok = await writeWithRetry(inFlight);
      const batch = inFlight;
      inFlight = [];
      if (ok) {
        written += batch.length;
        // A backlog is written a batch per turn of the event loop: better-sqlite3 holds the loop for the
        // whole of each insert, and requests must get their turn in between.
        if (queue.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      } else if (gaveUp) {
        discarded += batch.length; // close() already reported these as not written
      } else {
        queue.restoreFront(batch); // still the oldest rows; close() reports them
        return;
      }
    }
  }

  /** The insert, or a rejection once attemptTimeoutMs passed (the insert may still finish: harmless, idempotent). */
  async function insertWithin(batch: RequestLogRecord[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const unfinished = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`inserting a batch did not finish within ${attemptTimeoutMs} ms`)), attemptTimeoutMs);
    });
    try {
      await Promise.race([options.repository.insertBatch(batch), unfinished]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** true once written; false when close()'s deadline has passed. */
  async function writeWithRetry(batch: RequestLogRecord[]): Promise<boolean> {
    for (let failures = 0; Date.now() < deadline; ) {
      try {
        await insertWithin(batch);
        return true;
      } catch (error) {
        failures += 1;
        failedFlushes += 1;
        reports.add('flush-failed', 1, (total) => `request log: writing a batch failed ${total} time(s); retrying with backoff`, error);
        const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(failures - 1, 30));
        // Jitter over the upper half, so replicas that lost the same database do not retry in step.
        const wait = ceiling / 2 + random() * (ceiling / 2);
        const left = deadline - Date.now();
        await backoff.sleep(Math.max(MIN_RETRY_WAIT_MS, Math.min(wait, left / 2)));
      }
    }
    return false;
  }

  async function finish(): Promise<void> {
    clearInterval(timer);
    deadline = Date.now() + closeTimeoutMs;
    backoff.wake(); // retry now rather than after a long backoff
    const drained = (async () => {
      // A batch may be in flight with nothing queued behind it: wait for the pump too.
      while ((queue.length > 0 || pump !== null) && Date.now() < deadline) await startPump();
    })();
    let timeout: NodeJS.Timeout | undefined;
    // An insert that hangs (a dead TCP peer) must not hold shutdown beyond the timeout.
    await Promise.race([drained, new Promise<void>((resolve) => (timeout = setTimeout(resolve, closeTimeoutMs + 50)))]);
    clearTimeout(timeout);
    gaveUp = true;
    const waiting = queue.dropOldest(queue.length);
    discarded += waiting;
    const unknown = inFlight.length;
    if (waiting + unknown > 0) {
      const inFlightNote = unknown > 0 ? `; ${unknown} more were still being written (outcome unknown)` : '';
      reports.add(
        'close-incomplete',
        waiting + unknown,
        () => `request log: ${waiting} row(s) could not be written before shutdown${inFlightNote}`,
      );
    }
    reports.flushPending();
  }

  return {
    write(record) {
      if (closing !== null) {
        droppedAfterClose += 1;
        reports.add('rows-dropped', 1, (total) => `request log: dropped ${total} row(s) written after close`);
        return;
      }
      enqueued += 1;
      queue.push(record);
      const excess = queue.length + inFlight.length - maxBuffered;
      if (excess > 0) discard(queue.dropOldest(excess), `(the oldest waiting) because ${maxBuffered} were buffered`);
      if (queue.length >= maxBatchSize && pump === null && !kickScheduled) {
        // Off the caller's stack: better-sqlite3 is synchronous, and a request must never wait for a batch insert.
        kickScheduled = true;
        setImmediate(() => {
          kickScheduled = false;
          void startPump();
        });
      }
    },

    async flush(maxWaitMs) {
      const target = enqueued;
      const drained = (async () => {
        while (written + discarded < target && Date.now() < deadline) await startPump();
      })();
      if (maxWaitMs === undefined) return drained;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, maxWaitMs)));
      await Promise.race([drained, late]).finally(() => clearTimeout(timer));
    },

    close() {
      closing ??= finish();
      return closing;
    },

    stats: () => ({
      buffered: queue.length + inFlight.length,
      written,
      dropped: discarded + droppedAfterClose,
      failedFlushes,
    }),
  };
}
