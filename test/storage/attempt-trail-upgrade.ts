// Migration 0012 on a database that already holds request-log rows: it adds attempt_trail,
// the rows written before it read with no attempts, and new rows keep theirs — a long retry
// chain capped to its first 15 attempts and its last. Run by sqlite.test.ts and mysql.test.ts.
import { Migrator } from 'kysely/migration';
import { expect } from 'vitest';
import type { LoggedAttempt } from '../../src/domain/request-log.js';
import { migrateToLatest, openDatabase, openStorage, type OpenDatabaseOptions } from '../../src/storage/index.js';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE } from '../../src/storage/migrate.js';
import { migrationsFor } from '../../src/storage/migrations/index.js';
import { requestLogToRow } from '../../src/storage/request-log-rows.js';
import { makeRequestLog } from './fixtures.js';

function attempt(index: number, outcome: string): LoggedAttempt {
  return { providerId: `p${index}`, upstreamModel: `model-${index}`, outcome, upstreamStatus: outcome === 'ok' ? 200 : 503, durationMs: index };
}

export async function checkAttemptTrailUpgrade(options: OpenDatabaseOptions): Promise<void> {
  const database = await openDatabase(options);
  try {
    const before0012 = Object.fromEntries(Object.entries(migrationsFor(database.dialect)).filter(([name]) => name < '0012'));
    const migrator = new Migrator({
      db: database.db,
      provider: { getMigrations: async () => before0012 },
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
    });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    // A row as the gateway wrote it before the column existed.
    const { attempt_trail: _trail, ...oldRow } = requestLogToRow(makeRequestLog({ id: 'old-row', time: 1, attempts: 2 }));
    await database.db.insertInto('request_logs').values(oldRow as never).execute();
    expect((await migrateToLatest(database)).applied[0]).toBe('0012-request-log-attempt-trail');
  } finally {
    await database.close();
  }
  const storage = await openStorage(options);
  try {
    const chain = [...Array.from({ length: 19 }, (_, index) => attempt(index, 'unavailable')), attempt(19, 'ok')];
    await storage.requestLogs.insertBatch([
      makeRequestLog({ id: 'new-row', time: 3, attempts: 2, attemptTrail: [attempt(0, 'unavailable'), attempt(1, 'ok')] }),
      makeRequestLog({ id: 'long-row', time: 2, attempts: 20, attemptTrail: chain }),
    ]);
    const rows = (await storage.requestLogs.list({}, { limit: 10 })).items;
    expect(rows.map((row) => [row.id, row.attempts, row.attemptTrail.length])).toEqual([
      ['new-row', 2, 2],
      ['long-row', 20, 16],
      ['old-row', 2, 0],
    ]);
    expect(rows[0]!.attemptTrail).toEqual([attempt(0, 'unavailable'), attempt(1, 'ok')]);
    expect(rows[1]!.attemptTrail.at(-1)).toEqual(attempt(19, 'ok'));
    expect(rows[1]!.attemptTrail.at(-2)).toEqual(attempt(14, 'unavailable'));
  } finally {
    await storage.close();
  }
}
