// Text as a row's varchar columns can hold it: well-formed UTF-16 (MySQL cannot encode lone surrogates
// as UTF-8), cut to the column's length.

/**
 * At most `max` UTF-16 code units, never ending in half a surrogate pair; MySQL counts characters,
 * which are never more than code units, so this always fits varchar(max).
 */
export function fit(text: unknown, max: number): string {
  const clean = wellFormed(text);
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** A string (whatever arrived); lone surrogates replaced, as they cannot be encoded as UTF-8 for MySQL. */
export function wellFormed(value: unknown): string {
  const text = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
  // Native (V8 ≥ 11.x): a scan instead of a regex replace on every field of every row.
  return text.isWellFormed() ? text : text.toWellFormed();
}
