// How many rows the composed gateway's background work touches per statement: on SQLite, whose statements
// hold the event loop (better-sqlite3 is synchronous), request-log inserts of at most 128 rows and retention
// deletes of 500; on MySQL, whose statements are I/O, up to 500 and 5,000 (src/storage/batch-rows.ts).
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { composeGateway } from '../../src/compose.js';
import { loadConfig } from '../../src/config/config.js';
import { createAdminTokenVerifier } from '../../src/core/auth/admin-token.js';
import { hashSecret } from '../../src/core/auth/virtual-key-secret.js';
import { createMasterKeyRing } from '../../src/core/secrets/master-key-ring.js';
import type { SqlDialectName } from '../../src/storage/schema.js';
import { openStorage, type GatewayStorage } from '../../src/storage/index.js';
import { makeRequestLog } from '../storage/fixtures.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const close of closers.splice(0)) await close();
});

interface Observed {
  inserts: number[];
  /** The row limit of each retention delete, by table. */
  deletes: { requestLogs: number[]; storedResponses: number[]; healthCheckRuns: number[] };
}

/** A gateway composed over in-memory SQLite, told its database is `dialect`; what its batches touch. */
async function composeObserved(dialect: SqlDialectName): Promise<{ gateway: ReturnType<typeof composeGateway>; observed: Observed }> {
  const storage = await openStorage({ databaseUrl: 'sqlite::memory:', dataDir: os.tmpdir() });
  const observed: Observed = { inserts: [], deletes: { requestLogs: [], storedResponses: [], healthCheckRuns: [] } };
  const { requestLogs, storedResponses, healthCheckRuns } = storage;
  const spied: GatewayStorage = {
    ...storage,
    database: { ...storage.database, dialect },
    requestLogs: {
      ...requestLogs,
      insertBatch: (batch) => {
        observed.inserts.push(batch.length);
        return requestLogs.insertBatch(batch);
      },
      deleteOlderThan: (cutoff, limit) => {
        observed.deletes.requestLogs.push(limit);
        return requestLogs.deleteOlderThan(cutoff, limit);
      },
    },
    storedResponses: {
      ...storedResponses,
      deleteCreatedBefore: (time, limit) => {
        observed.deletes.storedResponses.push(limit);
        return storedResponses.deleteCreatedBefore(time, limit);
      },
    },
    healthCheckRuns: {
      ...healthCheckRuns,
      deleteOlderThan: (cutoff, limit) => {
        observed.deletes.healthCheckRuns.push(limit);
        return healthCheckRuns.deleteOlderThan(cutoff, limit);
      },
    },
  };
  const gateway = composeGateway({
    storage: spied,
    keyRing: createMasterKeyRing(randomBytes(32)),
    adminToken: createAdminTokenVerifier(hashSecret('batch-test-admin-token-0123456789')),
    config: loadConfig({}),
    log: { error: () => undefined, warn: () => undefined, info: () => undefined },
  });
  closers.push(async () => {
    await gateway.close();
    await storage.close();
  });
  return { gateway, observed };
}

async function batchSizesFor(dialect: SqlDialectName, rows: number): Promise<number[]> {
  const { gateway, observed } = await composeObserved(dialect);
  for (let index = 0; index < rows; index += 1) gateway.requestLog.write(makeRequestLog({ id: `row-${index}`, time: index }));
  await gateway.requestLog.flush();
  expect(gateway.requestLog.stats()).toMatchObject({ written: rows, dropped: 0 });
  return observed.inserts;
}

/** The row limits of the first pass of each retention job (they start a minute after the background jobs). */
async function retentionLimitsFor(dialect: SqlDialectName): Promise<Observed['deletes']> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const { gateway, observed } = await composeObserved(dialect);
  gateway.startBackgroundJobs();
  await vi.advanceTimersByTimeAsync(61_000);
  vi.useRealTimers();
  return observed.deletes;
}

describe('background batches as composed', () => {
  it('on SQLite: at most 128 rows per insert', async () => {
    const sizes = await batchSizesFor('sqlite', 300);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(300);
    expect(Math.max(...sizes)).toBe(128);
  });

  it('on MySQL: up to 500 rows per insert', async () => {
    const sizes = await batchSizesFor('mysql', 300);
    expect(sizes).toEqual([300]);
  });

  it('on SQLite: retention deletes of 500 rows', async () => {
    expect(await retentionLimitsFor('sqlite')).toEqual({ requestLogs: [500], storedResponses: [500], healthCheckRuns: [500] });
  });

  it('on MySQL: retention deletes of 5,000 rows', async () => {
    expect(await retentionLimitsFor('mysql')).toEqual({ requestLogs: [5000], storedResponses: [5000], healthCheckRuns: [5000] });
  });
});
