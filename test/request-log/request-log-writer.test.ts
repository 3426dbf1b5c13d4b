// The batching request-log writer against fake repositories: retries without
// loss, bounded memory with counted drops, complete flush on close.
import { describe, expect, it } from 'vitest';
import {
  createRequestLogWriter,
  type RequestLogWriterEvent,
  type RequestLogWriterOptions,
} from '../../src/core/request-log/request-log-writer.js';
import type { RequestLogRecord } from '../../src/domain/request-log.js';
import { makeRequestLog } from '../storage/fixtures.js';

/** Stores rows by id (like the real, idempotent repository) and fails while told to. */
function fakeRepository() {
  const rows = new Map<string, RequestLogRecord>();
  const state = {
    rows,
    calls: 0,
    failNext: 0,
    down: false,
    /** When set, every insert waits for it. */
    gate: null as Promise<void> | null,
    async insertBatch(batch: RequestLogRecord[]) {
      state.calls += 1;
      if (state.gate) await state.gate;
      if (state.down || state.failNext > 0) {
        state.failNext = Math.max(0, state.failNext - 1);
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
      }
      for (const row of batch) rows.set(row.id, row);
    },
  };
  return state;
}

const records = (count: number, prefix = 'r') =>
  Array.from({ length: count }, (_, index) => makeRequestLog({ id: `${prefix}-${index}`, time: index }));

function writerWith(repository: ReturnType<typeof fakeRepository>, overrides: Partial<RequestLogWriterOptions> = {}) {
  const events: RequestLogWriterEvent[] = [];
  const writer = createRequestLogWriter({
    repository,
    flushIntervalMs: 20,
    maxBatchSize: 50,
    retry: { baseMs: 5, capMs: 40 },
    closeTimeoutMs: 5_000,
    onError: (event) => events.push(event),
    ...overrides,
  });
  return { writer, events };
}

