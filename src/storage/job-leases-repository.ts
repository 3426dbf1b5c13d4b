// JobLeasesRepository over Kysely (SQLite or MySQL). Taking a lease is two statements, each atomic
// on its own: an insert that does nothing when the row exists (the first holder ever), then one
// conditional UPDATE that only matches while the caller holds the lease or it has expired. The
// database serialises concurrent UPDATEs of the row (InnoDB row lock, SQLite's single writer), and
// the second one re-evaluates the condition against the first one's write, so at most one wins.
import type { Kysely } from 'kysely';
import type { JobLeasesRepository } from '../domain/job-lease.js';
import { columnToTimestamp, timestampToColumn } from './row-values.js';
import type { DatabaseSchema, SqlDialectName } from './schema.js';

export function createJobLeasesRepository(db: Kysely<DatabaseSchema>, dialect: SqlDialectName): JobLeasesRepository {
  return {
    async tryAcquire(name, holder, now, expiresAt) {
      const until = timestampToColumn(expiresAt, 'expiresAt');
      // An expired row, not a free one: the UPDATE below decides who gets it.
      const insert = db.insertInto('job_leases').values({ name, holder: '', expires_at: 0 });
      await (dialect === 'mysql' ? insert.ignore() : insert.onConflict((conflict) => conflict.column('name').doNothing())).execute();
      const result = await db
        .updateTable('job_leases')
        .set({ holder, expires_at: until })
        .where('name', '=', name)
        .where((eb) => eb.or([eb('holder', '=', holder), eb('expires_at', '<=', timestampToColumn(now, 'now'))]))
        .executeTakeFirst();
      // mysql2 sets CLIENT_FOUND_ROWS: a matched row counts even when nothing changed.
      return result.numUpdatedRows > 0n;
    },

    async release(name, holder) {
      await db.updateTable('job_leases').set({ expires_at: 0 }).where('name', '=', name).where('holder', '=', holder).execute();
    },

    async get(name) {
      const row = await db.selectFrom('job_leases').selectAll().where('name', '=', name).executeTakeFirst();
      if (!row || row.holder === '') return null;
      return { holder: row.holder, expiresAt: columnToTimestamp(row.expires_at, `job_leases.expires_at (${name})`) };
    },
  };
}
