// Opens the gateway database: embedded SQLite (better-sqlite3) by default,
// MySQL/MariaDB (mysql2 pool) when DATABASE_URL says mysql://. Only the
// driver in use is imported (the other would only cost memory). Either way an
// unreachable or busy database fails as DatabaseUnavailableError
// (unavailable-dialect.ts), never as a raw driver error.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { CompiledQuery, Kysely, MysqlDialect, SqliteDialect, sql } from 'kysely';
import {
  describeDatabaseTarget,
  resolveDatabaseTarget,
  type MysqlTarget,
  type SqliteTarget,
} from './database-url.js';
import type { DatabaseSchema, SqlDialectName } from './schema.js';
import type BetterSqlite3 from 'better-sqlite3';
import { classifyUnavailable, type DatabaseErrorListener } from './unavailable-dialect.js';
import { withStatementCache } from './sqlite-statement-cache.js';

export interface GatewayDatabase {
  db: Kysely<DatabaseSchema>;
  dialect: SqlDialectName;
  /** Round-trips a trivial query; rejects when the database is unreachable. */
  ping(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
  /** For logs: the URL without the password, or the SQLite file path. */
  description: string;
  /** SQLite only: the connection under Kysely, for prepared statements on hot paths (the request log). */
  sqlite?: BetterSqlite3.Database;
  /** Hears every failed database operation from now on, by kind (the metrics count them). */
  onError(listener: DatabaseErrorListener): void;
}

export interface OpenDatabaseOptions {
  /** DATABASE_URL; unset or blank selects `<dataDir>/gateway.db`. */
  databaseUrl?: string | undefined;
  dataDir: string;
}

const SQLITE_BUSY_TIMEOUT_MS = 5000;
/** Negative: KiB (SQLite's convention). */
const SQLITE_CACHE_SIZE = -2000;
const STRICT_SQL_MODE_STATEMENT =
  "set session sql_mode = concat_ws(',', nullif(@@session.sql_mode, ''), 'STRICT_ALL_TABLES')";

export async function openDatabase(options: OpenDatabaseOptions): Promise<GatewayDatabase> {
  const target = resolveDatabaseTarget(options.databaseUrl, options.dataDir);
  const description = describeDatabaseTarget(target);
  const listeners = new Set<DatabaseErrorListener>();
  const onError: DatabaseErrorListener = (kind) => {
    for (const listener of listeners) listener(kind);
  };
  if (target.dialect === 'sqlite') {
    const { db, sqlite } = await openSqlite(target, onError);
    return wrapDatabase(db, target.dialect, description, listeners, sqlite);
  }
  return wrapDatabase(await openMysql(target, onError), target.dialect, description, listeners);
}

function wrapDatabase(
  db: Kysely<DatabaseSchema>,
  dialect: SqlDialectName,
  description: string,
  listeners: Set<DatabaseErrorListener>,
  sqlite?: BetterSqlite3.Database,
): GatewayDatabase {
  let closing: Promise<void> | null = null;
  return {
    db,
    dialect,
    description,
    ...(sqlite ? { sqlite } : {}),
    onError: (listener) => void listeners.add(listener),
    async ping() {
      await sql`select 1`.execute(db);
    },
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}

async function openSqlite(target: SqliteTarget, onError: DatabaseErrorListener): Promise<{ db: Kysely<DatabaseSchema>; sqlite: BetterSqlite3.Database }> {
  const { default: SqliteDatabase } = await import('better-sqlite3');
  if (target.filename !== ':memory:') mkdirSync(path.dirname(target.filename), { recursive: true });
  const database = new SqliteDatabase(target.filename);
  try {
    // WAL lets readers proceed during a write; busy_timeout covers a second process on the same file.
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    // better-sqlite3 builds SQLite with a 16 MiB page cache, which the growing request log fills (16 MB of
    // RSS); SQLite's own default of 2 MiB is plenty, as the hot path reads nothing and the OS caches the file.
    database.pragma(`cache_size = ${SQLITE_CACHE_SIZE}`);
  } catch (error) {
    database.close();
    throw error;
  }
  return { db: new Kysely<DatabaseSchema>({ dialect: classifyUnavailable(new SqliteDialect({ database: withStatementCache(database) }), onError) }), sqlite: database };
}

async function openMysql(target: MysqlTarget, onError: DatabaseErrorListener): Promise<Kysely<DatabaseSchema>> {
  const { createPool } = await import('mysql2');
  const pool = createPool({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    connectionLimit: target.connectionLimit,
    // Store and read instants as UTC; we keep epoch millis in BIGINT anyway.
    timezone: 'Z',
    // BIGINT stays exact: numbers while safe, strings beyond 2^53 (converted on read).
    supportBigNumbers: true,
    bigNumberStrings: false,
    charset: 'UTF8MB4_UNICODE_CI',
  });
  return new Kysely<DatabaseSchema>({
    dialect: classifyUnavailable(
      new MysqlDialect({
        pool,
        // Strict mode on every connection: an over-long value fails instead of being silently truncated.
        onCreateConnection: async (connection) => {
          await connection.executeQuery(CompiledQuery.raw(STRICT_SQL_MODE_STATEMENT));
        },
      }),
      onError,
    ),
  });
}
