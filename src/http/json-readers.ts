// Reading a JSON request body field by field, shared by both shims: the same
// checks (unset, wrong type, out of range) in each, worded by the shim's
// request-error.ts as its API words them. Absent and null both mean "not set"
// for an optional field.

import type { JsonValue } from '@bufbuild/protobuf';
import { MAX_BODY_DEPTH, MAX_VALUE_DEPTH, nestsDeeperThan } from './json-depth.js';

export type JsonRecord = { [key: string]: unknown };

export const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isUnset = (value: unknown): value is null | undefined => value === null || value === undefined;

/**
 * The body's fields that `isKnown` does not claim and that have a value, or undefined when there are
 * none: what a shim passes on as provider options (a Struct, so each nests at most MAX_VALUE_DEPTH levels:
 * `tooDeep` words the refusal). A loop with a module-level `isKnown`, not a filter callback made per
 * request (docs/performance.md, "Closures made per request").
 */
export function unknownFields(
  body: Readonly<JsonRecord>,
  isKnown: (name: string) => boolean,
  tooDeep: (field: string, limit: number) => Error,
): { [name: string]: JsonValue } | undefined {
  let fields: { [name: string]: JsonValue } | undefined;
  for (const name in body) {
    const value = body[name];
    // (`__proto__` is no field, and assigned it would set the object's prototype.)
    if (isUnset(value) || name === '__proto__' || !Object.hasOwn(body, name) || isKnown(name)) continue;
    if (nestsDeeperThan(value, MAX_VALUE_DEPTH)) throw tooDeep(name, MAX_VALUE_DEPTH);
    (fields ??= {})[name] = value as JsonValue;
  }
  return fields;
}

/** "a string", "an array" (or "a list"), "null" … for error messages. */
export function describeJson(value: unknown, arrayWord: string): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return arrayWord;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'string') return 'a string';
  return typeof value;
}

export interface Range {
  min: number;
  max: number;
}

/** How a shim words each failure. */
export interface ReaderWording {
  /** How each expected type is named in a wrong-type error. */
  expected: { string: string; boolean: string; number: string; integer: string };
  missing(field: string): Error;
  invalidType(field: string, expected: string, value: unknown): Error;
  outOfRange(field: string, value: number, range: Range, kind: 'number' | 'integer'): Error;
  /** A value nested deeper than `limit` levels (json-depth.ts). */
  tooDeep(field: string, limit: number): Error;
}

export interface JsonReaders {
  requiredString(value: unknown, field: string): string;
  optionalString(value: unknown, field: string): string | undefined;
  optionalBoolean(value: unknown, field: string): boolean | undefined;
  optionalNumber(value: unknown, field: string, range?: Range): number | undefined;
  optionalInteger(value: unknown, field: string, range: Range): number | undefined;
  /** A value that becomes a google.protobuf.Struct (a schema), refused when nested deeper than MAX_VALUE_DEPTH. */
  structValue<T>(value: T, field: string): T;
  /**
   * The body, refused when one of its top-level fields nests deeper than MAX_BODY_DEPTH: first, before any
   * recursive walk of it. (Not an object: left to the shim's own check.)
   */
  shallowBody<T>(body: T): T;
}

export function createJsonReaders(wording: ReaderWording): JsonReaders {
  const { expected } = wording;
  const inRange = (value: number, field: string, range: Range | undefined, kind: 'number' | 'integer'): number => {
    if (range && (value < range.min || value > range.max)) throw wording.outOfRange(field, value, range, kind);
    return value;
  };
  return {
    requiredString(value, field) {
      if (isUnset(value)) throw wording.missing(field);
      if (typeof value !== 'string') throw wording.invalidType(field, expected.string, value);
      return value;
    },
    optionalString(value, field) {
      if (isUnset(value)) return undefined;
      if (typeof value !== 'string') throw wording.invalidType(field, expected.string, value);
      return value;
    },
    optionalBoolean(value, field) {
      if (isUnset(value)) return undefined;
      if (typeof value !== 'boolean') throw wording.invalidType(field, expected.boolean, value);
      return value;
    },
    optionalNumber(value, field, range) {
      if (isUnset(value)) return undefined;
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wording.invalidType(field, expected.number, value);
      return inRange(value, field, range, 'number');
    },
    optionalInteger(value, field, range) {
      if (isUnset(value)) return undefined;
      if (typeof value !== 'number' || !Number.isInteger(value)) throw wording.invalidType(field, expected.integer, value);
      return inRange(value, field, range, 'integer');
    },
    structValue(value, field) {
      if (nestsDeeperThan(value, MAX_VALUE_DEPTH)) throw wording.tooDeep(field, MAX_VALUE_DEPTH);
      return value;
    },
    shallowBody(body) {
      if (!isRecord(body)) return body;
      for (const name in body) {
        if (Object.hasOwn(body, name) && nestsDeeperThan(body[name], MAX_BODY_DEPTH)) throw wording.tooDeep(name, MAX_BODY_DEPTH);
      }
      return body;
    },
  };
}
