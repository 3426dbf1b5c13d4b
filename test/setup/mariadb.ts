// A MySQL/MariaDB server for the tests: the one named by GATEWAY_TEST_MYSQL_URL,
// or an ephemeral MariaDB started from the installed binaries in a temp dir,
// or none (the MySQL tier is then reported as not run, or fails on CI).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

const execFileAsync = promisify(execFile);

export const MYSQL_URL_VARIABLE = 'GATEWAY_TEST_MYSQL_URL';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 20_000;
const POLL_INTERVAL_MS = 100;
const START_ATTEMPTS = 3;

export interface MysqlServer {
  /** A server URL without a database, e.g. mysql://root@127.0.0.1:40123/ */
  url: string;
  origin: 'environment' | 'ephemeral';
  stop(): Promise<void>;
}

export type MysqlAvailability = { available: true; server: MysqlServer } | { available: false; reason: string };

export interface MariadbBinaries {
  server: string;
  installer: string;
}

/** Decides where the MySQL tier's server comes from. Throws when a configured/started server fails. */
export async function acquireMysqlServer(
  environment: NodeJS.ProcessEnv = process.env,
  searchDirectories: string[] = binarySearchDirectories(environment),
): Promise<MysqlAvailability> {
  const configuredUrl = environment[MYSQL_URL_VARIABLE]?.trim();
  if (configuredUrl) {
    await waitForServer(configuredUrl, { deadline: Date.now() + 5_000 });
    return { available: true, server: { url: configuredUrl, origin: 'environment', stop: async () => {} } };
  }
  const binaries = findMariadbBinaries(searchDirectories);
  if (binaries === null) {
    return {
      available: false,
      reason: `${MYSQL_URL_VARIABLE} is unset and no mariadbd/mysqld + mariadb-install-db/mysql_install_db binaries were found`,
    };
  }
  return { available: true, server: await startEphemeralMariadb(binaries) };
}

/** /usr/sbin first: Debian installs mariadbd there, and it is often missing from a user's PATH. */
export function binarySearchDirectories(environment: NodeJS.ProcessEnv = process.env): string[] {
  return ['/usr/sbin', ...(environment['PATH'] ?? '').split(path.delimiter).filter(Boolean)];
}

export function findMariadbBinaries(directories: string[]): MariadbBinaries | null {
  const server = findExecutable(['mariadbd', 'mysqld'], directories);
  const installer = findExecutable(['mariadb-install-db', 'mysql_install_db'], directories);
  return server !== null && installer !== null ? { server, installer } : null;
}

function findExecutable(names: string[], directories: string[]): string | null {
  for (const name of names) {
    for (const directory of directories) {
      const candidate = path.join(directory, name);
      try {
        accessSync(candidate, fsConstants.X_OK);
        return candidate;
      } catch {
        // Not here; keep looking.
      }
    }
  }
  return null;
}

/** Installs a fresh data directory and starts mariadbd on a free loopback port. */
export async function startEphemeralMariadb(binaries: MariadbBinaries): Promise<MysqlServer> {
  const workDirectory = await mkdtemp(path.join(os.tmpdir(), 'gw-mariadb-'));
  try {
    await installDataDirectory(binaries.installer, workDirectory);
    for (let attempt = 1; ; attempt += 1) {
      const port = await findFreePort();
      const child = spawnServer(binaries.server, workDirectory, port);
      const url = `mysql://root@127.0.0.1:${port}/`;
      try {
        await waitForServer(url, { deadline: Date.now() + START_TIMEOUT_MS, child });
        return ephemeralServer(url, child, workDirectory);
      } catch (error) {
        await stopProcess(child);
        const log = await errorLogTail(workDirectory);
        // Another process may grab the port between our probe and the server's bind.
        if (attempt < START_ATTEMPTS && /bind|address already in use/i.test(log)) continue;
        throw new Error(`Ephemeral MariaDB did not start: ${errorMessage(error)}\n--- error log tail ---\n${log}`);
      }
    }
  } catch (error) {
    await rm(workDirectory, { recursive: true, force: true });
    throw error;
  }
}

/** An ephemeral MariaDB that can be stopped and started again: same data directory, same port (outage tests). */
export interface RestartableMysqlServer extends MysqlServer {
  /** Stops mariadbd (SIGTERM, as an orderly database shutdown) and waits for its exit; data and port are kept. */
  halt(): Promise<void>;
  /** Starts mariadbd again on the same data directory and port; resolves once it accepts connections. */
  resume(): Promise<void>;
}

