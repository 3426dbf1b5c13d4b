// RequestLogsRepository over Kysely (SQLite or MySQL): batched idempotent inserts,
// newest-first keyset listing, aggregates with percentiles, a key's spend in a range,
// bounded retention deletes.
//
// Percentiles are computed in SQL on both dialects with window functions (SQLite ≥ 3.25,
// MySQL 8, MariaDB 10.2, TiDB): each row gets its rank by latency within its group and
// the group's size, and the outer GROUP BY keeps the latency whose rank is the nearest
// rank ⌈p·n⌉ (the p-th percentile by the nearest-rank method, an observed value). The
// sort happens inside the database and only one row per group comes back, instead of
// every latency of a possibly million-row range travelling to the process.
import { sql, type ExpressionBuilder, type Kysely, type RawBuilder } from 'kysely';
import { decodeCreatedAtIdCursor } from './cursor.js';
import { listPage } from './paged-list.js';
import type { RequestLogFilter, RequestLogsRepository, UsageAggregateRow, UsageGrouping } from '../domain/request-log.js';
import { requestLogToRow, rowToRequestLog, toNumber, type NewRequestLogRow } from './request-log-rows.js';
import type { DatabaseSchema, SqlDialectName } from './schema.js';
import type BetterSqlite3 from 'better-sqlite3';
import { createSqliteRowInsert } from './sqlite-request-log-insert.js';
import { booleanToColumn } from './row-values.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** 32 parameters a row: 500 rows stay far below SQLite's 32 766 and MySQL's 65 535 placeholders. */
const MAX_ROWS_PER_STATEMENT = 500;
/** Keeps one INSERT well inside MySQL's max_allowed_packet (16 MiB by default on MariaDB) with bodies logged. */
const MAX_BYTES_PER_STATEMENT = 4 * 1024 * 1024;
const ROW_OVERHEAD_BYTES = 2048;

type LogsExpressions = ExpressionBuilder<DatabaseSchema, 'request_logs'>;

