// Optimistic concurrency for the admin-managed tables: a `version` on every row,
// which every write increments, so an admin read-modify-write applies only when
// the row is still at the version it read (record-table.ts, replaceIfVersion);
// and `write_locks`, whose 'routes' row every route write updates first, so
// route writes take turns across processes (routes-repository.ts, underWriteLock).
// Migrations are frozen once released: never edit this file, add 0011-….
//
// NOT NULL DEFAULT 0: existing rows read as version 0, and adding the column needs no table
// rewrite (SQLite appends it; MySQL 8 / MariaDB 10.3+ add it instantly).
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SqlDialectName } from '../schema.js';

// Migrations must not depend on the current schema types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

const VERSIONED_TABLES = ['providers', 'virtual_keys', 'routes', 'prompt_rules', 'health_checks'] as const;

export function createRecordVersionsMigration(dialect: SqlDialectName): Migration {
  return {
    async up(db: AnyDatabase) {
      for (const table of VERSIONED_TABLES) {
        await db.schema
          .alterTable(table)
          .addColumn('version', 'bigint', (column) => column.notNull().defaultTo(0))
          .execute();
      }
      await db.schema
        .createTable('write_locks')
        .addColumn('name', 'varchar(64)', (column) => column.primaryKey())
        // How many writes took the lock: each one increments it, which is what locks the row.
        .addColumn('writes', 'bigint', (column) => column.notNull())
        .$call((builder) => (dialect === 'mysql' ? builder.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : builder))
        .execute();
      await db.insertInto('write_locks').values({ name: 'routes', writes: 0 }).execute();
    },
  };
}