describe('request-log writer', () => {
  it('writes on the interval and when a batch is full; write() never waits', async () => {
    const repository = fakeRepository();
    const { writer } = writerWith(repository, { flushIntervalMs: 60_000, maxBatchSize: 10 });
    for (const record of records(25)) expect(writer.write(record)).toBeUndefined();
    expect(repository.rows.size).toBe(0); // nothing written synchronously
    await writer.flush();
    expect(repository.rows.size).toBe(25);
    expect(writer.stats()).toEqual({ buffered: 0, written: 25, dropped: 0, failedFlushes: 0 });

    const { writer: timed } = writerWith(repository, { flushIntervalMs: 10, maxBatchSize: 1000 });
    timed.write(makeRequestLog({ id: 'by-timer' }));
    await expect.poll(() => repository.rows.has('by-timer'), { interval: 5 }).toBe(true);
    await Promise.all([writer.close(), timed.close()]);
  });

  it('writes a backlog one batch per turn of the event loop, so I/O is served between synchronous inserts', async () => {
    const order: string[] = [];
    const repository = fakeRepository();
    const synchronousInsert = repository.insertBatch;
    // Like better-sqlite3: the insert's work is done before its promise settles.
    repository.insertBatch = (batch) => {
      order.push(`batch of ${batch.length}`);
      if (order.length === 1) setImmediate(() => order.push('an I/O turn'));
      return synchronousInsert(batch);
    };
    const { writer } = writerWith(repository, { flushIntervalMs: 60_000, maxBatchSize: 10 });
    for (const record of records(30)) writer.write(record);
    await writer.flush();
    expect(order).toEqual(['batch of 10', 'an I/O turn', 'batch of 10', 'batch of 10']);
    expect(repository.rows.size).toBe(30);
    await writer.close();
  });

  it('keeps a failing batch and retries it with backoff until the database recovers: no row lost', async () => {
    const repository = fakeRepository();
    repository.failNext = 6;
    const { writer, events } = writerWith(repository, { reportIntervalMs: 0 });
    const written = records(1234);
    for (const record of written) writer.write(record);
    await writer.flush();
    expect([...repository.rows.keys()].sort()).toEqual(written.map((record) => record.id).sort());
    const stats = writer.stats();
    expect(stats).toMatchObject({ buffered: 0, written: 1234, dropped: 0 });
    expect(stats.failedFlushes).toBe(6);
    const failures = events.filter((event) => event.kind === 'flush-failed');
    expect(failures.reduce((sum, event) => sum + event.count, 0)).toBe(6);
    expect(failures[0]?.error).toBeInstanceOf(Error);
    await writer.close();
  });

  it('reports failures rate-limited, with the count of what happened in between', async () => {
    const repository = fakeRepository();
    repository.failNext = 8;
    const { writer, events } = writerWith(repository, { reportIntervalMs: 60_000 });
    for (const record of records(10)) writer.write(record);
    await writer.flush();
    await writer.close();
    const failures = events.filter((event) => event.kind === 'flush-failed');
    expect(failures).toHaveLength(2); // the first at once, the other seven summed at close
    expect(failures.map((event) => event.count)).toEqual([1, 7]);
  });

  it('bounds memory: past maxBuffered the oldest waiting rows are dropped and counted, never silently', async () => {
    const repository = fakeRepository();
    let release!: () => void;
    repository.gate = new Promise((resolve) => (release = resolve));
    const { writer, events } = writerWith(repository, { maxBatchSize: 10, maxBuffered: 100, flushIntervalMs: 60_000 });
    const all = records(250);
    for (const record of all.slice(0, 10)) writer.write(record);
    await new Promise((resolve) => setImmediate(resolve)); // the first full batch (rows 0–9) is now in flight
    for (const record of all.slice(10)) writer.write(record);
    // In-flight rows are not dropped; the queue keeps the newest 90.
    expect(writer.stats()).toMatchObject({ buffered: 100, dropped: 150, written: 0 });
    release();
    repository.gate = null;
    await writer.close();
    const expected = [...all.slice(0, 10), ...all.slice(160)].map((record) => record.id).sort();
    expect([...repository.rows.keys()].sort()).toEqual(expected);
    expect(writer.stats()).toMatchObject({ buffered: 0, written: 100, dropped: 150 });
    const drops = events.filter((event) => event.kind === 'rows-dropped');
    expect(drops.length).toBeGreaterThanOrEqual(1);
    expect(drops.reduce((sum, event) => sum + event.count, 0)).toBe(150);
    expect(drops[0]?.message).toMatch(/dropped \d+ row/);
  });

  it('an outage: rows wait while inserts fail and are all written when the store returns; past the bound the oldest are dropped, counted and reported', async () => {
    const repository = fakeRepository();
    repository.down = true;
    const { writer, events } = writerWith(repository, { maxBatchSize: 10, maxBuffered: 100, reportIntervalMs: 0 });
    const all = records(300);
    for (const record of all.slice(0, 80)) writer.write(record);
    await expect.poll(() => writer.stats().failedFlushes, { interval: 5 }).toBeGreaterThan(2);
    expect(writer.stats()).toMatchObject({ buffered: 80, written: 0, dropped: 0 }); // within the bound: all kept
    for (const record of all.slice(80)) writer.write(record);
    expect(writer.stats()).toMatchObject({ buffered: 100, dropped: 200 });

    repository.down = false;
    await writer.flush();
    expect(writer.stats()).toMatchObject({ buffered: 0, written: 100, dropped: 200 });
    // The newest rows survive (a batch being retried when the bound was hit stays whole, and is older).
    expect(repository.rows.size).toBe(100);
    const drops = events.filter((event) => event.kind === 'rows-dropped');
    expect(drops.reduce((sum, event) => sum + event.count, 0)).toBe(200);
    expect(drops.at(-1)?.message).toMatch(/dropped \d+ row\(s\) \(the oldest waiting\) because 100 were buffered/);
    await writer.close();
  });

  it('close() writes everything still buffered, even rows waiting out a backoff', async () => {
    const repository = fakeRepository();
    repository.failNext = 1;
    const { writer } = writerWith(repository, { flushIntervalMs: 60_000, retry: { baseMs: 30_000, capMs: 30_000 } });
    for (const record of records(777)) writer.write(record);
    await new Promise((resolve) => setTimeout(resolve, 20)); // first batch failed, now in a 15–30 s backoff
    expect(writer.stats().failedFlushes).toBe(1);
    const started = Date.now();
    await writer.close();
    expect(Date.now() - started).toBeLessThan(5_000); // the backoff was cut short, not waited out
    expect(repository.rows.size).toBe(777);
    expect(writer.stats()).toMatchObject({ buffered: 0, written: 777, dropped: 0 });

    writer.write(makeRequestLog({ id: 'too-late' }));
    expect(writer.stats().dropped).toBe(1);
    await writer.close(); // idempotent
  });

  it('close() gives up after its timeout and reports what remained', async () => {
    const repository = fakeRepository();
    repository.down = true;
    const { writer, events } = writerWith(repository, { closeTimeoutMs: 150 });
    for (const record of records(120)) writer.write(record);
    await writer.close();
    expect(repository.rows.size).toBe(0);
    expect(writer.stats()).toMatchObject({ buffered: 0, written: 0, dropped: 120 });
    const incomplete = events.find((event) => event.kind === 'close-incomplete');
    expect(incomplete?.count).toBe(120);
    expect(incomplete?.message).toContain('120 row(s) could not be written');
  });

  it('flush(maxWaitMs) stops waiting for a database that does not answer, and the rows are still written once it does', async () => {
    const repository = fakeRepository();
    let open = () => {};
    repository.gate = new Promise((resolve) => (open = resolve));
    const { writer } = writerWith(repository);
    for (const record of records(3)) writer.write(record);
    await writer.flush(50); // would wait for the gate without the bound
    expect(repository.rows.size).toBe(0);
    open();
    await writer.flush();
    expect(repository.rows.size).toBe(3);
    await writer.close();
  });

  it('close() does not hang on an insert that never returns', async () => {
    const repository = fakeRepository();
    repository.gate = new Promise(() => {});
    const { writer, events } = writerWith(repository, { closeTimeoutMs: 100, maxBatchSize: 10 });
    for (const record of records(25)) writer.write(record);
    await writer.close();
    const incomplete = events.find((event) => event.kind === 'close-incomplete');
    expect(incomplete?.count).toBe(25);
    expect(incomplete?.message).toMatch(/15 row\(s\) could not be written.*10 more were still being written/);
  });

  it('retries a batch whose insert never finishes (a connection whose peer vanished), so the rows behind it are written', async () => {
    const repository = fakeRepository();
    const insert = repository.insertBatch;
    // The first insert hangs for good, as on a connection nobody answers; the next ones go through.
    let hung = false;
    repository.insertBatch = (batch) => {
      if (hung) return insert(batch);
      hung = true;
      return new Promise<void>(() => {});
    };
    const { writer, events } = writerWith(repository, { attemptTimeoutMs: 100, maxBatchSize: 10 });
    for (const record of records(25)) writer.write(record);
    await expect.poll(() => repository.rows.size, { timeout: 10_000, interval: 20 }).toBe(25);
    expect(writer.stats()).toMatchObject({ buffered: 0, written: 25, failedFlushes: 1 });
    expect(events.find((event) => event.kind === 'flush-failed')?.message).toContain('writing a batch failed 1 time(s)');
    await writer.close();
  });
});
