// Migration 0011 on a database that already holds request-log rows: it adds
// cache_write_tokens and cache_write_1h_tokens, the rows written before it read
// 0 in both, and new rows keep theirs. Run by sqlite.test.ts and mysql.test.ts.
import { Migrator } from 'kysely/migration';
import { expect } from 'vitest';
import { migrateToLatest, openDatabase, openStorage, type OpenDatabaseOptions } from '../../src/storage/index.js';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE } from '../../src/storage/migrate.js';
import { migrationsFor } from '../../src/storage/migrations/index.js';
import { requestLogToRow } from '../../src/storage/request-log-rows.js';
import { makeRequestLog } from './fixtures.js';

export async function checkCacheWritesUpgrade(options: OpenDatabaseOptions): Promise<void> {
  const database = await openDatabase(options);
  try {
    const before0011 = Object.fromEntries(Object.entries(migrationsFor(database.dialect)).filter(([name]) => name < '0011'));
    const migrator = new Migrator({
      db: database.db,
      provider: { getMigrations: async () => before0011 },
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
    });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    // A row as the gateway wrote it before the columns existed.
    const { cache_write_tokens: _writes, cache_write_1h_tokens: _hour, attempt_trail: _trail, ...oldRow } = requestLogToRow(
      makeRequestLog({ id: 'old-row', time: 1, inputTokens: 900, cachedInputTokens: 100 }),
    );
    await database.db.insertInto('request_logs').values(oldRow as never).execute();
    expect((await migrateToLatest(database)).applied[0]).toBe('0011-request-log-cache-writes');
  } finally {
    await database.close();
  }
  const storage = await openStorage(options);
  try {
    await storage.requestLogs.insertBatch([makeRequestLog({ id: 'new-row', time: 2, inputTokens: 900, cacheWriteTokens: 500, cacheWrite1hTokens: 200 })]);
    const rows = (await storage.requestLogs.list({}, { limit: 10 })).items.map((row) => [row.id, row.cachedInputTokens, row.cacheWriteTokens, row.cacheWrite1hTokens]);
    expect(rows).toEqual([
      ['new-row', 0, 500, 200],
      ['old-row', 100, 0, 0],
    ]);
  } finally {
    await storage.close();
  }
}
