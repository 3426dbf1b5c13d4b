// Vitest globalSetup: starts shared test servers once per run and hands their
// URLs to test files through provide()/inject(). Add further servers as more
// `provideX(project)` functions that return their own teardown.
import type { TestProject } from 'vitest/node';
import { acquireMysqlServer, MYSQL_URL_VARIABLE, type MysqlAvailability } from './mariadb.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A MySQL/MariaDB server URL without a database, or null when the MySQL tier cannot run. */
    mysqlServerUrl: string | null;
    /** Why the MySQL tier is not run; null when it is. */
    mysqlUnavailableReason: string | null;
  }
}

type Teardown = () => Promise<void>;

export default async function setup(project: TestProject): Promise<Teardown> {
  const teardowns: Teardown[] = [];
  try {
    teardowns.push(await provideMysqlServer(project));
  } catch (error) {
    await runTeardowns(teardowns);
    throw error;
  }
  return () => runTeardowns(teardowns);
}

/** The part of TestProject this file uses, so tests can pass a stand-in. */
export type ProvidingProject = Pick<TestProject, 'provide'>;

export async function provideMysqlServer(
  project: ProvidingProject,
  environment: NodeJS.ProcessEnv = process.env,
  acquire: (environment: NodeJS.ProcessEnv) => Promise<MysqlAvailability> = acquireMysqlServer,
): Promise<Teardown> {
  const startedAt = Date.now();
  let availability: MysqlAvailability;
  try {
    availability = await acquire(environment);
  } catch (error) {
    // A configured or installed server that does not work: on CI that is a failure, locally a loud skip.
    const reason = `the MySQL server could not be used: ${error instanceof Error ? error.message : String(error)}`;
    availability = { available: false, reason };
  }
  if (!availability.available) {
    if (environment['CI'] === 'true') throw new Error(`MySQL tier required on CI but unavailable: ${availability.reason}`);
    warnLoudly(`MySQL tier NOT RUN: ${availability.reason}. Set ${MYSQL_URL_VARIABLE} or install mariadb-server.`);
    project.provide('mysqlServerUrl', null);
    project.provide('mysqlUnavailableReason', availability.reason);
    return async () => {};
  }
  const { server } = availability;
  if (server.origin === 'ephemeral') {
    console.info(`[global-setup] ephemeral MariaDB ready at ${server.url} in ${Date.now() - startedAt} ms`);
  }
  project.provide('mysqlServerUrl', server.url);
  project.provide('mysqlUnavailableReason', null);
  return () => server.stop();
}

function warnLoudly(message: string): void {
  const bar = '#'.repeat(Math.min(100, message.length + 4));
  console.warn(`\n${bar}\n# ${message}\n${bar}\n`);
}

/** Last started, first stopped; every teardown runs even if one fails. */
async function runTeardowns(teardowns: Teardown[]): Promise<void> {
  const failures: unknown[] = [];
  for (const teardown of [...teardowns].reverse()) {
    try {
      await teardown();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, 'Test server teardown failed');
}
