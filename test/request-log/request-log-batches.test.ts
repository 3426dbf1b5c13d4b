// How big a request-log batch the composed gateway writes: on SQLite, whose inserts hold the event loop
// (better-sqlite3 is synchronous), at most 64 rows at a time; on MySQL, whose inserts are I/O, up to 500.
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
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
  for (const close of closers.splice(0)) await close();
});

/** A gateway composed over in-memory SQLite, told its database is `dialect`; the sizes of the batches it inserts. */
async function batchSizesFor(dialect: SqlDialectName, rows: number): Promise<number[]> {
  const storage = await openStorage({ databaseUrl: 'sqlite::memory:', dataDir: os.tmpdir() });
  const sizes: number[] = [];
  const requestLogs = storage.requestLogs;
  const observed: GatewayStorage = {
    ...storage,
    database: { ...storage.database, dialect },
    requestLogs: {
      ...requestLogs,
      insertBatch: (batch) => {
        sizes.push(batch.length);
        return requestLogs.insertBatch(batch);
      },
    },
  };
  const gateway = composeGateway({
    storage: observed,
    keyRing: createMasterKeyRing(randomBytes(32)),
    adminToken: createAdminTokenVerifier(hashSecret('batch-test-admin-token-0123456789')),
    config: loadConfig({}),
    log: { error: () => undefined, warn: () => undefined, info: () => undefined },
  });
  closers.push(async () => {
    await gateway.close();
    await storage.close();
  });
  for (let index = 0; index < rows; index += 1) gateway.requestLog.write(makeRequestLog({ id: `row-${index}`, time: index }));
  await gateway.requestLog.flush();
  expect(gateway.requestLog.stats()).toMatchObject({ written: rows, dropped: 0 });
  return sizes;
}

describe('request-log batches as composed', () => {
  it('on SQLite: at most 64 rows per insert', async () => {
    const sizes = await batchSizesFor('sqlite', 300);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(300);
    expect(Math.max(...sizes)).toBe(64);
  });

  it('on MySQL: up to 500 rows per insert', async () => {
    const sizes = await batchSizesFor('mysql', 300);
    expect(sizes).toEqual([300]);
  });
});
