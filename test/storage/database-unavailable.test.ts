// Storage reports an unreachable or busy database as DatabaseUnavailableError
// (a GatewayError `unavailable`, so every edge answers 503), whatever query or
// transaction met it; every other driver error passes through unchanged. Each
// failure is reported to the database's error listeners by kind (the metrics).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError } from '../../src/domain/database-unavailable-error.js';
import { GatewayError } from '../../src/domain/gateway-error.js';
import { StorageConflictError } from '../../src/domain/storage-conflict-error.js';
import { openDatabase, openStorage, type GatewayStorage } from '../../src/storage/index.js';
import { unavailableCode } from '../../src/storage/storage-errors.js';
import { makeKey } from './fixtures.js';

const withCode = (code: string, extra: object = {}) => Object.assign(new Error(code), { code, ...extra });

describe('unavailableCode: which driver errors mean "the database cannot answer right now"', () => {
  it.each([
    ['mysql2: connection refused', withCode('ECONNREFUSED', { errno: -111, fatal: true }), 'ECONNREFUSED'],
    ['mysql2: connection lost', withCode('PROTOCOL_CONNECTION_LOST', { fatal: true }), 'PROTOCOL_CONNECTION_LOST'],
    ['mysql2: a closed connection reused (no code, fatal)', Object.assign(new Error("Can't add new command when connection is in closed state"), { fatal: true }), 'connection closed'],
    ['server shutting down', withCode('ER_SERVER_SHUTDOWN', { errno: 1053 }), 'ER_SERVER_SHUTDOWN'],
    ['too many connections', withCode('ER_CON_COUNT_ERROR', { errno: 1040 }), 'ER_CON_COUNT_ERROR'],
    ['lock wait timeout', withCode('ER_LOCK_WAIT_TIMEOUT', { errno: 1205 }), 'ER_LOCK_WAIT_TIMEOUT'],
    ['SQLite busy', withCode('SQLITE_BUSY'), 'SQLITE_BUSY'],
    ['SQLite busy (extended)', withCode('SQLITE_BUSY_SNAPSHOT'), 'SQLITE_BUSY_SNAPSHOT'],
    ['SQLite locked', withCode('SQLITE_LOCKED_SHAREDCACHE'), 'SQLITE_LOCKED_SHAREDCACHE'],
    ['SQLite disk I/O', withCode('SQLITE_IOERR_WRITE'), 'SQLITE_IOERR_WRITE'],
  ])('%s', (_name, error, code) => {
    expect(unavailableCode(error)).toBe(code);
  });

  it.each([
    ['a duplicate key', withCode('ER_DUP_ENTRY', { errno: 1062 })],
    ['a syntax error', withCode('ER_PARSE_ERROR', { errno: 1064 })],
    ['a data error', withCode('ER_DATA_TOO_LONG', { errno: 1406 })],
    ['a SQLite constraint', withCode('SQLITE_CONSTRAINT_UNIQUE')],
    ['a SQLite code that merely starts alike', withCode('SQLITE_BUSYNESS')],
    ['a plain error', new Error('boom')],
    ['not an error', 'ECONNREFUSED'],
  ])('not %s', (_name, error) => {
    expect(unavailableCode(error)).toBeNull();
  });
});

describe('storage turns them into DatabaseUnavailableError', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('MySQL that refuses connections: a query rejects with DatabaseUnavailableError (ECONNREFUSED), a GatewayError `unavailable`', async () => {
    const database = await openDatabase({ databaseUrl: 'mysql://gateway:secret@127.0.0.1:1/gateway', dataDir: os.tmpdir() });
    cleanups.push(() => database.close());
    const kinds: string[] = [];
    database.onError((kind) => kinds.push(kind));
    const error = await database.ping().then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: 'unavailable', code: 'ECONNREFUSED', retryable: true });
    // What a client may see names neither the host nor the credentials.
    expect((error as Error).message).not.toMatch(/127\.0\.0\.1|secret|gateway@/);
    expect(kinds).toEqual(['unavailable']);
  });

  it('SQLite locked by another process: a write rejects with DatabaseUnavailableError (SQLITE_BUSY)', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-busy-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const storage: GatewayStorage = await openStorage({ dataDir });
    cleanups.push(() => storage.close());
    storage.database.sqlite!.pragma('busy_timeout = 0'); // fail at once instead of waiting 5 s for the lock
    const other = new SqliteDatabase(path.join(dataDir, 'gateway.db'));
    cleanups.push(() => void other.close());
    other.exec('begin immediate');
    cleanups.push(() => void other.exec('rollback'));

    const error = await storage.keys.insert(makeKey()).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ kind: 'unavailable' });
    expect((error as DatabaseUnavailableError).code).toMatch(/^SQLITE_BUSY/);
  });

  it('other driver errors pass through unchanged (a duplicate is still a conflict)', async () => {
    const storage = await openStorage({ databaseUrl: 'sqlite::memory:', dataDir: os.tmpdir() });
    cleanups.push(() => storage.close());
    const kinds: string[] = [];
    storage.database.onError((kind) => kinds.push(kind));
    const key = makeKey();
    await storage.keys.insert(key);
    await expect(storage.keys.insert(key)).rejects.toBeInstanceOf(StorageConflictError);
    await expect(storage.database.db.selectFrom('no_such_table' as never).selectAll().execute()).rejects.toThrow();
    expect(kinds).toEqual(['constraint', 'other']);
  });
});
