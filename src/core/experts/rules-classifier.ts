// Ordered regex / keyword rules over the preprocessed input: the first matching rule names the expert.
import type { ExpertRule } from './expert-types.js';

const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 1000;

/** The expert of the first rule that matches, or null. Patterns are case-insensitive. */
export function rulesClassifier(rules: readonly ExpertRule[], input: string): string | null {
  for (const rule of rules) {
    if (matches(rule, input)) return rule.expert;
  }
  return null;
}

function matches(rule: ExpertRule, input: string): boolean {
  if (rule.pattern !== '') {
    const regex = regexFor(rule.pattern);
    return regex !== null && regex.test(input);
  }
  return rule.keywords.some((keyword) => keyword.trim() !== '' && (regexFor(keywordPattern(keyword)) ?? NEVER).test(input));
}

const NEVER = /(?!)/;

/** A keyword as a whole word (or phrase): not inside a longer word. */
function keywordPattern(keyword: string): string {
  const escaped = keyword.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  return `(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`;
}

/** Compiled once per pattern; a pattern that does not compile (validated at save time) never matches. */
function regexFor(pattern: string): RegExp | null {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    try {
      regex = new RegExp(pattern, 'iu');
    } catch {
      return null;
    }
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex;
}
