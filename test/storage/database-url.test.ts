// DATABASE_URL parsing: accepted forms, and errors that never echo a password.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { openDatabase } from '../../src/storage/index.js';
import { describeDatabaseTarget, resolveDatabaseTarget } from '../../src/storage/database-url.js';

describe('resolveDatabaseTarget', () => {
  test('unset or blank selects <dataDir>/gateway.db', () => {
    expect(resolveDatabaseTarget(undefined, '/srv/data')).toEqual({ dialect: 'sqlite', filename: '/srv/data/gateway.db' });
    expect(resolveDatabaseTarget('  ', 'rel')).toEqual({ dialect: 'sqlite', filename: path.resolve('rel/gateway.db') });
  });

  test('SQLite URL forms', () => {
    expect(resolveDatabaseTarget('sqlite:///abs/path.db', '/d')).toEqual({ dialect: 'sqlite', filename: '/abs/path.db' });
    expect(resolveDatabaseTarget('sqlite:relative.db', '/d')).toEqual({
      dialect: 'sqlite',
      filename: path.resolve('relative.db'),
    });
    for (const memory of ['sqlite::memory:', 'sqlite://:memory:', ':memory:']) {
      expect(resolveDatabaseTarget(memory, '/d')).toEqual({ dialect: 'sqlite', filename: ':memory:' });
    }
  });

  test('MySQL URL with percent-encoded credentials, default port and connectionLimit', () => {
    const target = resolveDatabaseTarget('mysql://gw%40user:p%3Ass@db.internal/gateway?connectionLimit=4', '/d');
    expect(target).toEqual({
      dialect: 'mysql',
      host: 'db.internal',
      port: 3306,
      user: 'gw@user',
      password: 'p:ss',
      database: 'gateway',
      connectionLimit: 4,
    });
    expect(describeDatabaseTarget(target)).toBe('mysql://gw%40user@db.internal:3306/gateway');
    expect(resolveDatabaseTarget('mariadb://root@127.0.0.1:3307/gw', '/d')).toMatchObject({ port: 3307, password: '' });
    expect(describeDatabaseTarget(resolveDatabaseTarget('mysql://u:p@[::1]:3306/gw', '/d'))).toBe('mysql://u@[::1]:3306/gw');
  });

  const password = 'Hunter2-Very-Secret';
  const badUrls = [
    `postgres://user:${password}@host/db`,
    `mysql://user:${password}@host:99999/db`,
    `mysql://user:${password}@host/`,
    `mysql://user:${password}@host/a/b`,
    `mysql://user:${password}@host/db?ssl=true`,
    `mysql://user:${password}@host/db?connectionLimit=0`,
    `mysql://user:${password}@[bad host/db`,
    `mysql://user:%E0%A4%A${password}@host/db`,
    `user:${password}@host/db`,
    'sqlite:',
  ];
  test.each(badUrls)('rejects %s without echoing the password', async (url) => {
    const failure = await openDatabase({ databaseUrl: url, dataDir: '/unused' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    const error = failure as Error & { cause?: unknown };
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).not.toContain(password);
    expect(error.cause).toBeUndefined();
    expect(error.stack ?? '').not.toContain(password);
  });
});
