// Converts between JS values and what the two drivers store/return for scalar
// columns (JSON documents: json-columns.ts). Reads are defensive: mysql2 returns
// BIGINT as a string past 2^53, and a driver may hand back a bigint.

export function booleanToColumn(value: boolean): number {
  return value ? 1 : 0;
}

export function columnToBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value !== 0n;
  return Number(value) !== 0;
}

export function timestampToColumn(value: number, field: string): number {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${field} must be an integer of epoch milliseconds`);
  return value;
}

export function nullableTimestampToColumn(value: number | null, field: string): number | null {
  return value === null ? null : timestampToColumn(value, field);
}

export function columnToTimestamp(value: unknown, field: string): number {
  const converted = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(converted)) throw new StoredValueError(`${field} holds a non-numeric timestamp`);
  return converted;
}

/** A row's version (0010): a non-negative integer, whichever type the driver hands back. */
export function columnToVersion(value: unknown): number {
  const converted = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(converted) || converted < 0) throw new StoredValueError('version holds no whole number');
  return converted;
}

export function columnToNullableTimestamp(value: unknown, field: string): number | null {
  return value === null || value === undefined ? null : columnToTimestamp(value, field);
}

/** createdAt/updatedAt → created_at/updated_at: every table the admin services write has both. */
export function recordTimesToColumns(record: { createdAt: number; updatedAt: number }): {
  created_at: number;
  updated_at: number;
} {
  return {
    created_at: timestampToColumn(record.createdAt, 'createdAt'),
    updated_at: timestampToColumn(record.updatedAt, 'updatedAt'),
  };
}

/** created_at/updated_at → createdAt/updatedAt; `field` names a column of this row in errors. */
export function columnsToRecordTimes(
  row: { created_at: unknown; updated_at: unknown },
  field: (column: string) => string,
): { createdAt: number; updatedAt: number } {
  return {
    createdAt: columnToTimestamp(row.created_at, field('created_at')),
    updatedAt: columnToTimestamp(row.updated_at, field('updated_at')),
  };
}

/** A name column (or JSON string) that must be one of `names`: "<field> is not a known <what>" otherwise. */
export function knownName<Name extends string>(names: ReadonlySet<Name>, value: unknown, field: string, what: string): Name {
  if (typeof value !== 'string' || !(names as ReadonlySet<string>).has(value)) {
    throw new StoredValueError(`${field} is not a known ${what}`);
  }
  return value as Name;
}

/** A row that cannot be turned back into a record: a bug or a hand-edited database. */
export class StoredValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoredValueError';
  }
}
