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
