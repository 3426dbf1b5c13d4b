// Human durations as people write them in files and on command lines:
// "250ms", "30s", "5m", "1h", "7d", also "1h30m"; and proto JSON's own form
// ("1.5s"). Anything else is refused with the accepted forms named.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h|d))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(PART)) total += Number(match[1]) * UNIT_MS[match[2]!]!;
  return total;
}

export const DURATION_FORMS = 'a duration such as 250ms, 30s, 5m, 1h, 7d or 1h30m';

/** Proto JSON's Duration form: seconds with up to 9 decimals and an "s". */
export function protoDurationJson(milliseconds: number): string {
  const seconds = milliseconds / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(3).replace(/0+$/, '')}s`;
}

/** The shortest human form of a proto JSON duration ("300s" → "5m", "0.200s" → "200ms"). */
export function humanDuration(milliseconds: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (milliseconds >= size && milliseconds % size === 0) return `${milliseconds / size}${unit}`;
  }
  return `${milliseconds}ms`;
}
