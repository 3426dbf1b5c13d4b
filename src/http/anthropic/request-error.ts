// Request-shape errors raised by the Anthropic shim itself, worded as
// Anthropic's API words them: `<dotted.path>: <what is wrong>` with numeric
// path segments (`messages.0.content.1.source.data: Field required`). Each
// becomes a 400 invalid_request_error (see map-error.ts).
import { GatewayError } from '../../domain/gateway-error.js';

export class AnthropicRequestError extends GatewayError {
  constructor(field: string, detail: string) {
    super('invalid_argument', field === '' ? detail : `${field}: ${detail}`, field === '' ? {} : { field });
    this.name = 'AnthropicRequestError';
  }
}

export type JsonRecord = { [key: string]: unknown };

export const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** "a string", "an array", "null" … for error messages. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'string') return 'a string';
  return typeof value;
}

/** Joins a path and a key or index: `at('messages', 0)` → `messages.0`. */
export const at = (path: string, key: string | number): string => (path === '' ? String(key) : `${path}.${key}`);

export const fieldRequired = (field: string) => new AnthropicRequestError(field, 'Field required');

export const invalidType = (field: string, expected: string, value: unknown) =>
  new AnthropicRequestError(field, `Input should be ${expected} (got ${describeJson(value)})`);

export const invalidValue = (field: string, detail: string) => new AnthropicRequestError(field, detail);

/** Absent and null both mean "not set" for optional fields. */
export const isUnset = (value: unknown): value is null | undefined => value === null || value === undefined;

export function readRecord(value: unknown, field: string): JsonRecord {
  if (isUnset(value)) throw fieldRequired(field);
  if (!isRecord(value)) throw invalidType(field, 'a valid dictionary', value);
  return value;
}

export function readList(value: unknown, field: string): unknown[] {
  if (isUnset(value)) throw fieldRequired(field);
  if (!Array.isArray(value)) throw invalidType(field, 'a valid list', value);
  return value;
}

export function requiredString(value: unknown, field: string): string {
  if (isUnset(value)) throw fieldRequired(field);
  if (typeof value !== 'string') throw invalidType(field, 'a valid string', value);
  return value;
}

export function optionalString(value: unknown, field: string): string | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'string') throw invalidType(field, 'a valid string', value);
  return value;
}

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'boolean') throw invalidType(field, 'a valid boolean', value);
  return value;
}

export function optionalNumber(value: unknown, field: string, range: { min: number; max: number }): number | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidType(field, 'a valid number', value);
  if (value < range.min || value > range.max) {
    throw invalidValue(field, `Input should be between ${range.min} and ${range.max} (got ${value})`);
  }
  return value;
}

export function optionalInteger(value: unknown, field: string, range: { min: number; max: number }): number | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidType(field, 'a valid integer', value);
  if (value < range.min) throw invalidValue(field, `Input should be greater than or equal to ${range.min} (got ${value})`);
  if (value > range.max) throw invalidValue(field, `Input should be less than or equal to ${range.max} (got ${value})`);
  return value;
}

export function oneOf<T extends string>(value: string, field: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    const list = allowed.map((item) => `'${item}'`);
    const expected = list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : (list[0] ?? '');
    throw invalidValue(field, `Input should be ${expected} (got '${value}')`);
  }
  return value as T;
}
