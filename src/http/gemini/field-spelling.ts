// The Gemini API reads protobuf JSON, whose parsers accept a field by its
// lowerCamelCase JSON name or by its original proto name
// (https://protobuf.dev/programming-guides/json/: "Parsers accept both"), and
// Google's own REST examples send the latter (`system_instruction`,
// `inline_data: {mime_type}`, `generation_config`). The shim reads camelCase
// only, so a request is respelled here, once, before it is parsed:
// `max_output_tokens` → `maxOutputTokens`, at every depth, except
// - inside free-form values (a function's `parameters` schema, a call's
//   `args`, a function's `response`, a `responseSchema`, a part's
//   `partMetadata`): their keys are the client's data;
// - top-level fields the Gemini API does not define: they travel to the
//   upstream as provider options (README), under the name the client gave.
// A field sent in both spellings is refused with 400 INVALID_ARGUMENT, as
// protobuf's JSON conformance suite asks of parsers (FieldNameDuplicateDifferentCasing,
// https://github.com/protocolbuffers/protobuf/blob/main/conformance/binary_json_conformance_suite.cc).
// Nothing is copied when nothing is respelled (the @google/genai client sends camelCase).
// Loops and module-level functions only: this runs on every request (docs/performance.md,
// "Closures made per request").
import { at, GeminiRequestError, isRecord, isUnset, type JsonRecord } from './request-error.js';

/** GenerateContentRequest (https://ai.google.dev/api/generate-content#request-body). */
const GENERATE_FIELDS: ReadonlySet<string> = new Set([
  'model', 'contents', 'systemInstruction', 'tools', 'toolConfig', 'safetySettings', 'generationConfig', 'cachedContent',
]);
/** countTokens' body is read as a GenerateContentRequest, or holds one (https://ai.google.dev/api/tokens). */
const COUNT_TOKENS_FIELDS: ReadonlySet<string> = new Set([...GENERATE_FIELDS, 'generateContentRequest']);

/** Values whose keys belong to the client: Struct (`args`, `response`, `partMetadata`) and Schema fields. */
const FREE_FORM: ReadonlySet<string> = new Set([
  'args', 'response', 'partMetadata', 'parameters', 'parametersJsonSchema', 'responseSchema', 'responseJsonSchema',
]);

const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;

/** protobuf's JSON name of a proto field name: `max_output_tokens` → `maxOutputTokens`; any other key as it is. */
export function camelCaseName(key: string): string {
  if (!key.includes('_') || !SNAKE_CASE.test(key)) return key;
  let name = '';
  for (let index = 0; index < key.length; index += 1) {
    const character = key[index]!;
    name += character === '_' ? key[(index += 1)]!.toUpperCase() : character;
  }
  return name;
}

/** generateContent / streamGenerateContent. */
export const camelCaseGenerateRequest = (body: unknown): unknown => respellMessage(body, '', GENERATE_FIELDS);

/** countTokens: its own fields, and the GenerateContentRequest it may carry. */
export const camelCaseCountTokensRequest = (body: unknown): unknown => respellMessage(body, '', COUNT_TOKENS_FIELDS);

/** embedContent / batchEmbedContents: no field travels on unread, so every name is respelled. */
export const camelCaseEmbedRequest = (body: unknown): unknown => respell(body, '');

/**
 * A request's top level: known fields respelled (and their values), any other kept as sent.
 * (A list or a scalar is left for the parser to refuse.)
 */
function respellMessage(body: unknown, path: string, known: ReadonlySet<string>): unknown {
  if (!isRecord(body)) return body;
  let out: JsonRecord | undefined;
  const keys = Object.keys(body);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    const name = camelCaseName(key);
    if (!known.has(name)) {
      if (out && key !== '__proto__') out[key] = body[key];
      continue;
    }
    const value = body[key];
    const respelled = name === 'generateContentRequest' ? respellMessage(value, at(path, name), GENERATE_FIELDS) : respell(value, at(path, name));
    out = place(body, keys, index, out, key, name, value, respelled, path);
  }
  return out ?? body;
}

/** A value at any depth below the top level: every key respelled, free-form values kept as sent. */
function respell(value: unknown, path: string): unknown {
  if (Array.isArray(value)) {
    let list: unknown[] | undefined;
    for (let index = 0; index < value.length; index += 1) {
      const entry = value[index] as unknown;
      const respelled = respell(entry, at(path, index));
      if (respelled !== entry && !list) list = value.slice(0, index);
      if (list) list.push(respelled);
    }
    return list ?? value;
  }
  if (!isRecord(value)) return value;
  let out: JsonRecord | undefined;
  const keys = Object.keys(value);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    const name = camelCaseName(key);
    const entry = value[key];
    const respelled = FREE_FORM.has(name) ? entry : respell(entry, at(path, name));
    out = place(value, keys, index, out, key, name, entry, respelled, path);
  }
  return out ?? value;
}

/**
 * Puts `name: respelled` into the copy, which is made (of the keys before this one) at the first change.
 * A field set under both of its spellings is refused; when one of the two is null ("not set"), the other is the field.
 */
function place(source: JsonRecord, keys: readonly string[], index: number, out: JsonRecord | undefined, key: string, name: string, value: unknown, respelled: unknown, path: string): JsonRecord | undefined {
  if (name !== key && Object.hasOwn(source, name)) {
    if (!isUnset(value) && !isUnset(source[name])) {
      throw new GeminiRequestError(at(path, key), `the same field as '${at(path, name)}'; send it once, in one spelling`);
    }
    if (isUnset(value)) return out ?? copyBefore(source, keys, index);
  }
  // The other spelling came first and was set: this null one does not undo it.
  if (out && isUnset(value) && Object.hasOwn(out, name)) return out;
  if (!out && name === key && respelled === value) return undefined;
  const copy = out ?? copyBefore(source, keys, index);
  // (`__proto__` is no field, and assigned it would set the copy's prototype.)
  if (name !== '__proto__') copy[name] = respelled;
  return copy;
}

function copyBefore(source: JsonRecord, keys: readonly string[], end: number): JsonRecord {
  const copy: JsonRecord = {};
  for (let index = 0; index < end; index += 1) {
    const key = keys[index]!;
    if (key !== '__proto__') copy[key] = source[key];
  }
  return copy;
}
