// How deep a client's JSON may nest on the REST surfaces. A value that becomes a google.protobuf.Struct
// (tool parameters, a response schema, the pass-through provider_options) is converted and serialized by
// recursive code (protobuf-es, the cache key, the request log) that throws a RangeError far down a deep
// value: a 500 for a client's mistake. The RPC surface reads the same messages with protobuf-es's JSON
// recursion limit of 100, counting each message and each google.protobuf.Value on the way down:
// CompleteRequest › ChatRequest › Struct leaves 97 levels to a pass-through field's value, and
// CompleteRequest › ChatRequest › Tool (or ResponseFormat) › Struct leaves 96 to a schema's entries, 97 with
// the schema object itself. So 97, counted as below, makes the shims accept what the RPC surface accepts.
// (Real JSON schemas nest a few dozen levels at most.)

/** The levels a Struct-bound value may take: the value itself and every array, object or scalar inside it count one each. */
export const MAX_VALUE_DEPTH = 97;

/**
 * The levels any top-level field of a request body may take: above the deepest place a Struct-bound value
 * sits at (Gemini's tools[].functionDeclarations[].parameters, 5 levels down), and low enough for every
 * recursive walk of a body (respelling, JSON.stringify of tool arguments) to stay far from the stack's end.
 */
export const MAX_BODY_DEPTH = 128;

/**
 * Whether `value` takes more than `limit` levels: a scalar or an empty array or object is one level, a
 * container one more than its deepest element. Recursion stops at `limit`, so any depth is safe to ask.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (limit < 1) return true;
  if (typeof value !== 'object' || value === null) return false;
  // One level left: the container fits only empty (an element, scalar or not, needs a level of its own).
  if (Array.isArray(value)) {
    if (limit === 1) return value.length > 0;
    for (const element of value) if (typeof element === 'object' && element !== null && nestsDeeperThan(element, limit - 1)) return true;
    return false;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (limit === 1) return true;
    const element = (value as Record<string, unknown>)[key];
    if (typeof element === 'object' && element !== null && nestsDeeperThan(element, limit - 1)) return true;
  }
  return false;
}