/** `sqlite`: the connection under `db` when it is SQLite; inserts then use a prepared statement. */
export function createRequestLogsRepository(db: Kysely<DatabaseSchema>, dialect: SqlDialectName, sqlite?: BetterSqlite3.Database): RequestLogsRepository {
  const sqliteInsert = sqlite ? createSqliteRowInsert(sqlite) : undefined;
  return {
    async insertBatch(records) {
      if (records.length === 0) return;
      const rows = records.map(requestLogToRow);
      if (sqliteInsert?.(rows)) return;
      const chunks = chunkRows(rows);
      await db.transaction().execute(async (trx) => {
        for (const chunk of chunks) {
          const insert = trx.insertInto('request_logs').values(chunk);
          // Idempotent on id: a batch retried after an ambiguous failure skips what was written.
          await (dialect === 'mysql' ? insert.ignore() : insert.onConflict((conflict) => conflict.column('id').doNothing())).execute();
        }
      });
    },

    list(filter, { limit, cursor }) {
      return listPage({ limit, cursor }, {
        decodeCursor: decodeCreatedAtIdCursor,
        fetch: async (rowCount, after) => {
          const page = (modelColumn?: ModelColumn) => {
            let query = db
              .selectFrom('request_logs')
              .selectAll()
              .where((eb) => filterExpression(eb, filter, modelColumn))
              .orderBy('time', 'desc')
              .orderBy('id', 'desc')
              .limit(rowCount);
            if (after) {
              // `time <= t` is the index range both planners seek on; the OR only filters the boundary instant.
              query = query
                .where('time', '<=', after.createdAt)
                .where((eb) => eb.or([eb('time', '<', after.createdAt), eb('id', '<', after.id)]));
            }
            return query.execute();
          };
          // "requested OR upstream model" as one query makes both planners collect every row of the model and
          // sort them for each page; two index-ordered queries of one page each, merged here, read one page each.
          return filter.model ? mergeNewestFirst(await page('requested_model'), await page('upstream_model'), rowCount) : page();
        },
        toItem: rowToRequestLog,
        sortKeyOf: (record) => [record.time, record.id],
      });
    },

    async aggregate(grouping, filter) {
      const group = groupExpression(grouping, dialect);
      const latency = sql.ref('latency_ms');
      const ranked = db
        .selectFrom('request_logs')
        .where((eb) => filterExpression(eb, filter))
        .select([
          group.as('grp'),
          'status',
          'cache_hit',
          'input_tokens',
          'output_tokens',
          'cached_input_tokens',
          'cache_write_tokens',
          'cost_usd',
          'latency_ms',
          sql<number>`row_number() over (partition by ${group} order by ${latency})`.as('rn'),
          sql<number>`count(*) over (partition by ${group})`.as('cnt'),
        ]);
      const rows = await db
        .selectFrom(ranked.as('ranked'))
        .select((eb) => [
          'grp',
          eb.fn.countAll().as('requests'),
          sql<number>`sum(case when ${sql.ref('status')} <> 'ok' then 1 else 0 end)`.as('errors'),
          // A cache hit's row keeps the tokens it served, but no provider processed them: counted apart, so the
          // token sums agree with the key's spend and the token metrics, which leave hits out too.
          tokenSum('provider', 'input_tokens').as('input_tokens'),
          tokenSum('provider', 'output_tokens').as('output_tokens'),
          tokenSum('provider', 'cached_input_tokens').as('cached_input_tokens'),
          tokenSum('provider', 'cache_write_tokens').as('cache_write_tokens'),
          tokenSum('hits', 'input_tokens').as('cache_hit_input_tokens'),
          tokenSum('hits', 'output_tokens').as('cache_hit_output_tokens'),
          sql<number>`sum(case when ${hit} then 1 else 0 end)`.as('cache_hits'),
          eb.fn.sum('cost_usd').as('cost_usd'),
          sql<number>`max(case when ${nearestRank(50)} then ${latency} end)`.as('p50'),
          sql<number>`max(case when ${nearestRank(95)} then ${latency} end)`.as('p95'),
        ])
        .groupBy('grp')
        .orderBy('grp')
        .execute();
      return rows.map(
        (row): UsageAggregateRow => ({
          group: grouping === 'day' ? utcDay(toNumber(row.grp)) : grouping === 'hour' ? utcHour(toNumber(row.grp)) : String(row.grp),
          requests: toNumber(row.requests),
          errors: toNumber(row.errors),
          inputTokens: toNumber(row.input_tokens),
          outputTokens: toNumber(row.output_tokens),
          cachedInputTokens: toNumber(row.cached_input_tokens),
          cacheWriteTokens: toNumber(row.cache_write_tokens),
          cacheHits: toNumber(row.cache_hits),
          cacheHitInputTokens: toNumber(row.cache_hit_input_tokens),
          cacheHitOutputTokens: toNumber(row.cache_hit_output_tokens),
          costUsd: toNumber(row.cost_usd),
          p50LatencyMs: toNumber(row.p50),
          p95LatencyMs: toNumber(row.p95),
        }),
      );
    },

    async spendOf(keyId, from, to) {
      // Through the (key_id, time, id) index: the key's rows of the range only. A cache hit's row carries the
      // stored answer's usage but cost 0, and a budget charges it nothing: left out, so its tokens are too.
      let query = db
        .selectFrom('request_logs')
        .where('key_id', '=', keyId)
        .where('time', '>=', from)
        .where('cache_hit', '=', booleanToColumn(false));
      if (to !== null) query = query.where('time', '<', to);
      const row = await query
        .select((eb) => [
          sql<number | string | null>`sum(${sql.ref('input_tokens')} + ${sql.ref('output_tokens')})`.as('tokens'),
          eb.fn.sum('cost_usd').as('cost_usd'),
        ])
        .executeTakeFirst();
      return { tokens: toNumber(row?.tokens), costUsd: toNumber(row?.cost_usd) };
    },

    async deleteOlderThan(cutoff, limit) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError('Delete limit must be a positive integer');
      // Oldest first through the (time, id) index, so each statement touches only what it deletes. The full
      // (time, id) order makes the row set deterministic, which statement-based replication requires with LIMIT.
      const result =
        dialect === 'mysql'
          ? await db
              .deleteFrom('request_logs')
              .where('time', '<', cutoff)
              .orderBy('time')
              .orderBy('id')
              .limit(limit)
              .executeTakeFirst()
          : await db
              .deleteFrom('request_logs')
              .where('id', 'in', (eb) =>
                eb.selectFrom('request_logs').select('id').where('time', '<', cutoff).orderBy('time').orderBy('id').limit(limit),
              )
              .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

type ModelColumn = 'requested_model' | 'upstream_model';

/** Filters combine with AND; null/undefined/empty means "no filter". `modelColumn` narrows the model filter to one column. */
function filterExpression(eb: LogsExpressions, filter: RequestLogFilter, modelColumn?: ModelColumn) {
  const conditions = [];
  if (filter.keyId) conditions.push(eb('key_id', '=', filter.keyId));
  if (filter.model && modelColumn) conditions.push(eb(modelColumn, '=', filter.model));
  else if (filter.model) {
    conditions.push(eb.or([eb('requested_model', '=', filter.model), eb('upstream_model', '=', filter.model)]));
  }
  if (filter.providerId) conditions.push(eb('provider_id', '=', filter.providerId));
  if (filter.status) conditions.push(eb('status', '=', filter.status));
  if (filter.from !== null && filter.from !== undefined) conditions.push(eb('time', '>=', filter.from));
  if (filter.to !== null && filter.to !== undefined) conditions.push(eb('time', '<', filter.to));
  return eb.and(conditions);
}

/** Two pages sorted newest first → their union (a row may be in both), newest first, at most `limit`. */
function mergeNewestFirst<Row extends { id: string; time: unknown }>(left: Row[], right: Row[], limit: number): Row[] {
  const byId = new Map<string, Row>();
  for (const row of [...left, ...right]) byId.set(row.id, row);
  return [...byId.values()]
    .sort((a, b) => toNumber(b.time) - toNumber(a.time) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, limit);
}

/**
 * Day groups are whole UTC days since the epoch, formatted here so neither session time zone matters.
 * On SQLite the column is written `+col` (a no-op) so that the planner does not walk a whole
 * (column, …) index just to get the partition order, when a time-range index would read far fewer rows.
 */
function groupExpression(grouping: UsageGrouping, dialect: SqlDialectName): RawBuilder<string | number> {
  const column = (name: 'key_id' | 'upstream_model' | 'provider_id') =>
    dialect === 'sqlite' ? sql<string>`+${sql.ref(name)}` : sql<string>`${sql.ref(name)}`;
  switch (grouping) {
    case 'key':
      return column('key_id');
    case 'model':
      return column('upstream_model');
    case 'provider':
      return column('provider_id');
    case 'day':
      // Integer division on both: SQLite's `/` of two integers truncates, MySQL needs DIV.
      return dialect === 'mysql' ? sql`(${sql.ref('time')} div ${sql.lit(DAY_MS)})` : sql`(${sql.ref('time')} / ${sql.lit(DAY_MS)})`;
    case 'hour':
      return dialect === 'mysql' ? sql`(${sql.ref('time')} div ${sql.lit(HOUR_MS)})` : sql`(${sql.ref('time')} / ${sql.lit(HOUR_MS)})`;
  }
}

const hit = sql<boolean>`${sql.ref('cache_hit')} = ${sql.lit(booleanToColumn(true))}`;

/** A token column summed over the rows a provider served (`provider`: cache hits left out) or over the cache hits only. */
function tokenSum(rows: 'provider' | 'hits', column: 'input_tokens' | 'output_tokens' | 'cached_input_tokens' | 'cache_write_tokens') {
  const [onHit, otherwise] = rows === 'hits' ? [sql.ref(column), sql.lit(0)] : [sql.lit(0), sql.ref(column)];
  return sql<number | string | null>`sum(case when ${hit} then ${onHit} else ${otherwise} end)`;
}

/** The row whose rank r is ⌈p·n/100⌉, i.e. (r−1)·100 < p·n ≤ r·100, in integers on both dialects. */
function nearestRank(percent: number): RawBuilder<boolean> {
  const rank = sql.ref('rn');
  const count = sql.ref('cnt');
  const p = sql.lit(percent);
  return sql<boolean>`(${rank} - 1) * 100 < ${count} * ${p} and ${rank} * 100 >= ${count} * ${p}`;
}

function utcDay(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** e.g. 2026-12-04T09:00Z: the hour's start, UTC. */
function utcHour(hourNumber: number): string {
  return `${new Date(hourNumber * HOUR_MS).toISOString().slice(0, 13)}:00Z`;
}

/** Splits rows so that no statement exceeds the placeholder or packet budget. */
function chunkRows(rows: NewRequestLogRow[]): NewRequestLogRow[][] {
  const chunks: NewRequestLogRow[][] = [];
  let current: NewRequestLogRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = ROW_OVERHEAD_BYTES + bodyBytes(row.request_body) + bodyBytes(row.response_body);
    if (current.length > 0 && (current.length >= MAX_ROWS_PER_STATEMENT || bytes + size > MAX_BYTES_PER_STATEMENT)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function bodyBytes(body: string | null | undefined): number {
  return body ? Buffer.byteLength(body, 'utf8') : 0;
}

