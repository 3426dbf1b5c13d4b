// The request log (one row per request) and per-key spend counters for budgets.
// Migrations are frozen once released: never edit this file, add 0004-….
//
// Indexes on request_logs, each for a UsageService query (RequestLogsRepository):
//   request_logs_time_id_index           (time, id)
//       ListRequests without a key/model/provider/status filter: walked backwards for newest first, the
//       keyset cursor (time, id) seeks into it. AggregateUsage over a time range only. Retention: rows
//       with time < cutoff are the index's head, so each bounded DELETE touches only what it removes.
//   request_logs_key_time_index          (key_id, time, id)
//       ListRequests/AggregateUsage for one key ("what did this key do"): an equality prefix, then the same
//       newest-first walk and cursor seek as above, with no sort.
//   request_logs_provider_time_index     (provider_id, time, id)
//   request_logs_upstream_model_time_index (upstream_model, time, id)
//   request_logs_requested_model_time_index (requested_model, time, id)
//       The provider and model filters. The model filter matches requested OR upstream model, so both
//       columns need an index for the planner to union the two ranges (SQLite MULTI-INDEX OR, MySQL
//       index_merge) instead of scanning the whole table.
//   request_logs_status_time_index       (status, time, id)
//       "Errors only" listings: failures are rare, so the status prefix skips almost every row.
// `id` is spelled out in each index: SQLite appends its rowid (not our text primary key) to secondary
// indexes, and the listing's ORDER BY time DESC, id DESC must come out of the index without a sort.
// InnoDB appends the primary key anyway, so on MySQL the explicit `id` costs nothing.
// Query plans at 100 000 rows (SQLite EXPLAIN QUERY PLAN, MariaDB EXPLAIN), checked for index use:
//   GATEWAY_EXPLAIN_PLANS=1 npx vitest run test/storage/request-logs-plans.test.ts
// Every listing seeks its index and reads it in order (no sort, one page read); retention walks the
// head of (time, id). Aggregates read the rows of their range through (time, id) or (key_id, …) and
// rank latencies in the database; over a wide range MariaDB rightly prefers one table scan.
//
// key_spend: one row per (key, budget period id such as 'month:2026-11' or 'total'); the primary key
// is the only access path (point reads and atomic upserts).
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SqlDialectName } from '../schema.js';

// Migrations must not depend on the current schema types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export function createRequestLogsMigration(dialect: SqlDialectName): Migration {
  return {
    async up(db: AnyDatabase) {
      await createRequestLogsTable(db, dialect);
      await createKeySpendTable(db, dialect);
    },
  };
}

async function createRequestLogsTable(db: AnyDatabase, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('request_logs')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('time', 'bigint', (column) => column.notNull())
    .addColumn('key_id', 'varchar(64)', (column) => column.notNull())
    .addColumn('requested_model', 'varchar(200)', (column) => column.notNull())
    .addColumn('route', 'varchar(200)', (column) => column.notNull())
    .addColumn('expert', 'varchar(200)', (column) => column.notNull())
    .addColumn('provider_id', 'varchar(200)', (column) => column.notNull())
    .addColumn('upstream_model', 'varchar(200)', (column) => column.notNull())
    .addColumn('surface', 'varchar(16)', (column) => column.notNull())
    .addColumn('operation', 'varchar(16)', (column) => column.notNull())
    .addColumn('stream', 'integer', (column) => column.notNull())
    .addColumn('status', 'varchar(16)', (column) => column.notNull())
    .addColumn('error_kind', 'varchar(32)', (column) => column.notNull())
    .addColumn('error_message', 'varchar(1000)', (column) => column.notNull())
    .addColumn('attempts', 'integer', (column) => column.notNull())
    .addColumn('cache_hit', 'integer', (column) => column.notNull())
    .addColumn('input_tokens', 'integer', (column) => column.notNull())
    .addColumn('output_tokens', 'integer', (column) => column.notNull())
    .addColumn('cached_input_tokens', 'integer', (column) => column.notNull())
    .addColumn('reasoning_tokens', 'integer', (column) => column.notNull())
    .addColumn('estimated', 'integer', (column) => column.notNull())
    .addColumn('cost_usd', 'double precision', (column) => column.notNull())
    .addColumn('latency_ms', 'integer', (column) => column.notNull())
    .addColumn('ttft_ms', 'integer')
    .addColumn('client_ip', 'varchar(64)', (column) => column.notNull())
    .addColumn('user_agent', 'varchar(300)', (column) => column.notNull())
    // The request id the client saw (x-request-id, possibly its own); the row id is always the gateway's.
    .addColumn('request_id', 'varchar(200)', (column) => column.notNull())
    // Bodies are capped at 64 KiB of UTF-8 plus a marker: past TEXT's 65 535 bytes on MySQL.
    .addColumn('request_body', largeTextType(dialect))
    .addColumn('response_body', largeTextType(dialect))
    .$call(withTableOptions(dialect))
    .execute();
  const indexes: Array<[string, string[]]> = [
    ['request_logs_time_id_index', ['time', 'id']],
    ['request_logs_key_time_index', ['key_id', 'time', 'id']],
    ['request_logs_provider_time_index', ['provider_id', 'time', 'id']],
    ['request_logs_upstream_model_time_index', ['upstream_model', 'time', 'id']],
    ['request_logs_requested_model_time_index', ['requested_model', 'time', 'id']],
    ['request_logs_status_time_index', ['status', 'time', 'id']],
  ];
  for (const [name, columns] of indexes) {
    await db.schema.createIndex(name).on('request_logs').columns(columns).execute();
  }
}

async function createKeySpendTable(db: AnyDatabase, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('key_spend')
    .addColumn('key_id', 'varchar(64)', (column) => column.notNull())
    .addColumn('period', 'varchar(32)', (column) => column.notNull())
    .addColumn('tokens', 'bigint', (column) => column.notNull())
    .addColumn('cost_usd', 'double precision', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('key_spend_primary_key', ['key_id', 'period'])
    .$call(withTableOptions(dialect))
    .execute();
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
