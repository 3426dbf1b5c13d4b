// Recognises unique-constraint violations from either driver.
const MYSQL_DUPLICATE_ENTRY_ERRNO = 1062;
const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { errno, code } = error as { errno?: unknown; code?: unknown };
  // MariaDB error names past 4000 are unreliable; the number is not.
  if (errno === MYSQL_DUPLICATE_ENTRY_ERRNO) return true;
  return typeof code === 'string' && SQLITE_UNIQUE_CODES.has(code);
}

/**
 * Which unique index was hit, from the driver message, e.g. SQLite
 * "UNIQUE constraint failed: virtual_keys.secret_hash" or MySQL
 * "Duplicate entry '…' for key 'virtual_keys_secret_hash_unique'". Only the
 * index/column part is inspected, never the duplicated value.
 */
export function violatedUniqueTarget(error: unknown): string | null {
  const message = error instanceof Error ? error.message : '';
  const mysqlKey = /for key '([^']+)'\s*$/.exec(message)?.[1];
  if (mysqlKey !== undefined) return mysqlKey;
  return /UNIQUE constraint failed: (.+)$/.exec(message)?.[1] ?? null;
}

// Errors that mean "the database cannot answer right now", not "this query is wrong".
// mysql2 marks every error that ends a connection `fatal` (refused, reset, timed out,
// lost, closed); the rest are the server's own "go away / too busy" answers.
const UNAVAILABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);
const UNAVAILABLE_MYSQL_ERRNOS = new Set([
  1040, // ER_CON_COUNT_ERROR: too many connections
  1053, // ER_SERVER_SHUTDOWN: the server is shutting down
  1203, // ER_TOO_MANY_USER_CONNECTIONS
  1205, // ER_LOCK_WAIT_TIMEOUT
  1213, // ER_LOCK_DEADLOCK
  1927, // ER_CONNECTION_KILLED (MariaDB)
  2002, // CR_CONNECTION_ERROR
  2003, // CR_CONN_HOST_ERROR
  2006, // CR_SERVER_GONE_ERROR
  2013, // CR_SERVER_LOST
]);
/** Primary SQLite result codes (an extended code such as SQLITE_BUSY_SNAPSHOT starts with its primary). */
const UNAVAILABLE_SQLITE_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_PROTOCOL'];

/** The driver's code when `error` means the database is unreachable or too busy right now; null otherwise. */
export function unavailableCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const { errno, code, fatal } = error as { errno?: unknown; code?: unknown; fatal?: unknown };
  const named = typeof code === 'string' ? code : null;
  if (named !== null && UNAVAILABLE_NETWORK_CODES.has(named)) return named;
  if (typeof errno === 'number' && UNAVAILABLE_MYSQL_ERRNOS.has(errno)) return named ?? `errno ${errno}`;
  if (named !== null && UNAVAILABLE_SQLITE_CODES.some((prefix) => named === prefix || named.startsWith(`${prefix}_`))) return named;
  // mysql2: "Can't add new command when connection is in closed state" and the like carry no code.
  if (fatal === true) return named ?? 'connection closed';
  return null;
}
