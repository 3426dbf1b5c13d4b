// Request-shape errors raised by the Gemini shim itself: a 400
// INVALID_ARGUMENT whose message names the field by its JSON path
// (`contents[0].parts[1].inlineData.data: …`), like Google's own
// "Invalid value at 'contents[0]…'" answers.
import { GatewayError } from '../../domain/gateway-error.js';
import { createJsonReaders, describeJson as describeJsonValue, isRecord, isUnset, type JsonRecord } from '../json-readers.js';

export { isRecord, isUnset, type JsonRecord } from '../json-readers.js';

export class GeminiRequestError extends GatewayError {
  constructor(field: string, detail: string) {
    super('invalid_argument', field === '' ? detail : `Invalid value at '${field}': ${detail}`, field === '' ? {} : { field });
    this.name = 'GeminiRequestError';
  }
}

/** `at('contents', 0)` → `contents[0]`; `at('contents[0]', 'parts')` → `contents[0].parts`. */
export const at = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;

export const fieldRequired = (field: string) => new GeminiRequestError(field, 'required field is missing');

export const invalidType = (field: string, expected: string, value: unknown) =>
  new GeminiRequestError(field, `expected ${expected}, got ${describeJsonValue(value, 'a list')}`);

export const invalidValue = (field: string, detail: string) => new GeminiRequestError(field, detail);

export function readRecord(value: unknown, field: string): JsonRecord {
  if (isUnset(value)) throw fieldRequired(field);
  if (!isRecord(value)) throw invalidType(field, 'an object', value);
  return value;
}

export function readList(value: unknown, field: string): unknown[] {
  if (isUnset(value)) throw fieldRequired(field);
  if (!Array.isArray(value)) throw invalidType(field, 'a list', value);
  return value;
}

export const tooDeep = (field: string, limit: number) => invalidValue(field, `nested deeper than ${limit} levels`);

/** Absent and null both mean "not set" for optional fields. */
export const { requiredString, optionalString, optionalBoolean, optionalNumber, optionalInteger, structValue, shallowBody } = createJsonReaders({
  expected: { string: 'a string', boolean: 'a boolean', number: 'a number', integer: 'an integer' },
  missing: fieldRequired,
  invalidType,
  outOfRange: (field, value, range) => invalidValue(field, `${value} is out of range [${range.min}, ${range.max}]`),
  tooDeep,
});

export function oneOf<T extends string>(value: string, field: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw invalidValue(field, `"${value}" is not one of ${allowed.join(', ')}`);
  return value as T;
}
