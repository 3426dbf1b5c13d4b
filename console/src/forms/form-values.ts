// Small conversions shared by the forms: text fields ↔ lists, maps, numbers, times.
import { timestampDate, timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { en } from '../i18n/en.js';

/** A console message key under `formErrors` with its parameters, for the user's language. */
export interface Translatable {
  key: string;
  params: Record<string, string | number>;
}

/** A problem with one field, named by its proto path (the same paths the API names); `message` is in English. */
export class FieldProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly translatable?: Translatable,
  ) {
    super(message);
    this.name = 'FieldProblem';
  }
}

export type FormErrorKey = keyof typeof en.formErrors;

/** The console's own check failing on `field`: its message in English, and its key for the user's language. */
export function fieldProblem(field: string, key: FormErrorKey, params: Record<string, string | number> = {}): FieldProblem {
  const english = en.formErrors[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name]));
  return new FieldProblem(field, english, { key: `formErrors.${key}`, params });
}

/** Comma- or newline-separated entries, trimmed, blanks dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/**
 * `name=value` (or `name: value`, a header: its name in any case) per line. A name given twice is refused:
 * only one value could be kept, and dropping the other silently loses what was typed.
 */
export function parsePairs(field: string, text: string, separator: '=' | ':'): Record<string, string> {
  const pairs: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const at = line.indexOf(separator);
    if (at <= 0) throw fieldProblem(field, 'pairLine', { line: index + 1, separator });
    const name = line.slice(0, at).trim();
    const key = separator === ':' ? name.toLowerCase() : name;
    if (seen.has(key)) throw fieldProblem(field, 'pairTwice', { line: index + 1, name });
    seen.add(key);
    pairs[name] = line.slice(at + 1).trim();
  }
  return pairs;
}

export function formatPairs(pairs: Record<string, string>, separator: '=' | ':'): string {
  return Object.entries(pairs)
    .map(([name, value]) => `${name}${separator === ':' ? ': ' : '='}${value}`)
    .join('\n');
}

/** The largest uint32, the type of the API's counts and limits: a larger number cannot even be sent. */
export const UINT32_MAX = 4_294_967_295;

/** A non-negative whole number (decimal digits only) from a text field, at most `max`; '' is 0. */
export function wholeNumber(field: string, text: string | number, max = UINT32_MAX): number {
  const value = String(text).trim();
  if (value === '') return 0;
  if (!/^\d+$/.test(value)) throw fieldProblem(field, 'wholeNumber');
  const parsed = Number(value);
  if (parsed > max) throw fieldProblem(field, 'atMost', { max });
  return parsed;
}

/** A whole number (decimal digits, optionally signed) that fits an int32; '' is 0. */
export function signedWholeNumber(field: string, text: string): number {
  const value = text.trim();
  if (value === '') return 0;
  const parsed = Number(value);
  if (!/^[+-]?\d+$/.test(value) || parsed < -2_147_483_648 || parsed > 2_147_483_647) {
    throw fieldProblem(field, 'signedWholeNumber');
  }
  return parsed;
}

/** A non-negative decimal number; '' is undefined. */
export function optionalDecimal(field: string, text: string | number, message: FormErrorKey = 'decimal'): number | undefined {
  const value = String(text).trim();
  if (value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw fieldProblem(field, message);
  return parsed;
}

/** `<input type="datetime-local">` value (local time) → Timestamp; '' is unset. */
export function localInputToTimestamp(field: string, text: string): Timestamp | undefined {
  if (text.trim() === '') return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw fieldProblem(field, 'dateTime');
  return timestampFromDate(date);
}

/** Timestamp → `<input type="datetime-local" step="any">` value; seconds and milliseconds only when set, so none are lost. */
export function timestampToLocalInput(timestamp: Timestamp | undefined): string {
  if (!timestamp) return '';
  const date = timestampDate(timestamp);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const minutes = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
  if (date.getMilliseconds() !== 0) return `${minutes}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  return date.getSeconds() === 0 ? minutes : `${minutes}:${pad(date.getSeconds())}`;
}

/**
 * The update-mask paths whose form values differ from the form as loaded: an update sends only what the
 * user changed, so another tab's (or tool's) update of a different field holds. Each path's values are
 * read by its function and compared as JSON.
 */
export function changedPaths<Form>(loaded: Form, form: Form, valuesByPath: Record<string, (form: Form) => unknown>): string[] {
  return Object.entries(valuesByPath)
    .filter(([, values]) => JSON.stringify(values(loaded)) !== JSON.stringify(values(form)))
    .map(([path]) => path);
}

/** An update whose mask names nothing: the form was saved unchanged (the API would refuse it as changing nothing). */
export function changesNothing(request: { updateMask?: { paths: string[] } | undefined }): boolean {
  return (request.updateMask?.paths.length ?? 0) === 0;
}
