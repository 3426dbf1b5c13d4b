// The conformance suite on SQLite, plus SQLite-specific opening behaviour.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrateToLatest, openDatabase, openStorage } from '../../src/storage/index.js';
import type { DatabaseSchema } from '../../src/storage/schema.js';
import { GATEWAY_TABLES, MIGRATION_LOCK_TABLE, MIGRATION_TABLE } from '../../src/storage/migrate.js';
import { migrationsFor } from '../../src/storage/migrations/index.js';
import { runStorageConformance } from './conformance.js';
import { checkCacheWritesUpgrade } from './cache-writes-upgrade.js';
import { checkAttemptTrailUpgrade } from './attempt-trail-upgrade.js';
import { requestLogToRow } from '../../src/storage/request-log-rows.js';
import { providerToRow } from '../../src/storage/provider-rows.js';
import { makeKey, makeProvider, makeRequestLog, makeRoute } from './fixtures.js';

let temporaryDirectory = '';

beforeAll(async () => {
  temporaryDirectory = await mkdtemp(path.join(os.tmpdir(), 'gw-sqlite-test-'));
});

afterAll(async () => {
  await rm(temporaryDirectory, { recursive: true, force: true });
});

describe('SQLite storage conformance', () => {
  // DATABASE_URL unset: the default <dataDir>/gateway.db file.
  runStorageConformance(() => ({ dataDir: path.join(temporaryDirectory, 'conformance') }));
});

