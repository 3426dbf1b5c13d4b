// HealthCheckRunsRepository over Kysely (SQLite or MySQL): newest-first keyset listing,
// the newest run per check, summaries with a percentile, bounded retention deletes.
//
// Summaries are one statement per range, like the request log's aggregates: each run gets its rank
// by latency within (check, ok) and that partition's size (window functions: SQLite ≥ 3.25, MySQL 8,
// MariaDB 10.2), and the outer GROUP BY keeps the successful run whose rank is the nearest rank
// ⌈0.95·n⌉. Only one row per check comes back.
import { sql, type Kysely } from 'kysely';
import type { HealthCheckRunRecord, HealthCheckRunsRepository, HealthCheckRunSummary } from '../domain/health-check.js';
import { decodeCreatedAtIdCursor } from './cursor.js';
import { rowToRun, runToRow } from './health-check-rows.js';
import { listPage } from './paged-list.js';
import { toNumber } from './request-log-rows.js';
import type { DatabaseSchema, SqlDialectName } from './schema.js';

/** Point reads of the newest run run this many at a time (a MySQL pool has ten connections). */
const LATEST_CONCURRENCY = 8;

export function createHealthCheckRunsRepository(db: Kysely<DatabaseSchema>, dialect: SqlDialectName): HealthCheckRunsRepository {
  const newest = async (checkId: string) =>
    db
      .selectFrom('health_check_runs')
      .selectAll()
      .where('check_id', '=', checkId)
      .orderBy('time', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();

  return {
    async insert(run) {
      await db.insertInto('health_check_runs').values(runToRow(run)).execute();
    },

    list(filter, { limit, cursor }) {
      return listPage({ limit, cursor }, {
        decodeCursor: decodeCreatedAtIdCursor,
        fetch: (rowCount, after) => {
          let query = db
            .selectFrom('health_check_runs')
            .selectAll()
            .where((eb) => {
              const conditions = [];
              if (filter.checkId) conditions.push(eb('check_id', '=', filter.checkId));
              if (filter.from !== null && filter.from !== undefined) conditions.push(eb('time', '>=', filter.from));
              if (filter.to !== null && filter.to !== undefined) conditions.push(eb('time', '<', filter.to));
              if (filter.failuresOnly) conditions.push(eb('ok', '=', 0));
              return eb.and(conditions);
            })
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
        },
        toItem: rowToRun,
        sortKeyOf: (run) => [run.time, run.id],
      });
    },

    async latest(checkIds) {
      // One index seek per check: a GROUP BY over every run would read the whole table on SQLite.
      const found = new Map<string, HealthCheckRunRecord>();
      const ids = [...new Set(checkIds)];
      for (let start = 0; start < ids.length; start += LATEST_CONCURRENCY) {
        const rows = await Promise.all(ids.slice(start, start + LATEST_CONCURRENCY).map(newest));
        for (const row of rows) if (row) found.set(row.check_id, rowToRun(row));
      }
      return found;
    },

    async summarize(checkIds, from, to) {
      const summaries = new Map<string, HealthCheckRunSummary>();
      if (checkIds.length === 0) return summaries;
      const inRange = db
        .selectFrom('health_check_runs')
        .where('check_id', 'in', [...checkIds])
        .where('time', '>=', from)
        .where('time', '<', to);
      const latency = sql.ref('latency_ms');
      const ranked = inRange.select([
        'check_id',
        'ok',
        'latency_ms',
        sql<number>`row_number() over (partition by ${sql.ref('check_id')}, ${sql.ref('ok')} order by ${latency})`.as('rn'),
        sql<number>`count(*) over (partition by ${sql.ref('check_id')}, ${sql.ref('ok')})`.as('cnt'),
      ]);
      const rows = await db
        .selectFrom(ranked.as('ranked'))
        .select((eb) => [
          'check_id',
          eb.fn.countAll().as('runs'),
          sql<number>`sum(case when ${sql.ref('ok')} = 0 then 1 else 0 end)`.as('failures'),
          sql<number>`avg(case when ${sql.ref('ok')} = 1 then ${latency} end)`.as('average'),
          sql<number>`max(case when ${sql.ref('ok')} = 1 and (${sql.ref('rn')} - 1) * 100 < ${sql.ref('cnt')} * 95 and ${sql.ref('rn')} * 100 >= ${sql.ref('cnt')} * 95 then ${latency} end)`.as(
            'p95',
          ),
        ])
        .groupBy('check_id')
        .execute();
      // The newest failure per check: its time first (a range of each check's index), then its row.
      const failedAt = await inRange
        .where('ok', '=', 0)
        .select((eb) => ['check_id', eb.fn.max('time').as('time')])
        .groupBy('check_id')
        .execute();
      const lastFailures = new Map<string, HealthCheckRunRecord>();
      for (const { check_id: checkId, time } of failedAt) {
        const candidates = await db
          .selectFrom('health_check_runs')
          .selectAll()
          .where('check_id', '=', checkId)
          .where('time', '=', toNumber(time))
          .where('ok', '=', 0)
          .orderBy('id', 'desc')
          .limit(1)
          .execute();
        if (candidates[0]) lastFailures.set(checkId, rowToRun(candidates[0]));
      }
      for (const row of rows) {
        const nullable = (value: unknown) => (value === null || value === undefined ? null : toNumber(value));
        summaries.set(row.check_id, {
          runs: toNumber(row.runs),
          failures: toNumber(row.failures),
          averageLatencyMs: nullable(row.average),
          p95LatencyMs: nullable(row.p95),
          lastFailure: lastFailures.get(row.check_id) ?? null,
        });
      }
      return summaries;
    },

    async deleteOlderThan(cutoff, limit) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError('Delete limit must be a positive integer');
      // Oldest first through (time, id), as the request log's retention does (see request-logs-repository.ts).
      const result =
        dialect === 'mysql'
          ? await db.deleteFrom('health_check_runs').where('time', '<', cutoff).orderBy('time').orderBy('id').limit(limit).executeTakeFirst()
          : await db
              .deleteFrom('health_check_runs')
              .where('id', 'in', (eb) =>
                eb.selectFrom('health_check_runs').select('id').where('time', '<', cutoff).orderBy('time').orderBy('id').limit(limit),
              )
              .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
