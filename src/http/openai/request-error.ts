// Request-shape errors raised by the OpenAI shim itself, in OpenAI's terms:
// the offending parameter (`messages[2].content[0].image_url`) and OpenAI's
// machine code (`missing_required_parameter`, `invalid_type`, …).
import { GatewayError } from '../../domain/gateway-error.js';

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

export type JsonRecord = { [key: string]: unknown };

export const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** "a string", "an array", "null" … for error messages. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'string') return 'a string';
  return typeof value;
}

export const missingParameter = (param: string) =>
  new InvalidRequestError(param, `Missing required parameter: '${param}'.`, 'missing_required_parameter');

export const invalidType = (param: string, expected: string, value: unknown) =>
  new InvalidRequestError(param, `Invalid type for '${param}': expected ${expected}, but got ${describeJson(value)} instead.`, 'invalid_type');

export const invalidValue = (param: string, message: string, code = 'invalid_value') =>
  new InvalidRequestError(param, `Invalid value for '${param}': ${message}`, code);

/** `null` and absent mean "not set" for every optional OpenAI parameter. */
const isUnset = (value: unknown): value is null | undefined => value === null || value === undefined;

export function readRecord(value: unknown, param: string): JsonRecord {
  if (!isRecord(value)) throw invalidType(param, 'an object', value);
  return value;
}

export function readArray(value: unknown, param: string): unknown[] {
  if (!Array.isArray(value)) throw invalidType(param, 'an array', value);
  return value;
}

export function requiredString(value: unknown, param: string): string {
  if (isUnset(value)) throw missingParameter(param);
  if (typeof value !== 'string') throw invalidType(param, 'a string', value);
  return value;
}

export function optionalString(value: unknown, param: string): string | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'string') throw invalidType(param, 'a string', value);
  return value;
}

export function optionalBoolean(value: unknown, param: string): boolean | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'boolean') throw invalidType(param, 'a boolean', value);
  return value;
}

export function optionalNumber(value: unknown, param: string, range?: { min: number; max: number }): number | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidType(param, 'a number', value);
  if (range && (value < range.min || value > range.max)) {
    throw invalidValue(param, `expected a value between ${range.min} and ${range.max}, but got ${value} instead.`);
  }
  return value;
}

export function optionalInteger(value: unknown, param: string, range: { min: number; max: number }): number | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidType(param, 'an integer', value);
  if (value < range.min || value > range.max) {
    throw invalidValue(param, `expected a value between ${range.min} and ${range.max}, but got ${value} instead.`);
  }
  return value;
}

export function optionalEnum<T extends string>(value: unknown, param: string, allowed: readonly T[]): T | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'string') throw invalidType(param, 'a string', value);
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidValue(param, `'${value}' is not one of ${allowed.map((item) => `'${item}'`).join(', ')}.`);
  }
  return value as T;
}
