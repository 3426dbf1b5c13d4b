// How many rows one background write or delete touches, by database. better-sqlite3 runs every statement
// on the event loop's own thread, so a batch of N rows holds every request in flight for N times the
// per-row cost: on SQLite batches stay within a few milliseconds (a request-log row costs 10–13 µs to insert
// with its seven indexes and ~3.5 µs to delete: docs/performance.md, "The request log's batches"). MySQL's
// statements are I/O the loop does not wait for, and larger batches mean fewer round trips.
import type { SqlDialectName } from './schema.js';

export interface BatchRows {
  /** Request-log rows per insert (the request-log writer's batches). */
  requestLogInsert: number;
  /** Rows per delete of the retention jobs (request log, stored responses, health-check runs). */
  retentionDelete: number;
}

const SQLITE: BatchRows = { requestLogInsert: 128, retentionDelete: 500 };
const MYSQL: BatchRows = { requestLogInsert: 500, retentionDelete: 5_000 };

export function batchRowsFor(dialect: SqlDialectName): BatchRows {
  return dialect === 'sqlite' ? SQLITE : MYSQL;
}
