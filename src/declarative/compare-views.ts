// Which top-level fields differ between what the file declares and what the
// gateway has, both as proto JSON of the same message. The gateway fills
// defaults the file may leave out (route settings, a check's interval…), so a
// field the file leaves out is the gateway's to keep — except the fields whose
// absence means "none" (a key's budget, a route's description…), listed per kind
// with the value they mean when absent. Inside a field the file sets, nested
// messages compare the same way (what the file says must hold); lists must have
// the same length; maps must be equal.
export type JsonObject = { [key: string]: unknown };

export interface ComparisonRules {
  /** Top-level fields: absent in the file means this value (undefined: empty / unset). */
  absentMeans: Record<string, unknown>;
  /** Map fields (compared whole, at any depth). */
  maps: string[];
}

export function changedFields(desired: JsonObject, current: JsonObject, rules: ComparisonRules): string[] {
  const changed: string[] = [];
  const fields = new Set([...Object.keys(desired), ...Object.keys(rules.absentMeans)]);
  for (const field of fields) {
    if (field in desired) {
      if (!holds(desired[field], current[field], rules, field)) changed.push(field);
    } else if (!isEmpty(current[field]) || rules.absentMeans[field] !== undefined) {
      if (!sameValue(rules.absentMeans[field], current[field])) changed.push(field);
    }
  }
  return changed.sort();
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

function sameValue(expected: unknown, actual: unknown): boolean {
  if (expected === undefined) return isEmpty(actual);
  return stable(expected) === stable(actual);
}

/** Does everything `desired` states hold in `actual`? */
function holds(desired: unknown, actual: unknown, rules: ComparisonRules, field: string): boolean {
  if (rules.maps.includes(field)) return stable(desired ?? {}) === stable(actual ?? {});
  if (Array.isArray(desired)) {
    const list = Array.isArray(actual) ? actual : [];
    return desired.length === list.length && desired.every((item, index) => holds(item, list[index], rules, field));
  }
  if (desired !== null && typeof desired === 'object') {
    const object = actual !== null && typeof actual === 'object' ? (actual as JsonObject) : {};
    return Object.entries(desired as JsonObject).every(([key, value]) => holds(value, object[key], rules, key));
  }
  // proto JSON leaves out zero values: an unset field in the gateway's answer is the zero value.
  if (actual === undefined) return isEmpty(desired);
  return stable(desired) === stable(actual);
}

/** JSON with object keys sorted, so maps compare regardless of order. */
export function stable(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as JsonObject).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}
