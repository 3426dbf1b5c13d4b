// JSON documents kept in TEXT columns: writing them, and reading them back into
// records. Reads are defensive (a driver may hand back a column already parsed,
// a hand-edited row may hold anything) and fail with a StoredValueError that
// names the column and the row.
import { StoredValueError } from './row-values.js';

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

/** Parses the column and hands the document to `read`, both under the same field name. */
export function readJsonColumn<T>(value: unknown, field: string, read: (json: unknown, field: string) => T): T {
  return read(columnToJson(value, field), field);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown, field: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new StoredValueError(`${field} is not a JSON object`);
  return value;
}

export function asArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new StoredValueError(`${field} is not a JSON array`);
  return value;
}

/**
 * Each entry of a JSON array of objects through `read`. `what` names one entry
 * in the error ("a model", "a target").
 */
export function mapObjects<T>(
  entries: unknown[],
  field: string,
  what: string,
  read: (entry: Record<string, unknown>) => T,
): T[] {
  return entries.map((entry: unknown) => {
    if (!isPlainObject(entry)) throw new StoredValueError(`${field} holds ${what} that is not an object`);
    return read(entry);
  });
}

export function asStringRecord(value: unknown, field: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, entry] of Object.entries(asObject(value, field))) record[name] = String(entry);
  return record;
}

export function asStringArray(value: unknown, field: string): string[] {
  return asArray(value, field).map((entry) => String(entry));
}

export function readNumber(source: Record<string, unknown>, name: string): number {
  const value = source[name];
  return typeof value === 'number' ? value : Number(value ?? 0);
}

export function readString(source: Record<string, unknown>, name: string): string {
  const value = source[name];
  return typeof value === 'string' ? value : String(value ?? '');
}
