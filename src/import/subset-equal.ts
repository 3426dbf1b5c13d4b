// Whether an object already holds what an import asks for: every field the
// desired JSON names has the same value in the existing object's JSON (fields
// the gateway fills in itself, such as defaults and timestamps, are not compared).
// Lists compare element by element and must have the same length.
import type { JsonValue } from '@bufbuild/protobuf';

export function isSubsetOf(desired: JsonValue | undefined, existing: JsonValue | undefined): boolean {
  if (Array.isArray(desired)) {
    return Array.isArray(existing) && desired.length === existing.length && desired.every((item, index) => isSubsetOf(item, existing[index]));
  }
  if (desired !== null && typeof desired === 'object') {
    if (existing === null || typeof existing !== 'object' || Array.isArray(existing)) return false;
    return Object.entries(desired).every(([name, value]) => isSubsetOf(value, existing[name]));
  }
  // An unspecified enum asks for the gateway's default, whatever that is.
  if (typeof desired === 'string' && desired.endsWith('_UNSPECIFIED')) return true;
  if (existing === undefined) return isEmptyScalar(desired);
  return desired === existing;
}

const isEmptyScalar = (value: JsonValue | undefined): boolean => value === undefined || value === '' || value === 0 || value === false || value === null;

/** The top-level fields of `desired` that differ from `existing` (for the plan's "what changes"). */
export function changedFields(desired: Record<string, JsonValue>, existing: Record<string, JsonValue>): string[] {
  return Object.keys(desired).filter((name) => !isSubsetOf(desired[name], existing[name]));
}
