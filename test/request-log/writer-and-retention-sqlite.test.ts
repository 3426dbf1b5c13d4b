// The writer and the retention job against a real SQLite database: an outage in
// the middle of a run loses no row; retention deletes in batches until done.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRequestLogWriter, type RequestLogWriterEvent } from '../../src/core/request-log/request-log-writer.js';
import { createRetentionJob } from '../../src/core/request-log/retention.js';
import type { RequestLogsRepository } from '../../src/domain/request-log.js';
import { openStorage, type GatewayStorage } from '../../src/storage/index.js';
import { collectPages, makeRequestLog } from '../storage/fixtures.js';

const DAY_MS = 86_400_000;

describe('request log on a real SQLite database', () => {
  let directory = '';
  let storage: GatewayStorage;

  beforeEach(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'gw-usage-log-'));
    storage = await openStorage({ dataDir: directory });
  });

  afterEach(async () => {
    await storage.close();
    await rm(directory, { recursive: true, force: true });
  });

  const allIds = async () =>
    (await collectPages((cursor) => storage.requestLogs.list({}, { limit: 500, cursor }))).items.map((row) => row.id);

  it('the database goes away mid-run and comes back: every row is written exactly once', async () => {
    let available = true;
    let attempts = 0;
    // The real repository behind a switch: while "down", every statement fails as a lost connection would.
    const flaky: Pick<RequestLogsRepository, 'insertBatch'> = {
      async insertBatch(rows) {
        attempts += 1;
        if (!available) throw Object.assign(new Error('SQLITE_CANTOPEN: unable to open database file'), { code: 'SQLITE_CANTOPEN' });
        await storage.requestLogs.insertBatch(rows);
      },
    };
    const events: RequestLogWriterEvent[] = [];
    const writer = createRequestLogWriter({
      repository: flaky,
      flushIntervalMs: 5,
      maxBatchSize: 40,
      retry: { baseMs: 5, capMs: 50 },
      onError: (event) => events.push(event),
    });
    const ids: string[] = [];
    for (let round = 0; round < 30; round += 1) {
      if (round === 8) available = false; // the outage spans many flushes and writes
      if (round === 22) available = true;
      for (let index = 0; index < 25; index += 1) {
        const id = `req-${round}-${index}`;
        ids.push(id);
        writer.write(makeRequestLog({ id, time: 1_764_115_200_000 + round * 1000 + index }));
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await writer.close();
    expect((await allIds()).sort()).toEqual([...ids].sort());
    const stats = writer.stats();
    expect(stats).toMatchObject({ buffered: 0, written: 750, dropped: 0 });
    expect(stats.failedFlushes).toBeGreaterThan(0);
    expect(attempts).toBeGreaterThan(stats.failedFlushes);
    expect(events.some((event) => event.kind === 'flush-failed')).toBe(true);
    expect(events.some((event) => event.kind === 'rows-dropped' || event.kind === 'close-incomplete')).toBe(false);
  });

  it('a batch whose commit succeeded but was reported as failed is retried without duplicates', async () => {
    let lieOnce = true;
    const writer = createRequestLogWriter({
      repository: {
        async insertBatch(rows) {
          await storage.requestLogs.insertBatch(rows);
          if (lieOnce) {
            lieOnce = false;
            throw new Error('Connection lost: The server closed the connection.');
          }
        },
      },
      retry: { baseMs: 1, capMs: 5 },
      onError: () => {},
    });
    for (let index = 0; index < 30; index += 1) writer.write(makeRequestLog({ id: `dup-${index}`, time: index }));
    await writer.close();
    expect(await allIds()).toHaveLength(30);
    expect(writer.stats()).toMatchObject({ written: 30, failedFlushes: 1 });
  });

  it('retention deletes everything older than the cutoff in batches, with pauses, and keeps the rest', async () => {
    const now = Date.UTC(2026, 10, 26, 12);
    const old = Array.from({ length: 1234 }, (_, index) => makeRequestLog({ id: `old-${index}`, time: now - 31 * DAY_MS - index }));
    const fresh = Array.from({ length: 10 }, (_, index) => makeRequestLog({ id: `new-${index}`, time: now - 29 * DAY_MS + index }));
    await storage.requestLogs.insertBatch([...old, ...fresh]);
    const batchSizes: number[] = [];
    const deleted: number[] = [];
    const job = createRetentionJob({
      repository: {
        async deleteOlderThan(cutoff, limit) {
          const count = await storage.requestLogs.deleteOlderThan(cutoff, limit);
          batchSizes.push(count);
          return count;
        },
      },
      retentionDays: 30,
      batchSize: 500,
      pauseMs: 1,
      now: () => now,
      onDeleted: (count) => deleted.push(count),
      onError: (error) => {
        throw error;
      },
    });
    expect(await job.runOnce()).toBe(1234);
    expect(batchSizes).toEqual([500, 500, 234]);
    expect(deleted).toEqual([1234]);
    expect((await allIds()).sort()).toEqual(fresh.map((row) => row.id).sort());
    expect(await job.runOnce()).toBe(0);
    await job.stop();
  });

  it('the scheduled job runs shortly after start, again on its interval, and stops cleanly', async () => {
    const now = Date.now();
    await storage.requestLogs.insertBatch([makeRequestLog({ id: 'ancient', time: now - 400 * DAY_MS })]);
    const runs: number[] = [];
    const job = createRetentionJob({
      repository: {
        deleteOlderThan: async (cutoff, limit) => {
          runs.push(cutoff);
          return storage.requestLogs.deleteOlderThan(cutoff, limit);
        },
      },
      retentionDays: 1,
      initialDelayMs: 5,
      intervalMs: 20,
      onError: () => {},
    });
    job.start();
    job.start(); // idempotent
    await expect.poll(() => runs.length, { interval: 5 }).toBeGreaterThanOrEqual(3);
    await job.stop();
    const settled = runs.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(runs.length).toBe(settled);
    expect(await allIds()).toEqual([]);

    const forever = createRetentionJob({ repository: storage.requestLogs, retentionDays: 0, onError: () => {} });
    forever.start();
    expect(await forever.runOnce()).toBe(0); // 0 = keep forever, even when asked to run
    await forever.stop();
  });
});
