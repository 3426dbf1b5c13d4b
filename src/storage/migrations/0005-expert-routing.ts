// Expert routing: the config of 'expert' routes and the classifier's recorded decisions.
// Migrations are frozen once released: never edit this file, add 0006-….
//
// routes.expert: the ExpertRoutingRecord as JSON in TEXT (nullable: only expert routes have one).
//   Up to 50 experts with examples fit MEDIUMTEXT on MySQL comfortably; plain TEXT (64 KiB) would not.
// expert_decisions: one row per decision. expert_decisions_route_time_index (route, time, id) serves
//   ListExpertDecisions: an equality prefix on the route, walked backwards for newest first, the keyset
//   cursor (time, id) seeking into it. `id` is spelled out for SQLite (see 0003).
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SqlDialectName } from '../schema.js';

// Migrations must not depend on the current schema types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export function createExpertRoutingMigration(dialect: SqlDialectName): Migration {
  return {
    async up(db: AnyDatabase) {
      await db.schema.alterTable('routes').addColumn('expert', largeTextType(dialect)).execute();
      await db.schema
        .createTable('expert_decisions')
        .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
        .addColumn('request_id', 'varchar(200)', (column) => column.notNull())
        .addColumn('time', 'bigint', (column) => column.notNull())
        .addColumn('route', 'varchar(200)', (column) => column.notNull())
        .addColumn('classifier', 'varchar(16)', (column) => column.notNull())
        .addColumn('expert', 'varchar(64)', (column) => column.notNull())
        .addColumn('source', 'varchar(16)', (column) => column.notNull())
        .addColumn('latency_ms', 'integer', (column) => column.notNull())
        .addColumn('tokens', 'integer', (column) => column.notNull())
        .$call(withTableOptions(dialect))
        .execute();
      await db.schema
        .createIndex('expert_decisions_route_time_index')
        .on('expert_decisions')
        .columns(['route', 'time', 'id'])
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

function largeTextType(dialect: SqlDialectName) {
  return dialect === 'mysql' ? sql`mediumtext` : sql`text`;
}
