// Query plans of the request-log queries at 100 000 rows, on SQLite (EXPLAIN QUERY PLAN)
// and MariaDB/MySQL (EXPLAIN). Opt-in (it loads 100 000 rows per dialect):
//   GATEWAY_EXPLAIN_PLANS=1 npx vitest run test/storage/request-logs-plans.test.ts
// Prints every plan and asserts that the listing and retention never scan the whole table.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, Kysely, MysqlDialect, SqliteDialect, type LogEvent } from 'kysely';
import { createPool } from 'mysql2';
import { afterAll, describe, expect, inject, test } from 'vitest';
import type { RequestLogsRepository } from '../../src/domain/request-log.js';
import { openStorage } from '../../src/storage/index.js';
import { createRequestLogsRepository } from '../../src/storage/request-logs-repository.js';
import type { DatabaseSchema, SqlDialectName } from '../../src/storage/schema.js';
import { createFreshMysqlDatabase, type FreshMysqlDatabase } from '../setup/mariadb.js';
import { makeRequestLog } from './fixtures.js';

const ROWS = 100_000;
const NOW = Date.UTC(2026, 10, 26, 12);
const DAY_MS = 86_400_000;
const enabled = process.env.GATEWAY_EXPLAIN_PLANS === '1';

interface Scenario {
  name: string;
  run(repository: RequestLogsRepository): Promise<unknown>;
  /**
   * 'seek': must not read the whole table or a whole index (listings with a filter, narrow aggregates, retention).
   * 'ordered': may walk an index in order, stopping at the LIMIT (the unfiltered listing).
   * 'any': informational (aggregates over a wide range or everything read what they aggregate).
   */
  access: 'seek' | 'ordered' | 'any';
}

const scenarios: Scenario[] = [
  { name: 'list, no filter, first page', access: 'ordered', run: (r) => r.list({}, { limit: 50 }) },
  {
    name: 'list, no filter, a later page (cursor)',
    access: 'seek',
    run: async (r) => r.list({}, { limit: 50, cursor: (await r.list({}, { limit: 50 })).nextCursor }),
  },
  { name: 'list by key', access: 'seek', run: (r) => r.list({ keyId: 'key-17' }, { limit: 50 }) },
  { name: 'list by model (requested OR upstream)', access: 'seek', run: (r) => r.list({ model: 'model-3' }, { limit: 50 }) },
  {
    name: 'list by provider in a time range',
    access: 'seek',
    run: (r) => r.list({ providerId: 'prov-2', from: NOW - 7 * DAY_MS, to: NOW }, { limit: 50 }),
  },
  { name: 'list errors only', access: 'seek', run: (r) => r.list({ status: 'error' }, { limit: 50 }) },
  { name: 'aggregate by key, last 24 hours', access: 'seek', run: (r) => r.aggregate('key', { from: NOW - DAY_MS }) },
  { name: 'aggregate by key, last 7 days', access: 'any', run: (r) => r.aggregate('key', { from: NOW - 7 * DAY_MS }) },
  { name: 'aggregate by day, one key', access: 'seek', run: (r) => r.aggregate('day', { keyId: 'key-17' }) },
  { name: "a key's spend this month (GetKeySpend, budget seeding)", access: 'seek', run: (r) => r.spendOf('key-17', NOW - 30 * DAY_MS, null) },
  { name: 'aggregate by model, everything', access: 'any', run: (r) => r.aggregate('model', {}) },
  { name: 'retention delete (batch of 5000)', access: 'seek', run: (r) => r.deleteOlderThan(NOW - 90 * DAY_MS, 5000) },
];

function generatedRows() {
  return Array.from({ length: ROWS }, (_, index) =>
    makeRequestLog({
      id: `req-${index.toString(36).padStart(6, '0')}`,
      time: NOW - Math.floor((index * 60 * DAY_MS) / ROWS),
      keyId: `key-${index % 200}`,
      requestedModel: index % 10 === 0 ? 'smart' : `model-${index % 20}`,
      upstreamModel: `model-${index % 20}`,
      providerId: `prov-${index % 5}`,
      status: index % 33 === 0 ? 'error' : 'ok',
      latencyMs: 50 + ((index * 7919) % 5000),
    }),
  );
}

