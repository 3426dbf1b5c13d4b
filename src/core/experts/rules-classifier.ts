// Ordered regex / keyword rules over the preprocessed input: the first matching rule names the expert.
// Patterns are admin-supplied and the input is the client's, so they run on the linear-time engine
// (../regex/linear-regex.ts).
import { cachedLinearRegex, LinearRegexError, type LinearRegex } from '../regex/linear-regex.js';
import type { ExpertRule } from './expert-types.js';

/** The expert of the first rule that matches, or null. Patterns are case-insensitive. */
export function rulesClassifier(rules: readonly ExpertRule[], input: string): string | null {
  for (const rule of rules) {
    if (matches(rule, input)) return rule.expert;
  }
  return null;
}

function matches(rule: ExpertRule, input: string): boolean {
  if (rule.pattern !== '') return regexFor(rule.pattern)?.test(input) ?? false;
  return rule.keywords.some((keyword) => keyword.trim() !== '' && (regexFor(keywordPattern(keyword))?.test(input) ?? false));
}

/**
 * A keyword as a whole word (or phrase): not inside a longer word. RE2 has no lookaround, so the
 * neighbours are matched (a non-word character or an end) — the same yes/no as lookarounds would give.
 * The space class is JavaScript's `\s` spelled out (RE2's `\s` is ASCII only).
 */
function keywordPattern(keyword: string): string {
  const escaped = keyword.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '[\\t-\\r\\p{Z}\\x{FEFF}]+');
  return `(?:^|[^\\p{L}\\p{N}_])${escaped}(?:$|[^\\p{L}\\p{N}_])`;
}

/** A pattern that does not compile (validated at save time; stored before the engine changed) never matches. */
function regexFor(pattern: string): LinearRegex | null {
  const regex = cachedLinearRegex(pattern, 'i');
  return regex instanceof LinearRegexError ? null : regex;
}
