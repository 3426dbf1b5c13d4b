// Kysely's SQLite driver prepares every query it runs (`db.prepare(sql)` each time): compiling the SQL
// again on every request-path read and write — the key-spend upsert of every budgeted request, the
// key lookups — measured at about a tenth of the gateway's CPU for a key with limits and a budget.
// Kysely compiles a query shape to the same SQL text every time (values go as parameters), so the
// statements are kept per SQL text, a bounded number of them (lru-cache: the request-log batches have
// one text per batch size). A kept statement still iterating (a streamed select) is not handed out
// again; that caller gets a fresh one. SQLite re-prepares a kept statement itself after a schema change.
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import { LRUCache } from 'lru-cache';

/** Distinct SQL texts kept: the repositories' query shapes and the batch sizes of the request log. */
const STATEMENTS_KEPT = 512;

export function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new LRUCache<string, BetterSqlite3.Statement>({ max: STATEMENTS_KEPT });
  return {
    prepare(sql: string) {
      const kept = statements.get(sql);
      if (kept && !kept.busy) return kept;
      const statement = database.prepare(sql);
      if (!kept) statements.set(sql, statement);
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
