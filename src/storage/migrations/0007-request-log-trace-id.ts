// The request log's trace_id: the trace (W3C trace id, 32 lowercase hex digits) a row belongs to when
// tracing is on, '' otherwise, so a row leads to its trace in the tracing backend.
// Migrations are frozen once released: never edit this file, add 0007-….
//
// NOT NULL with a default: rows written before this migration read as '' (no trace), and adding the
// column needs no table rewrite on either dialect (SQLite appends it; MySQL 8 / MariaDB 10.3+ add it
// instantly). No index: rows are found by the existing filters, the trace from the row.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// Migrations must not depend on the current schema types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export function createRequestLogTraceIdMigration(): Migration {
  return {
    async up(db: AnyDatabase) {
      await db.schema
        .alterTable('request_logs')
        .addColumn('trace_id', 'varchar(32)', (column) => column.notNull().defaultTo(''))
        .execute();
    },
  };
}
