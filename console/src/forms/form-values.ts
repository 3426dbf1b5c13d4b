// Small conversions shared by the forms: text fields ↔ lists, maps, numbers, times.
import { timestampDate, timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';

/** A problem with one field, named by its proto path (the same paths the API names). */
export class FieldProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'FieldProblem';
  }
}

/** Comma- or newline-separated entries, trimmed, blanks dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/** `name=value` (or `name: value`) per line. */
export function parsePairs(field: string, text: string, separator: '=' | ':'): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const at = line.indexOf(separator);
    if (at <= 0) throw new FieldProblem(field, `line ${index + 1}: expected name${separator}value`);
    pairs[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return pairs;
}

export function formatPairs(pairs: Record<string, string>, separator: '=' | ':'): string {
  return Object.entries(pairs)
    .map(([name, value]) => `${name}${separator === ':' ? ': ' : '='}${value}`)
    .join('\n');
}

/** A non-negative whole number from a text field; '' is 0. */
export function wholeNumber(field: string, text: string | number): number {
  const value = String(text).trim();
  if (value === '') return 0;
  if (!/^\d+$/.test(value)) throw new FieldProblem(field, 'must be a whole number, 0 or more');
  return Number(value);
}

/** A non-negative decimal number; '' is undefined. */
export function optionalDecimal(field: string, text: string | number): number | undefined {
  const value = String(text).trim();
  if (value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new FieldProblem(field, 'must be a number, 0 or more');
  return parsed;
}

/** `<input type="datetime-local">` value (local time) → Timestamp; '' is unset. */
export function localInputToTimestamp(field: string, text: string): Timestamp | undefined {
  if (text.trim() === '') return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new FieldProblem(field, 'is not a valid date and time');
  return timestampFromDate(date);
}

export function timestampToLocalInput(timestamp: Timestamp | undefined): string {
  if (!timestamp) return '';
  const date = timestampDate(timestamp);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
