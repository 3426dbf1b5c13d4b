// Parses DATABASE_URL into a connection target. Pure functions; every error
// message is built from parsed parts only, so a password can never leak into
// an error or a log line.
import path from 'node:path';

export interface SqliteTarget {
  dialect: 'sqlite';
  /** An absolute file path, or ':memory:'. */
  filename: string;
}

export interface MysqlTarget {
  dialect: 'mysql';
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  connectionLimit: number;
}

export type DatabaseTarget = SqliteTarget | MysqlTarget;

export const DEFAULT_SQLITE_FILENAME = 'gateway.db';
const DEFAULT_MYSQL_PORT = 3306;
const DEFAULT_CONNECTION_LIMIT = 10;
const MEMORY_FILENAME = ':memory:';
const EXPECTED_FORMS =
  'expected mysql://user:password@host:port/database, sqlite:///absolute/path.db, sqlite:relative/path.db or sqlite::memory:';

export class DatabaseUrlError extends Error {
  constructor(problem: string) {
    super(`DATABASE_URL ${problem} (${EXPECTED_FORMS})`);
    this.name = 'DatabaseUrlError';
  }
}

/** Unset or blank → the embedded SQLite file under dataDir. */
export function resolveDatabaseTarget(databaseUrl: string | undefined, dataDir: string): DatabaseTarget {
  const trimmed = databaseUrl?.trim() ?? '';
  if (trimmed === '') {
    return { dialect: 'sqlite', filename: path.resolve(dataDir, DEFAULT_SQLITE_FILENAME) };
  }
  const scheme = readScheme(trimmed);
  if (scheme === 'sqlite') return parseSqliteUrl(trimmed);
  if (scheme === 'mysql' || scheme === 'mariadb') return parseMysqlUrl(trimmed);
  if (trimmed === MEMORY_FILENAME) return { dialect: 'sqlite', filename: MEMORY_FILENAME };
  if (scheme === null) throw new DatabaseUrlError('has no scheme');
  throw new DatabaseUrlError(`uses the unsupported scheme "${scheme}:"`);
}

/** The scheme only (letters, digits, + - .), never anything after the colon. */
function readScheme(url: string): string | null {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
  return match?.[1]?.toLowerCase() ?? null;
}

function parseSqliteUrl(url: string): SqliteTarget {
  // Strip "sqlite:" and an optional "//" authority marker: sqlite:///abs → /abs, sqlite:rel → rel.
  let rest = url.slice('sqlite:'.length);
  if (rest.startsWith('//')) rest = rest.slice(2);
  const queryStart = rest.search(/[?#]/);
  if (queryStart !== -1) rest = rest.slice(0, queryStart);
  if (rest === MEMORY_FILENAME || rest === 'memory' || rest === '/:memory:') {
    return { dialect: 'sqlite', filename: MEMORY_FILENAME };
  }
  if (rest === '') throw new DatabaseUrlError('names no SQLite file');
  return { dialect: 'sqlite', filename: path.resolve(safeDecode(rest, 'SQLite path')) };
}

function parseMysqlUrl(url: string): MysqlTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Deliberately no `cause`: Node's TypeError carries the full input, password included.
    throw new DatabaseUrlError('is not a valid mysql:// URL');
  }
  const database = safeDecode(parsed.pathname.replace(/^\//, ''), 'database name');
  if (database === '' || database.includes('/')) {
    throw new DatabaseUrlError('must name exactly one database in its path (mysql://…/database)');
  }
  if (parsed.hostname === '') throw new DatabaseUrlError('has no host');
  return {
    dialect: 'mysql',
    host: stripIpv6Brackets(parsed.hostname),
    port: parsePort(parsed.port),
    user: safeDecode(parsed.username, 'user name'),
    password: safeDecode(parsed.password, 'password'),
    database,
    connectionLimit: parseConnectionLimit(parsed.searchParams),
  };
}

function parsePort(port: string): number {
  if (port === '') return DEFAULT_MYSQL_PORT;
  const value = Number(port);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new DatabaseUrlError('has an invalid port');
  return value;
}

/** Only connectionLimit is understood; anything else (e.g. ssl=…) is rejected rather than silently ignored. */
function parseConnectionLimit(searchParams: URLSearchParams): number {
  let limit = DEFAULT_CONNECTION_LIMIT;
  for (const [name, value] of searchParams) {
    if (name !== 'connectionLimit') {
      throw new DatabaseUrlError(`has the unsupported query parameter "${name}" (only connectionLimit is supported)`);
    }
    limit = Number(value);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new DatabaseUrlError('has an invalid connectionLimit (an integer from 1 to 1000)');
    }
  }
  return limit;
}

function stripIpv6Brackets(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function safeDecode(component: string, what: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    throw new DatabaseUrlError(`has a badly percent-encoded ${what}`);
  }
}

/** A log-safe rendering: never the password. */
export function describeDatabaseTarget(target: DatabaseTarget): string {
  if (target.dialect === 'sqlite') return `sqlite:${target.filename}`;
  const user = target.user === '' ? '' : `${encodeURIComponent(target.user)}@`;
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `mysql://${user}${host}:${target.port}/${encodeURIComponent(target.database)}`;
}
