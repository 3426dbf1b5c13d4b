// The request log's cache writes: cache_write_tokens (of input_tokens, written to the provider's prompt
// cache) and cache_write_1h_tokens (of those, written with a one-hour lifetime, which Anthropic bills at
// twice the input price), so that a row's cost_usd can be recomputed from the row alone.
// Migrations are frozen once released: never edit this file, add 0012-….
//
// NOT NULL DEFAULT 0: rows written before this migration read as 0 (their writes were not recorded), and
// adding the columns needs no table rewrite (SQLite appends them; MySQL 8 / MariaDB 10.3+ add them
// instantly). No index: nothing filters on them.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// Migrations must not depend on the current schema types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export function createRequestLogCacheWritesMigration(): Migration {
  return {
    async up(db: AnyDatabase) {
      for (const column of ['cache_write_tokens', 'cache_write_1h_tokens']) {
        await db.schema
          .alterTable('request_logs')
          .addColumn(column, 'integer', (builder) => builder.notNull().defaultTo(0))
          .execute();
      }
    },
  };
}
