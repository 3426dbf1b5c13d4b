// The test-server setup itself: skip/fail decisions and per-file databases.
import mysql from 'mysql2/promise';
import { afterEach, describe, expect, inject, test, vi } from 'vitest';
import { provideMysqlServer, type ProvidingProject } from './global-setup.js';
import { acquireMysqlServer, createFreshMysqlDatabase, type MysqlAvailability } from './mariadb.js';

function fakeProject(): ProvidingProject & { provided: Record<string, unknown> } {
  const provided: Record<string, unknown> = {};
  return {
    provided,
    provide: ((key: string, value: unknown) => {
      provided[key] = value;
    }) as ProvidingProject['provide'],
  };
}

const unavailable = async (): Promise<MysqlAvailability> => ({ available: false, reason: 'nothing installed' });

describe('provideMysqlServer', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  test('without a server: a loud banner and a provided reason', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const project = fakeProject();
    const teardown = await provideMysqlServer(project, {}, unavailable);
    expect(project.provided).toEqual({ mysqlServerUrl: null, mysqlUnavailableReason: 'nothing installed' });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('MySQL tier NOT RUN: nothing installed'));
    await teardown();
  });

  test('without a server on CI: fails', async () => {
    await expect(provideMysqlServer(fakeProject(), { CI: 'true' }, unavailable)).rejects.toThrow(/required on CI/);
  });

  test('a server that fails to start: skipped locally, fatal on CI', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const broken = async (): Promise<MysqlAvailability> => {
      throw new Error('did not start');
    };
    const project = fakeProject();
    await provideMysqlServer(project, {}, broken);
    expect(project.provided['mysqlUnavailableReason']).toMatch(/did not start/);
    await expect(provideMysqlServer(fakeProject(), { CI: 'true' }, broken)).rejects.toThrow(/did not start/);
  });

  test('with a server: provides its URL and stops it on teardown', async () => {
    const stop = vi.fn(async () => {});
    const available = async (): Promise<MysqlAvailability> => ({
      available: true,
      server: { url: 'mysql://root@127.0.0.1:1/', origin: 'environment', stop },
    });
    const project = fakeProject();
    const teardown = await provideMysqlServer(project, {}, available);
    expect(project.provided).toEqual({ mysqlServerUrl: 'mysql://root@127.0.0.1:1/', mysqlUnavailableReason: null });
    await teardown();
    expect(stop).toHaveBeenCalledOnce();
  });
});

describe('acquireMysqlServer', () => {
  test('reports unavailability when neither the variable nor the binaries exist', async () => {
    const availability = await acquireMysqlServer({ PATH: '/nonexistent' }, ['/nonexistent']);
    expect(availability).toEqual({ available: false, reason: expect.stringContaining('GATEWAY_TEST_MYSQL_URL is unset') });
  });
});

const serverUrl = inject('mysqlServerUrl');

describe.skipIf(serverUrl === null)('createFreshMysqlDatabase', () => {
  test('creates a uniquely named database and drops it', async () => {
    const first = await createFreshMysqlDatabase(serverUrl ?? '');
    const second = await createFreshMysqlDatabase(serverUrl ?? '');
    expect(first.name).toMatch(/^gw_test_[0-9a-f]{12}$/);
    expect(second.name).not.toBe(first.name);
    expect(new URL(first.url).pathname).toBe(`/${first.name}`);
    expect(await databaseExists(first.name)).toBe(true);
    await first.drop();
    await second.drop();
    expect(await databaseExists(first.name)).toBe(false);
    expect(await databaseExists(second.name)).toBe(false);
  });
});

async function databaseExists(name: string): Promise<boolean> {
  const connection = await mysql.createConnection(serverUrl ?? '');
  try {
    const [rows] = await connection.query('show databases like ?', [name]);
    return (rows as unknown[]).length === 1;
  } finally {
    await connection.end();
  }
}
