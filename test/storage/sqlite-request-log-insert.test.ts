// The SQLite request log's prepared-statement insert: every column written, a
// retried batch idempotent, and no row lost to a transaction another caller
// holds open on the same connection (the rows wait for it instead of joining it).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { sql } from 'kysely';
import { openStorage, type GatewayStorage } from '../../src/storage/index.js';
import { makeRequestLog } from './fixtures.js';

const opened: Array<{ storage: GatewayStorage; dir: string }> = [];

async function open(): Promise<GatewayStorage> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-sqlite-insert-'));
  const storage = await openStorage({ dataDir: dir });
  opened.push({ storage, dir });
  return storage;
}

afterEach(async () => {
  for (const { storage, dir } of opened.splice(0)) {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writes every field through the prepared statement, and a retried batch adds nothing', async () => {
  const storage = await open();
  expect(storage.database.sqlite).toBeDefined();
  const record = makeRequestLog({
    id: 'row-1',
    ttftMs: 12,
    stream: true,
    cacheHit: true,
    estimated: true,
    costUsd: 0.0123,
    requestBody: '{"a":1}',
    responseBody: 'lone \ud800 surrogate',
  });
  await storage.requestLogs.insertBatch([record, makeRequestLog({ id: 'row-2' })]);
  await storage.requestLogs.insertBatch([record]);
  const page = await storage.requestLogs.list({}, { limit: 10 });
  expect(page.items.map((item) => item.id).sort()).toEqual(['row-1', 'row-2']);
  const stored = page.items.find((item) => item.id === 'row-1')!;
  expect(stored).toEqual({ ...record, responseBody: 'lone \ufffd surrogate' });
});

test('a batch arriving while another transaction is open waits for it and survives its rollback', async () => {
  const storage = await open();
  const { db } = storage.database;
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const outer = db
    .transaction()
    .execute(async (trx) => {
      await sql`select 1`.execute(trx);
      await held;
      throw new Error('rolled back on purpose');
    })
    .catch((error: Error) => error.message);
  // Let the transaction begin before the batch arrives.
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(storage.database.sqlite!.inTransaction).toBe(true);
  const inserting = storage.requestLogs.insertBatch([makeRequestLog({ id: 'during' })]);
  release();
  expect(await outer).toBe('rolled back on purpose');
  await inserting;
  const page = await storage.requestLogs.list({}, { limit: 10 });
  expect(page.items.map((item) => item.id)).toEqual(['during']);
});