/** Like startEphemeralMariadb, but the server can be halted and resumed; stop() ends it and removes its files. */
export async function startRestartableMariadb(binaries: MariadbBinaries): Promise<RestartableMysqlServer> {
  const workDirectory = await mkdtemp(path.join(os.tmpdir(), 'gw-mariadb-'));
  let child: ChildProcess | null = null;
  const emergencyCleanup = () => {
    child?.kill('SIGKILL');
    rmSync(workDirectory, { recursive: true, force: true });
  };
  process.once('exit', emergencyCleanup);
  const halt = async () => {
    if (child !== null) await stopProcess(child);
    child = null;
  };
  const launch = async (port: number) => {
    const started = spawnServer(binaries.server, workDirectory, port);
    child = started;
    try {
      await waitForServer(`mysql://root@127.0.0.1:${port}/`, { deadline: Date.now() + START_TIMEOUT_MS, child: started });
    } catch (error) {
      await halt();
      throw new Error(`Ephemeral MariaDB did not start: ${errorMessage(error)}\n--- error log tail ---\n${await errorLogTail(workDirectory)}`);
    }
  };
  try {
    await installDataDirectory(binaries.installer, workDirectory);
    const port = await findFreePort();
    await launch(port);
    return {
      url: `mysql://root@127.0.0.1:${port}/`,
      origin: 'ephemeral',
      halt,
      resume: () => (child === null ? launch(port) : Promise.resolve()),
      async stop() {
        process.removeListener('exit', emergencyCleanup);
        await halt();
        await rm(workDirectory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    process.removeListener('exit', emergencyCleanup);
    await halt();
    await rm(workDirectory, { recursive: true, force: true });
    throw error;
  }
}

function ephemeralServer(url: string, child: ChildProcess, workDirectory: string): MysqlServer {
  // If the runner dies without tearing down, still take the server and its files with it.
  const emergencyCleanup = () => {
    child.kill('SIGKILL');
    rmSync(workDirectory, { recursive: true, force: true });
  };
  process.once('exit', emergencyCleanup);
  return {
    url,
    origin: 'ephemeral',
    async stop() {
      process.removeListener('exit', emergencyCleanup);
      await stopProcess(child);
      await rm(workDirectory, { recursive: true, force: true });
    },
  };
}

async function installDataDirectory(installer: string, workDirectory: string): Promise<void> {
  const args = [
    '--no-defaults',
    `--datadir=${path.join(workDirectory, 'data')}`,
    `--user=${os.userInfo().username}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
  ];
  try {
    await execFileAsync(installer, args, { timeout: 60_000 });
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    throw new Error(
      `${path.basename(installer)} failed: ${errorMessage(error)}\n${lastLines(`${output.stdout ?? ''}${output.stderr ?? ''}`)}`,
    );
  }
}

function spawnServer(server: string, workDirectory: string, port: number): ChildProcess {
  const args = [
    '--no-defaults',
    `--datadir=${path.join(workDirectory, 'data')}`,
    `--socket=${path.join(workDirectory, 'sock')}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    '--skip-networking=0',
    '--skip-name-resolve',
    `--user=${os.userInfo().username}`,
    `--pid-file=${path.join(workDirectory, 'mariadbd.pid')}`,
    `--log-error=${errorLogPath(workDirectory)}`,
    // Its own temporary files: in a shared /tmp, another server's cleanup can delete them mid-query (EE_DELETE).
    `--tmpdir=${workDirectory}`,
    // A throwaway server: small and without durability work.
    '--innodb-buffer-pool-size=32M',
    '--innodb-flush-log-at-trx-commit=0',
    '--innodb-doublewrite=0',
  ];
  const child = spawn(server, args, { stdio: 'ignore' });
  child.once('error', (error) => spawnErrors.set(child, error));
  return child;
}

/** Spawn failures (e.g. EACCES) arrive as events; keep them for waitForServer to report. */
const spawnErrors = new WeakMap<ChildProcess, Error>();

function errorLogPath(workDirectory: string): string {
  return path.join(workDirectory, 'error.log');
}

async function errorLogTail(workDirectory: string): Promise<string> {
  try {
    return lastLines(await readFile(errorLogPath(workDirectory), 'utf8'));
  } catch {
    return '(no error log)';
  }
}

function lastLines(text: string, count = 25): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Polls until a connection succeeds, the deadline passes, or the child exits. */
async function waitForServer(url: string, options: { deadline: number; child?: ChildProcess }): Promise<void> {
  let lastError: unknown = null;
  while (Date.now() < options.deadline) {
    const child = options.child;
    if (child !== undefined) {
      const spawnError = spawnErrors.get(child);
      if (spawnError !== undefined) throw new Error(`the server could not be started: ${spawnError.message}`);
      if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    }
    try {
      const connection = await mysql.createConnection({ ...connectionOptions(url), connectTimeout: 2_000 });
      await connection.end();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }
  throw new Error(`no connection to ${redactUrl(url)} in time: ${errorMessage(lastError)}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

export interface FreshMysqlDatabase {
  name: string;
  /** The server URL with this database as its path. */
  url: string;
  drop(): Promise<void>;
}

/** Creates gw_test_<random> on the server; drop() removes it. */
export async function createFreshMysqlDatabase(serverUrl: string): Promise<FreshMysqlDatabase> {
  const name = `gw_test_${randomBytes(6).toString('hex')}`;
  await runAdminStatement(serverUrl, `create database \`${name}\``);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => runAdminStatement(serverUrl, `drop database if exists \`${name}\``),
  };
}

async function runAdminStatement(serverUrl: string, statement: string): Promise<void> {
  const connection = await mysql.createConnection(connectionOptions(serverUrl));
  try {
    await connection.query(statement);
  } finally {
    await connection.end();
  }
}

function connectionOptions(url: string): mysql.ConnectionOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
