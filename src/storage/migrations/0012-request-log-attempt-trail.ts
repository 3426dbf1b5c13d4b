// The request log's attempt_trail: each upstream attempt of the request (provider, upstream model,
// outcome, upstream status, duration), a JSON array in text, so an operator can see after the fact
// why a request was slow or why another provider served it. Migrations are frozen once released:
// never edit this file, add 0013-….
//
// Nullable, no default: rows written before this migration, and requests no upstream saw, hold null
// (read as no attempts); adding the column needs no table rewrite on either dialect (SQLite appends
// it; MySQL 8 / MariaDB 10.3+ add it instantly). text, not json: MariaDB's json is longtext with a
// check, and the gateway never queries inside it. No index: nothing filters on it.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// Migrations must not depend on the current schema types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export function createRequestLogAttemptTrailMigration(): Migration {
  return {
    async up(db: AnyDatabase) {
      await db.schema.alterTable('request_logs').addColumn('attempt_trail', 'text').execute();
    },
  };
}
