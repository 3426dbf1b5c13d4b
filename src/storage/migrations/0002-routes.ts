// Routes (virtual models): a public model name served by targets with a strategy.
// Migrations are frozen once released: never edit this file, add 0003-….
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SqlDialectName } from '../schema.js';

// Migrations must not depend on the current schema types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export function createRoutesMigration(dialect: SqlDialectName): Migration {
  return {
    async up(db: AnyDatabase) {
      await db.schema
        .createTable('routes')
        .addColumn('name', 'varchar(200)', (column) => column.primaryKey())
        .addColumn('description', 'varchar(1000)', (column) => column.notNull())
        .addColumn('strategy', 'varchar(32)', (column) => column.notNull())
        // JSON documents; at most 50 targets keeps them far below TEXT's 64 KiB on MySQL.
        .addColumn('targets', 'text', (column) => column.notNull())
        .addColumn('settings', 'text', (column) => column.notNull())
        .addColumn('enabled', 'integer', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .$call(withTableOptions(dialect))
        .execute();
    },
  };
}

/** The same table options as 0001 (copied, not imported: released migrations never change). */
function withTableOptions<T extends string, C extends string>(
  dialect: SqlDialectName,
): (builder: CreateTableBuilder<T, C>) => CreateTableBuilder<T, C> {
  return (builder) =>
    dialect === 'mysql'
      ? builder.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`)
      : builder;
}
