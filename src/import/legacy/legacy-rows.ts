// Defensive reading of the old gateway's rows: any column may be missing
// (schema drift), flags are TINYINT 0/1, DECIMAL comes back as text, and JSON
// columns may be NULL, `[]`, already parsed or invalid — the old code ignored
// bad JSON silently; here it is reported.
import type { Unmapped } from '../import-draft.js';
import type { LegacyRow } from './legacy-tables.js';

export function text(row: LegacyRow, column: string): string {
  const value = row[column];
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

export function flag(row: LegacyRow, column: string, absent = false): boolean {
  const value = row[column];
  if (value === null || value === undefined) return absent;
  return value === true || Number(value) === 1;
}

export function numberOrNull(row: LegacyRow, column: string): number | null {
  const value = row[column];
  if (value === null || value === undefined || value === '') return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

/** A JSON column parsed; null when absent, NULL or invalid (invalid is reported under `source`). */
export function jsonColumn(row: LegacyRow, column: string, source: string, unmapped: Unmapped[]): unknown {
  const value = row[column];
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string' && !Buffer.isBuffer(value)) return value;
  try {
    return JSON.parse(text(row, column)) as unknown;
  } catch {
    unmapped.push({ source: `${source}.${column}`, reason: 'is not valid JSON (the old gateway ignored it); not imported' });
    return null;
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export const asString = (value: unknown): string => (typeof value === 'string' ? value : '');
