// A proto enum ⇄ the names the records hold for it, from one table, so the two
// directions cannot drift apart. Proto enums are open: a client may send a
// number the table does not know, and that reads as no name at all.

export interface EnumNames<Value extends number, Name extends string> {
  /** undefined for the unspecified value and for numbers the table does not know. */
  nameOf(value: Value): Name | undefined;
  /** The value of a name; the unspecified value for a name the table does not hold. */
  valueOf(name: Name): Value;
}

export function enumNames<Value extends number, Name extends string>(
  unspecified: Value,
  table: Partial<Record<Value, Name>>,
): EnumNames<Value, Name> {
  const names = new Map<number, Name>();
  const values = new Map<string, Value>();
  for (const [value, name] of Object.entries(table) as Array<[string, Name | undefined]>) {
    if (name === undefined) continue;
    names.set(Number(value), name);
    values.set(name, Number(value) as Value);
  }
  return {
    nameOf: (value) => names.get(value),
    valueOf: (name) => values.get(name) ?? unspecified,
  };
}
