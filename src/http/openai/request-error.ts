// Request-shape errors raised by the OpenAI shim itself, in OpenAI's terms:
// the offending parameter (`messages[2].content[0].image_url`) and OpenAI's
// machine code (`missing_required_parameter`, `invalid_type`, …).
import { GatewayError } from '../../domain/gateway-error.js';
import { createJsonReaders, describeJson as describeJsonValue, isRecord, isUnset, type JsonRecord } from '../json-readers.js';

export class InvalidRequestError extends GatewayError {
  readonly param: string | null;
  readonly code: string | null;

  constructor(param: string | null, message: string, code: string | null = 'invalid_value') {
    super('invalid_argument', message, param === null ? {} : { field: param });
    this.name = 'InvalidRequestError';
    this.param = param;
    this.code = code;
  }
}

export { isRecord, type JsonRecord } from '../json-readers.js';

/** "a string", "an array", "null" … for error messages. */
export const describeJson = (value: unknown): string => describeJsonValue(value, 'an array');

export const missingParameter = (param: string) =>
  new InvalidRequestError(param, `Missing required parameter: '${param}'.`, 'missing_required_parameter');

export const invalidType = (param: string, expected: string, value: unknown) =>
  new InvalidRequestError(param, `Invalid type for '${param}': expected ${expected}, but got ${describeJson(value)} instead.`, 'invalid_type');

export const invalidValue = (param: string, message: string, code = 'invalid_value') =>
  new InvalidRequestError(param, `Invalid value for '${param}': ${message}`, code);

export function readRecord(value: unknown, param: string): JsonRecord {
  if (!isRecord(value)) throw invalidType(param, 'an object', value);
  return value;
}

export function readArray(value: unknown, param: string): unknown[] {
  if (!Array.isArray(value)) throw invalidType(param, 'an array', value);
  return value;
}

export const tooDeep = (param: string, limit: number) => invalidValue(param, `nested deeper than ${limit} levels.`);

/** `null` and absent mean "not set" for every optional OpenAI parameter. */
export const { requiredString, optionalString, optionalBoolean, optionalNumber, optionalInteger, structValue, shallowBody } = createJsonReaders({
  expected: { string: 'a string', boolean: 'a boolean', number: 'a number', integer: 'an integer' },
  missing: missingParameter,
  invalidType,
  outOfRange: (param, value, range) => invalidValue(param, `expected a value between ${range.min} and ${range.max}, but got ${value} instead.`),
  tooDeep,
});

export function optionalEnum<T extends string>(value: unknown, param: string, allowed: readonly T[]): T | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'string') throw invalidType(param, 'a string', value);
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidValue(param, `'${value}' is not one of ${allowed.map((item) => `'${item}'`).join(', ')}.`);
  }
  return value as T;
}
