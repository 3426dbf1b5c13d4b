// Request-shape errors raised by the Anthropic shim itself, worded as
// Anthropic's API words them: `<dotted.path>: <what is wrong>` with numeric
// path segments (`messages.0.content.1.source.data: Field required`). Each
// becomes a 400 invalid_request_error (see map-error.ts).
import { GatewayError } from '../../domain/gateway-error.js';
import { createJsonReaders, describeJson as describeJsonValue, isRecord, isUnset, type JsonRecord } from '../json-readers.js';

export class AnthropicRequestError extends GatewayError {
  constructor(field: string, detail: string) {
    super('invalid_argument', field === '' ? detail : `${field}: ${detail}`, field === '' ? {} : { field });
    this.name = 'AnthropicRequestError';
  }
}

export { isRecord, isUnset, type JsonRecord } from '../json-readers.js';

/** "a string", "a list", "null" … for error messages. */
export const describeJson = (value: unknown): string => describeJsonValue(value, 'a list');

/** Joins a path and a key or index: `at('messages', 0)` → `messages.0`. */
export const at = (path: string, key: string | number): string => (path === '' ? String(key) : `${path}.${key}`);

export const fieldRequired = (field: string) => new AnthropicRequestError(field, 'Field required');

export const invalidType = (field: string, expected: string, value: unknown) =>
  new AnthropicRequestError(field, `Input should be ${expected} (got ${describeJson(value)})`);

export const invalidValue = (field: string, detail: string) => new AnthropicRequestError(field, detail);

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

export const tooDeep = (field: string, limit: number) => invalidValue(field, `Input should be nested at most ${limit} levels deep`);

/** Absent and null both mean "not set" for optional fields. */
export const { requiredString, optionalString, optionalBoolean, optionalNumber, optionalInteger, structValue, shallowBody } = createJsonReaders({
  expected: { string: 'a valid string', boolean: 'a valid boolean', number: 'a valid number', integer: 'a valid integer' },
  missing: fieldRequired,
  invalidType,
  outOfRange: (field, value, range, kind) => {
    if (kind === 'number') return invalidValue(field, `Input should be between ${range.min} and ${range.max} (got ${value})`);
    return value < range.min
      ? invalidValue(field, `Input should be greater than or equal to ${range.min} (got ${value})`)
      : invalidValue(field, `Input should be less than or equal to ${range.max} (got ${value})`);
  },
  tooDeep,
});

export function oneOf<T extends string>(value: string, field: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    const list = allowed.map((item) => `'${item}'`);
    const expected = list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : (list[0] ?? '');
    throw invalidValue(field, `Input should be ${expected} (got '${value}')`);
  }
  return value as T;
}
