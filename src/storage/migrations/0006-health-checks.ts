// Scheduled health checks, their runs, and leases on background jobs.
// Migrations are frozen once released: never edit this file, add 0007-….
//
// health_checks: one row per check; the name is unique (the console lists checks by name).
// health_check_runs: one row per run, kept until GATEWAY_HEALTH_CHECK_RETENTION_DAYS.
//   health_check_runs_check_time_index (check_id, time, id): ListHealthCheckRuns of one check (an
//     equality prefix walked backwards for newest first, the (time, id) cursor seeking into it), the
//     newest run per check (one index seek each) and the summaries (a check's range of the index).
//   health_check_runs_time_index (time, id): listings across checks, and retention (the rows to delete
//     are the index's head). `id` is spelled out for SQLite (see 0003).
// job_leases: one row per leased job ('health-checks'): who holds it and until when (epoch ms of the
//   holder's clock). Taken with one conditional UPDATE (storage/job-leases-repository.ts).
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SqlDialectName } from '../schema.js';

// Migrations must not depend on the current schema types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export function createHealthChecksMigration(dialect: SqlDialectName): Migration {
  return {
    async up(db: AnyDatabase) {
      await db.schema
        .createTable('health_checks')
        .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
        .addColumn('name', 'varchar(100)', (column) => column.notNull().unique())
        .addColumn('enabled', 'integer', (column) => column.notNull())
        .addColumn('provider_id', 'varchar(200)', (column) => column.notNull())
        .addColumn('upstream_model', 'varchar(200)', (column) => column.notNull())
        .addColumn('route', 'varchar(200)', (column) => column.notNull())
        .addColumn('interval_ms', 'integer', (column) => column.notNull())
        .addColumn('timeout_ms', 'integer', (column) => column.notNull())
        // At most 2 000 characters: fits MySQL's 64 KiB TEXT.
        .addColumn('prompt', 'text', (column) => column.notNull())
        .addColumn('max_output_tokens', 'integer', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .$call(withTableOptions(dialect))
        .execute();

      await db.schema
        .createTable('health_check_runs')
        .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
        .addColumn('check_id', 'varchar(64)', (column) => column.notNull())
        .addColumn('time', 'bigint', (column) => column.notNull())
        .addColumn('ok', 'integer', (column) => column.notNull())
        .addColumn('latency_ms', 'integer', (column) => column.notNull())
        .addColumn('error_kind', 'varchar(32)', (column) => column.notNull())
        .addColumn('error_message', 'varchar(1000)', (column) => column.notNull())
        .addColumn('upstream_status', 'integer', (column) => column.notNull())
        .addColumn('provider_id', 'varchar(200)', (column) => column.notNull())
        .addColumn('upstream_model', 'varchar(200)', (column) => column.notNull())
        .addColumn('attempts', 'integer', (column) => column.notNull())
        .$call(withTableOptions(dialect))
        .execute();
      await db.schema
        .createIndex('health_check_runs_check_time_index')
        .on('health_check_runs')
        .columns(['check_id', 'time', 'id'])
        .execute();
      await db.schema.createIndex('health_check_runs_time_index').on('health_check_runs').columns(['time', 'id']).execute();

      await db.schema
        .createTable('job_leases')
        .addColumn('name', 'varchar(64)', (column) => column.primaryKey())
        .addColumn('holder', 'varchar(200)', (column) => column.notNull())
        .addColumn('expires_at', 'bigint', (column) => column.notNull())
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
