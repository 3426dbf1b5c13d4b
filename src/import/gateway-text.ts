// Free text from another gateway (names, descriptions) → text the admin API
// accepts and keeps exactly as sent, so a re-run finds it unchanged. Its
// limits count UTF-16 code units (JavaScript string length, core/admin/validate.ts),
// so a cut keeps whole characters that fit: cutting inside a surrogate pair
// leaves half an emoji, which the database stores as U+FFFD — a name that
// differs from the draft on every run. The gateway trims what it stores, so
// the cut text is trimmed too.
export function cutToLength(value: string, max: number): string {
  let cut = '';
  for (const character of value.trim()) {
    if (cut.length + character.length > max) break;
    cut += character;
  }
  return cut.trimEnd();
}

/** One line: the admin API refuses control characters (a line break too) in names and route descriptions. */
export function singleLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}
