// Converts between JS values and what the two drivers store/return.
// Reads are defensive: mysql2 returns BIGINT as a string past 2^53, a driver
// may hand back a bigint, and a JSON column may arrive already parsed.

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

export function columnToNullableTimestamp(value: unknown, field: string): number | null {
  return value === null || value === undefined ? null : columnToTimestamp(value, field);
}

export function jsonToColumn(value: unknown): string {
  return JSON.stringify(value);
}

export function columnToJson(value: unknown, field: string): unknown {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new StoredValueError(`${field} holds invalid JSON`);
  }
}

/** A row that cannot be turned back into a record: a bug or a hand-edited database. */
export class StoredValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoredValueError';
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asStringRecord(value: unknown, field: string): Record<string, string> {
  if (!isPlainObject(value)) throw new StoredValueError(`${field} is not a JSON object`);
  const record: Record<string, string> = {};
  for (const [name, entry] of Object.entries(value)) record[name] = String(entry);
  return record;
}

export function asStringArray(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new StoredValueError(`${field} is not a JSON array`);
  return value.map((entry) => String(entry));
}

export function readNumber(source: Record<string, unknown>, name: string): number {
  const value = source[name];
  return typeof value === 'number' ? value : Number(value ?? 0);
}

export function readString(source: Record<string, unknown>, name: string): string {
  const value = source[name];
  return typeof value === 'string' ? value : String(value ?? '');
}