describe('opening SQLite', () => {
  test('creates <dataDir>/gateway.db (and the directory) in WAL mode with foreign keys and a busy timeout', async () => {
    const dataDir = path.join(temporaryDirectory, 'nested', 'data');
    const database = await openDatabase({ dataDir });
    try {
      expect(database.dialect).toBe('sqlite');
      expect(database.description).toBe(`sqlite:${path.join(dataDir, 'gateway.db')}`);
      await database.ping();
      expect(existsSync(path.join(dataDir, 'gateway.db'))).toBe(true);
      expect(await pragma(database.db, 'journal_mode')).toBe('wal');
      expect(await pragma(database.db, 'foreign_keys')).toBe(1);
      expect(await pragma(database.db, 'busy_timeout')).toBe(5000);
      expect(await migrateToLatest(database)).toEqual({ applied: Object.keys(migrationsFor('sqlite')) });
      expect(await migrateToLatest(database)).toEqual({ applied: [] });
    } finally {
      await database.close();
    }
  });

  test('accepts sqlite:///absolute, sqlite:relative and sqlite::memory: URLs', async () => {
    const absolute = path.join(temporaryDirectory, 'absolute.db');
    const fromAbsolute = await openDatabase({ databaseUrl: `sqlite://${absolute}`, dataDir: '/unused' });
    expect(fromAbsolute.description).toBe(`sqlite:${absolute}`);
    await fromAbsolute.close();
    expect(existsSync(absolute)).toBe(true);

    const relative = path.relative(process.cwd(), path.join(temporaryDirectory, 'relative.db'));
    const fromRelative = await openDatabase({ databaseUrl: `sqlite:${relative}`, dataDir: '/unused' });
    expect(fromRelative.description).toBe(`sqlite:${path.join(temporaryDirectory, 'relative.db')}`);
    await fromRelative.close();

    const memory = await openStorage({ databaseUrl: 'sqlite::memory:', dataDir: '/unused' });
    try {
      expect(memory.database.description).toBe('sqlite::memory:');
      await memory.keys.insert(makeKey());
      expect(await memory.keys.get('key-1')).toEqual(makeKey());
    } finally {
      await memory.close();
    }
  });

  test('a database at 0001 is upgraded forward to the latest and keeps its data', async () => {
    const dataDir = path.join(temporaryDirectory, 'upgrade');
    const database = await openDatabase({ dataDir });
    try {
      const { '0001-initial': initial } = migrationsFor('sqlite');
      const onlyInitial = new Migrator({
        db: database.db,
        provider: { getMigrations: async () => ({ '0001-initial': initial! }) },
        migrationTableName: MIGRATION_TABLE,
        migrationLockTableName: MIGRATION_LOCK_TABLE,
      });
      expect((await onlyInitial.migrateToLatest()).error).toBeUndefined();
    } finally {
      await database.close();
    }
    const before = await openDatabase({ dataDir });
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(before.db);
    expect(tables.rows.map((row) => row.name)).not.toContain('routes');
    await before.close();

    // openStorage would migrate; seed the 0001 database through the bare connection instead.
    const seed = await openDatabase({ dataDir });
    await seed.db.insertInto('gateway_settings').values({ name: 'kept', value: 'yes' }).execute();
    await seed.close();

    const upgraded = await openDatabase({ dataDir });
    try {
      expect(await migrateToLatest(upgraded)).toEqual({ applied: Object.keys(migrationsFor('sqlite')).slice(1) });
    } finally {
      await upgraded.close();
    }
    const storage = await openStorage({ dataDir });
    try {
      expect(await storage.settings.get('kept')).toBe('yes');
      await storage.providers.insert(makeProvider());
      await storage.routes.insert(makeRoute());
      expect(await storage.routes.get('smart')).toEqual(makeRoute());
    } finally {
      await storage.close();
    }
  });

  test('0009 adds providers.upstream_limits: providers written before it read with no quota and the default queue', async () => {
    const dataDir = path.join(temporaryDirectory, 'quota-upgrade');
    const database = await openDatabase({ dataDir });
    const provider = makeProvider({ id: 'old-provider' });
    try {
      const before0009 = Object.fromEntries(Object.entries(migrationsFor('sqlite')).filter(([name]) => name < '0009'));
      const migrator = new Migrator({
        db: database.db,
        provider: { getMigrations: async () => before0009 },
        migrationTableName: MIGRATION_TABLE,
        migrationLockTableName: MIGRATION_LOCK_TABLE,
      });
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const { upstream_limits: _absent, ...oldRow } = providerToRow(provider);
      await database.db.insertInto('providers').values(oldRow as never).execute();
      expect((await migrateToLatest(database)).applied).toContain('0009-upstream-quotas');
    } finally {
      await database.close();
    }
    const storage = await openStorage({ dataDir });
    try {
      const read = await storage.providers.get('old-provider');
      expect(read).toEqual(provider);
      expect(read).not.toHaveProperty('quota');
      expect(read).not.toHaveProperty('queue');
    } finally {
      await storage.close();
    }
  });

  test('0007 adds request_logs.trace_id: rows written before it read with no trace, new rows keep theirs', async () => {
    const dataDir = path.join(temporaryDirectory, 'trace-id-upgrade');
    const database = await openDatabase({ dataDir });
    try {
      const all = migrationsFor('sqlite');
      const before0007 = Object.fromEntries(Object.entries(all).filter(([name]) => name < '0007'));
      const migrator = new Migrator({
        db: database.db,
        provider: { getMigrations: async () => before0007 },
        migrationTableName: MIGRATION_TABLE,
        migrationLockTableName: MIGRATION_LOCK_TABLE,
      });
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      // A row as the gateway wrote it before the column existed.
      // (Without the later migrations' columns too: they do not exist yet either.)
      const { trace_id: _absent, cache_write_tokens: _writes, cache_write_1h_tokens: _hour, attempt_trail: _trail, ...oldRow } = requestLogToRow(makeRequestLog({ id: 'old-row', time: 1 }));
      await database.db.insertInto('request_logs').values(oldRow as never).execute();
      // 0007 first, then whatever later migrations exist.
      expect((await migrateToLatest(database)).applied[0]).toBe('0007-request-log-trace-id');
    } finally {
      await database.close();
    }
    const storage = await openStorage({ dataDir });
    try {
      await storage.requestLogs.insertBatch([makeRequestLog({ id: 'new-row', time: 2, traceId: '0af7651916cd43dd8448eb211c80319c' })]);
      const rows = (await storage.requestLogs.list({}, { limit: 10 })).items.map((row) => [row.id, row.traceId]);
      expect(rows).toEqual([
        ['new-row', '0af7651916cd43dd8448eb211c80319c'],
        ['old-row', ''],
      ]);
    } finally {
      await storage.close();
    }
  });

  test('0011 adds request_logs.cache_write_tokens and cache_write_1h_tokens: rows written before it read 0', async () => {
    await checkCacheWritesUpgrade({ dataDir: path.join(temporaryDirectory, 'cache-writes-upgrade') });
  });

  test('0012 adds request_logs.attempt_trail: rows written before it read with no attempts, a long chain is capped', async () => {
    await checkAttemptTrailUpgrade({ dataDir: path.join(temporaryDirectory, 'attempt-trail-upgrade') });
  });

  test('GATEWAY_TABLES names every table the migrations create', async () => {
    const database = await openDatabase({ databaseUrl: 'sqlite::memory:', dataDir: '/unused' });
    try {
      await migrateToLatest(database);
      const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(database.db);
      expect(tables.rows.map((row) => row.name).sort()).toEqual([...GATEWAY_TABLES, MIGRATION_TABLE, MIGRATION_LOCK_TABLE].sort());
    } finally {
      await database.close();
    }
  });

  test('another program\'s database (tables named like the gateway\'s, no migration recorded) is refused before anything is written', async () => {
    const file = path.join(temporaryDirectory, 'old-gateway.db');
    const foreign = await openDatabase({ databaseUrl: `sqlite://${file}`, dataDir: '/unused' });
    await sql`create table providers (id text primary key, base_url text not null)`.execute(foreign.db);
    await sql`create table virtual_keys (id text primary key, key_value text)`.execute(foreign.db);
    await foreign.close();
    const refused = openStorage({ databaseUrl: `sqlite://${file}`, dataDir: '/unused' });
    await expect(refused).rejects.toThrow(/already holds tables named like the gateway's \(providers, virtual_keys\) but no record of its migrations/);
    await expect(refused).rejects.toThrow(/Give the gateway a separate, empty database in DATABASE_URL/);
    const after = await openDatabase({ databaseUrl: `sqlite://${file}`, dataDir: '/unused' });
    try {
      const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(after.db);
      expect(tables.rows.map((row) => row.name).sort()).toEqual(['providers', 'virtual_keys']);
    } finally {
      await after.close();
    }
  });

  test('a second process-style open of the same file sees committed data', async () => {
    const dataDir = path.join(temporaryDirectory, 'shared');
    const writer = await openStorage({ dataDir });
    const reader = await openStorage({ dataDir });
    try {
      await writer.keys.insert(makeKey());
      expect(await reader.keys.get('key-1')).toEqual(makeKey());
    } finally {
      await writer.close();
      await reader.close();
    }
  });
});

async function pragma(db: Kysely<DatabaseSchema>, name: string): Promise<unknown> {
  const result = await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db);
  return Object.values(result.rows[0] ?? {})[0];
}