/** Runs every scenario through a logging Kysely, then asks the database for the plan of each statement. */
async function explainAll(db: Kysely<DatabaseSchema>, dialect: SqlDialectName, captured: CompiledQuery[]) {
  const repository = createRequestLogsRepository(db, dialect);
  const report: string[] = [];
  const failures: string[] = [];
  for (const scenario of scenarios) {
    captured.length = 0;
    await scenario.run(repository);
    // The cursor scenario fetches page 1 first; the model filter runs one query per model column.
    const statements = scenario.name.includes('cursor') ? captured.slice(-1) : [...captured];
    for (const [index, statement] of statements.entries()) {
      const lines = await explain(db, dialect, statement);
      const label = statements.length > 1 ? ` (statement ${index + 1} of ${statements.length})` : '';
      report.push(`-- ${scenario.name}${label}\n${statement.sql}\n${lines.join('\n')}`);
      const problem = planProblem(dialect, scenario, lines);
      if (problem) failures.push(`${dialect}: ${scenario.name} ${problem}:\n${lines.join('\n')}`);
    }
  }
  console.log(`\n===== ${dialect} plans at ${ROWS} rows =====\n${report.join('\n\n')}\n`);
  expect(failures).toEqual([]);
}

async function explain(db: Kysely<DatabaseSchema>, dialect: SqlDialectName, statement: CompiledQuery): Promise<string[]> {
  const prefix = dialect === 'sqlite' ? 'explain query plan ' : 'explain ';
  const plan = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(prefix + statement.sql, [...statement.parameters]));
  const columns = ['id', 'select_type', 'table', 'type', 'possible_keys', 'key', 'key_len', 'rows', 'Extra'];
  return dialect === 'sqlite'
    ? plan.rows.map((row) => `${String(row.id)}|${String(row.parent)}| ${String(row.detail)}`)
    : plan.rows.map((row) => columns.map((column) => `${column}=${String(row[column] ?? 'NULL')}`).join(' '));
}

/** What is wrong with a plan for its scenario, or null. */
function planProblem(dialect: SqlDialectName, scenario: Scenario, lines: string[]): string | null {
  if (scenario.access === 'any') return null;
  const sqlite = dialect === 'sqlite';
  const wholeTable = lines.some((line) =>
    sqlite
      ? scenario.access === 'seek'
        ? /\| SCAN request_logs\b/.test(line)
        : /\| SCAN request_logs$/.test(line)
      : /table=request_logs type=(ALL|index)\b/.test(line) && !(scenario.access === 'ordered' && /type=index/.test(line)),
  );
  if (wholeTable) return 'reads the whole table or a whole index';
  const listing = scenario.name.startsWith('list');
  const sorts = lines.some((line) => (sqlite ? /USE TEMP B-TREE FOR ORDER BY/.test(line) : /Using filesort/.test(line)));
  if (listing && sorts) return 'sorts instead of reading the index in order';
  return null;
}

const logInto = (captured: CompiledQuery[]) => (event: LogEvent) => {
  if (event.level === 'query') captured.push(event.query);
};

describe.runIf(enabled)('request-log query plans at 100 000 rows', () => {
  let directory = '';
  let mysqlDatabase: FreshMysqlDatabase | null = null;

  afterAll(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
    await mysqlDatabase?.drop();
  });

  test('SQLite: EXPLAIN QUERY PLAN (as deployed: no ANALYZE statistics)', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'gw-plans-'));
    const storage = await openStorage({ dataDir: directory });
    const rows = generatedRows();
    for (let index = 0; index < rows.length; index += 500) await storage.requestLogs.insertBatch(rows.slice(index, index + 500));
    await storage.close();
    const captured: CompiledQuery[] = [];
    const db = new Kysely<DatabaseSchema>({
      dialect: new SqliteDialect({ database: new SqliteDatabase(path.join(directory, 'gateway.db')) }),
      log: logInto(captured),
    });
    try {
      await explainAll(db, 'sqlite', captured);
    } finally {
      await db.destroy();
    }
  }, 300_000);

  test('MariaDB/MySQL: EXPLAIN', async () => {
    const serverUrl = inject('mysqlServerUrl');
    if (serverUrl === null) {
      console.warn('MySQL plans NOT RUN: no server');
      return;
    }
    mysqlDatabase = await createFreshMysqlDatabase(serverUrl);
    const storage = await openStorage({ databaseUrl: mysqlDatabase.url, dataDir: '/unused' });
    const rows = generatedRows();
    for (let index = 0; index < rows.length; index += 500) await storage.requestLogs.insertBatch(rows.slice(index, index + 500));
    await storage.database.db.executeQuery(CompiledQuery.raw('analyze table request_logs'));
    await storage.close();
    const url = new URL(mysqlDatabase.url);
    const captured: CompiledQuery[] = [];
    const db = new Kysely<DatabaseSchema>({
      dialect: new MysqlDialect({
        pool: createPool({
          host: url.hostname,
          port: Number(url.port),
          user: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
          database: url.pathname.slice(1),
          timezone: 'Z',
        }),
      }),
      log: logInto(captured),
    });
    try {
      await explainAll(db, 'mysql', captured);
    } finally {
      await db.destroy();
    }
  }, 300_000);
});
